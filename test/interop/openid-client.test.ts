// The openid-client guide's webdienst (docs/guides/openid-client-webdienst.ts) run unchanged as a
// process of its own against a preproduction Poortwachter: discovery, code flow with PKCE, state and
// nonce, private_key_jwt with the key it publishes itself, the ID token checked by openid-client; then
// RP-initiated logout. A webdienst that behaves so passes its connection checklist, and its export is
// imported into a production database; an export whose checklist did not pass is refused.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { updateOidcWebdienst } from '../../src/admin/webdienst-changes.ts';
import { exportWebdienst, importWebdienst, webdienstChecklist } from '../../src/admin/webdienst-transfer.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { openStore } from '../../src/stores/index.ts';
import { createTestDatabase } from '../support/databases.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';
import { guidesDir } from './support/apache.ts';
import { browserLogin, browserLogout, LoopbackBrowser } from './support/loopback-browser.ts';
import { startSpProcess, type SpProcess } from './support/processes.ts';
import { registerOidcWebdienst } from './support/registration.ts';

const citizen = testCitizens[0];

describe("OIDC interop: the openid-client guide's webdienst", function () {
  this.timeout(120_000);
  let server: TestServer;
  let work: string;
  let webdienst: SpProcess;
  let url: string;
  let clientId: string;
  const preproduction = () => ({
    ...createServices(server.config, server.store, systemClock).adminDeps,
    environment: server.config.environment,
    operator: 'beheerder-pre',
  });

  before(async () => {
    // Preproduction fetches the webdienst's JWKS on loopback here only because the test allows it.
    server = await startTestServer({
      env: { POORTWACHTER_ENV: 'preproduction' },
      overrides: { allowPrivateNetworkCalls: true },
    });
    work = mkdtempSync(join(tmpdir(), 'openid-client-rp-'));
    const key = join(work, 'client.key');
    const made = spawnSync(
      'openssl',
      ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key],
      {
        encoding: 'utf8',
      },
    );
    expect(made.status, made.stderr).to.equal(0);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // The registration the guide gives.
    ({ clientId } = await registerOidcWebdienst(server, {
      organisationName: 'Gemeente Openid-client',
      name: 'openid-client webdienst',
      redirectUris: [`${url}/callback`],
      postLogoutRedirectUris: [`${url}/logged-out`],
      auth: 'private_key_jwt',
      jwksUri: `${url}/jwks.json`,
    }));
    webdienst = await startSpProcess(
      process.execPath,
      [join(guidesDir, 'openid-client-webdienst.ts')],
      {
        POORTWACHTER_URL: server.url,
        WEBDIENST_URL: url,
        PORT: String(port),
        CLIENT_ID: clientId,
        PRIVATE_KEY_FILE: key,
        POORTWACHTER_LEVEL: levels.basis.uri,
      },
      `${url}/logged-out`,
    );
  });
  after(async () => {
    await webdienst?.stop();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs test-basis in (pairwise sub, BSN, acr Basis) and out again at both ends', async () => {
    const browser = new LoopbackBrowser();
    const { page, passwordAsked } = await browserLogin(server, `${url}/protected/whoami`, { ...citizen, browser });
    expect(passwordAsked).to.equal(true);
    expect(page.status, `${page.body}\n${webdienst.log()}`).to.equal(200);
    const sub = page.body.match(/^AUTHENTICATED-AS: (\S+)$/m)?.[1];
    expect(sub).to.be.a('string').and.not.equal('<none>').and.not.include(citizen.bsn);
    expect(page.body).to.include(`bsn=${citizen.bsn}\n`).and.include(`acr=${levels.basis.uri}\n`);

    const { page: landed, confirmed } = await browserLogout(browser, `${url}/logout`);
    expect(confirmed).to.equal(true);
    expect(landed.url).to.equal(`${url}/logged-out`);
    const afterwards = await browserLogin(server, `${url}/protected/whoami`, { ...citizen, browser });
    expect(afterwards.passwordAsked, 'no SSO session was left at Poortwachter').to.equal(true);
    expect(afterwards.page.body).to.include(`AUTHENTICATED-AS: ${sub}`);
  });

  it('passes its connection checklist; the export goes into a production database, one that did not pass is refused', async () => {
    const report = await webdienstChecklist(preproduction(), clientId);
    expect(
      report.items.filter((entry) => entry.result !== 'pass'),
      JSON.stringify(report.items, null, 1),
    ).to.deep.equal([]);
    expect(report.passed).to.equal(true);
    expect(report.items.map((entry) => entry.item)).to.have.members([
      'registered_endpoint',
      'pkce_state_nonce',
      'level_at_or_above_minimum',
      'answer_collected',
      'logout',
      'no_retry_storm',
    ]);
    const exported = await exportWebdienst(preproduction(), 'openid-client webdienst');
    expect(exported).to.deep.include({ exportedFrom: 'preproduction' });
    expect(JSON.stringify(exported)).to.not.include('"client_secret"');

    const database = await createTestDatabase();
    const production = openStore(database.url);
    try {
      await production.migrate();
      const deps = {
        store: production,
        clock: systemClock,
        audit: createAuditLog(production, systemClock),
        environment: 'production' as const,
        operator: 'beheerder-prod',
      };
      // An export whose checklist did not pass (another webdienst, nothing observed): refused, nothing stored.
      const other = await registerOidcWebdienst(server, {
        organisationName: 'Gemeente Ongetest',
        name: 'ongeteste webdienst',
        redirectUris: ['https://ongetest.example/callback'],
        auth: 'private_key_jwt',
        jwksUri: 'https://ongetest.example/jwks.json',
      });
      const untested = await exportWebdienst(preproduction(), other.clientId);
      let refusal: Error | undefined;
      await importWebdienst(deps, untested).catch((error: Error) => (refusal = error));
      expect(refusal?.message).to.match(
        /^import refused: the connection checklist did not pass: registered_endpoint not_observed/,
      );
      expect(await production.findWebdienstByClientId(other.clientId)).to.equal(undefined);

      // Production refuses the test machine's http addresses, and keys without a certificate that
      // chains to the trust anchors (the certificate policy): the policy's rule is named.
      let insecure: Error | undefined;
      await importWebdienst(deps, exported).catch((error: Error) => (insecure = error));
      expect(insecure?.message).to.match(/certificate refused \(no_certificate\)|--redirect-uri must use https/);
      await updateOidcWebdienst(preproduction(), clientId, {
        redirectUris: ['https://www.gemeente.example/callback'],
        postLogoutRedirectUris: ['https://www.gemeente.example/logged-out'],
        jwksUri: 'https://www.gemeente.example/jwks.json',
      });
      let uncertified: Error | undefined;
      await importWebdienst(deps, await exportWebdienst(preproduction(), clientId)).catch(
        (error: Error) => (uncertified = error),
      );
      expect(uncertified?.message).to.match(/certificate refused \(no_certificate\)|could not fetch --jwks-uri/);
      expect(await production.findWebdienstByClientId(clientId)).to.equal(undefined);
      const events = await production.listAuditEvents();
      expect(events.find((event) => event.type === 'admin.webdienst_import_refused')).to.deep.include({
        reason: 'checklist_not_passed',
      });
    } finally {
      await production.close();
      await database.drop();
    }
  });
});
