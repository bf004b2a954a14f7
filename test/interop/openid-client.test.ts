// The openid-client guide's webdienst (docs/guides/openid-client-webdienst.ts) run unchanged as a
// process of its own: discovery, code flow with PKCE, state and nonce, private_key_jwt with the key it
// publishes itself, the ID token checked by openid-client; then RP-initiated logout.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { levels } from '../../src/core/levels.ts';
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

  before(async () => {
    server = await startTestServer();
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
    const { clientId } = await registerOidcWebdienst(server, {
      organisationName: 'Gemeente Openid-client',
      name: 'openid-client webdienst',
      redirectUris: [`${url}/callback`],
      postLogoutRedirectUris: [`${url}/logged-out`],
      auth: 'private_key_jwt',
      jwksUri: `${url}/jwks.json`,
    });
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
});
