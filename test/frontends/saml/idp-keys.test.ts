// The IdP's signing certificates ("Keys"): generated once per key outside
// production and shared through the database; from configured files in production, checked to
// belong to their keys.
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../config/index.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { loadInstanceKeys } from '../../../src/core/keys.ts';
import { selfSignedCertificate } from '../../../src/frontends/saml/certificate.ts';
import { createSamlIdp } from '../../../src/frontends/saml/idp.ts';
import { openStore, type Store } from '../../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';

describe('SAML IdP signing certificates', () => {
  let database: TestDatabase;
  let store: Store;
  let dir: string;
  before(async () => {
    database = await createTestDatabase('sqlite');
    store = openStore(database.url);
    await store.migrate();
    dir = mkdtempSync(join(tmpdir(), 'idp-keys-'));
  });
  after(async () => {
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates one self-signed certificate per generated key, the same for every process', async () => {
    const config = loadConfig({ POORTWACHTER_ENV: 'development', DATABASE_URL: database.url });
    const keys = await loadInstanceKeys(config, store, systemClock);
    const first = await createSamlIdp(config, keys, store, systemClock);
    const second = await createSamlIdp(config, await loadInstanceKeys(config, store, systemClock), store, systemClock);
    expect(first.certificates).to.have.length(1);
    expect(second.certificates).to.deep.equal(first.certificates);
    const certificate = new X509Certificate(first.certificates[0]!);
    expect(certificate.publicKey.export({ format: 'jwk' }).n).to.equal(keys.signingKeys[0]!.n);
    expect(first.metadataXml()).to.include(certificate.raw.toString('base64'));
  });

  it('reads configured certificate files in the order of the key files, and refuses one of another key', async () => {
    const pair = () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      return {
        key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
        certificate: selfSignedCertificate(privateKey, 'configured', Date.now()),
      };
    };
    const [a, b] = [pair(), pair()];
    writeFileSync(join(dir, 'a.pem'), a.key);
    writeFileSync(join(dir, 'b.pem'), b.key);
    writeFileSync(join(dir, 'a.crt'), a.certificate);
    writeFileSync(join(dir, 'b.crt'), b.certificate);
    const env = (certificates: string) => ({
      POORTWACHTER_ENV: 'development',
      DATABASE_URL: database.url,
      SIGNING_KEY_FILES: `${join(dir, 'a.pem')},${join(dir, 'b.pem')}`,
      SIGNING_CERTIFICATE_FILES: certificates,
    });
    const config = loadConfig(env(`${join(dir, 'a.crt')},${join(dir, 'b.crt')}`));
    const idp = await createSamlIdp(config, await loadInstanceKeys(config, store, systemClock), store, systemClock);
    expect(idp.certificates.map((pem) => new X509Certificate(pem).fingerprint256)).to.deep.equal(
      [a, b].map((p) => new X509Certificate(p.certificate).fingerprint256),
    );
    const swapped = loadConfig(env(`${join(dir, 'b.crt')},${join(dir, 'a.crt')}`));
    let caught: Error | undefined;
    try {
      await createSamlIdp(swapped, await loadInstanceKeys(swapped, store, systemClock), store, systemClock);
    } catch (error) {
      caught = error as Error;
    }
    expect(caught?.message).to.match(/does not belong to signing key file 1/);
  });
});
