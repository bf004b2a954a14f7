// Signing keys: configured key files, PEM or JWK, all published for rollover; the first signs.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';
import { testCitizens } from '../../seeds/development.ts';
import { selfSignedCertificate } from '../../src/frontends/saml/certificate.ts';
import { TestBrowser } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('signing keys from files (rollover)', () => {
  let server: TestServer;
  const dir = mkdtempSync(join(tmpdir(), 'pw-keys-'));
  const next = join(dir, 'next.pem');
  const previous = join(dir, 'previous.jwk.json');

  before(async () => {
    const nextKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const previousKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(next, nextKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(previous, JSON.stringify({ ...previousKey.export({ format: 'jwk' }), kid: 'previous-key' }));
    // SAML metadata publishes certificates: configured keys come with theirs
    const certificates = [nextKey, previousKey].map((key, index) => {
      const file = join(dir, `certificate-${index}.pem`);
      writeFileSync(file, selfSignedCertificate(key, `test key ${index}`, Date.now()));
      return file;
    });
    server = await startTestServer({
      overrides: { keys: { signingKeyFiles: [next, previous], signingCertificateFiles: certificates } },
    });
  });
  after(() => server.stop());

  it('publishes every configured key, without private parts, and signs with the first', async () => {
    const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
    const kids = jwks.keys.map((key) => key.kid);
    expect(kids).to.include('previous-key');
    expect(new Set(kids).size).to.equal(2);
    for (const key of jwks.keys) expect(key).to.not.have.any.keys('d', 'p', 'q', 'dp', 'dq', 'qi');
    const rp = await RelyingParty.register(server);
    const { tokens } = await rp.login(new TestBrowser(), testCitizens[0].username, testCitizens[0].password);
    const { kid } = decodeProtectedHeader(tokens.id_token!);
    expect(kid).to.not.equal('previous-key');
    expect(kids).to.include(kid);
  });

  it('refuses to start on a key file that is not there, naming the setting', async () => {
    let message = '';
    try {
      await startTestServer({ overrides: { keys: { signingKeyFiles: [join(dir, 'missing.pem')] } } });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/keys\.signingKeyFiles \(SIGNING_KEY_FILES\): cannot read .*missing\.pem: ENOENT/);
  });
});
