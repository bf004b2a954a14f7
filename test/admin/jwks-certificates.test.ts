// The certificates of an OIDC webdienst that publishes its keys at a jwks_uri (what `webdienst
// add-oidc --jwks-uri` registers): read over HTTP for the expiry warnings and `webdienst
// certificates`, kept for a while, and never fetched from this machine or a private network unless
// the deployment allows it; a jwks_uri that cannot be read is named with the reason.
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { certificateExpiries, type UnreadableJwks } from '../../src/admin/certificate-expiries.ts';
import { warnOfCertificateExpiries } from '../../src/admin/certificate-expiry-warnings.ts';
import { createJwksReader } from '../../src/admin/jwks-reader.ts';
import { addOrganisationContact } from '../../src/admin/organisation-contacts.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { FakeClock } from '../support/clock.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { testPki, type TestPki } from '../support/test-pki.ts';

const day = 86_400_000;

describe('certificates of keys at a jwks_uri', function () {
  this.timeout(60_000);
  let pki: TestPki;
  let opened: TestStore;
  let server: Server;
  let served = 0;
  let base: string;
  let clock: FakeClock;
  let notAfter: number;

  before(async () => {
    pki = testPki();
    notAfter = Date.parse(new X509Certificate(pki.good.certificatePem).validTo);
    clock = new FakeClock(notAfter - 20 * day);
    const jwks = JSON.stringify({
      keys: [
        {
          ...createPublicKey(createPrivateKey(pki.good.keyPem)).export({ format: 'jwk' }),
          kid: 'online-1',
          use: 'sig',
          x5c: [pki.good.body, pki.intermediate.body],
        },
      ],
    });
    server = createServer((request, response) => {
      if (request.url === '/jwks') {
        served += 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
      } else if (request.url === '/broken') response.writeHead(200).end('<html>');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    opened = await openTestStore('sqlite');
    const deps = {
      store: opened.store,
      clock,
      audit: createAuditLog(opened.store, clock),
      environment: 'development' as const,
    };
    await addOrganisation(deps, { name: 'Gemeente Voorbeeld', oin: pki.oin, bsnEntitled: false });
    await addOrganisationContact(deps, pki.oin, {
      role: 'technical',
      name: 'Techniek',
      email: 'techniek@voorbeeld.nl',
    });
    for (const [name, path] of [
      ['Online sleutels', '/jwks'],
      ['Kapotte sleutels', '/broken'],
    ] as const)
      await addOidcWebdienst(deps, {
        organisationOin: pki.oin,
        name,
        redirectUris: ['https://dienst.voorbeeld.nl/cb'],
        auth: 'private_key_jwt',
        jwksUri: `${base}${path}`,
      });
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await opened?.close();
  });

  it('reads the key certificates at the jwks_uri and warns of their expiry, reading the uri once an hour', async () => {
    const readJwks = createJwksReader({ allowPrivateNetworkCalls: true, now: () => clock.now() });
    const report = await warnOfCertificateExpiries({ store: opened.store, clock, readJwks });
    expect(
      report.warned.map(({ expiry, thresholdDays }) => [expiry.webdienstName, expiry.use, thresholdDays]),
    ).to.deep.equal([['Online sleutels', 'key online-1', 30]]);
    expect(report.warned[0]!.expiry.fingerprint).to.equal(new X509Certificate(pki.good.certificatePem).fingerprint256);
    expect(report.unreadableJwks).to.deep.equal([
      { clientId: report.unreadableJwks[0]!.clientId, jwksUri: `${base}/broken`, reason: 'not JSON' },
    ]);
    expect(served).to.equal(1);
    await certificateExpiries({ store: opened.store, clock, readJwks });
    expect(served).to.equal(1);
    clock.advance(3_600_001);
    await certificateExpiries({ store: opened.store, clock, readJwks });
    expect(served).to.equal(2);
  });

  it('refuses to read a jwks_uri on this machine unless private network calls are allowed', async () => {
    const unreadable: UnreadableJwks[] = [];
    const expiries = await certificateExpiries(
      { store: opened.store, clock, readJwks: createJwksReader({ allowPrivateNetworkCalls: false }) },
      { unreadable },
    );
    expect(expiries).to.deep.equal([]);
    expect(unreadable.map((entry) => entry.reason)).to.deep.equal([
      'the address is on this machine or a private network',
      'the address is on this machine or a private network',
    ]);
    expect(served).to.equal(2);
  });
});
