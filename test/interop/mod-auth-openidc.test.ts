// Interop with an OpenID Connect relying party nobody on this team wrote: Apache httpd with Debian's
// mod_auth_openidc, configured by docs/guides/mod_auth_openidc.conf exactly as the guide gives it:
// discovery, authorization code flow with PKCE (S256), state and nonce, private_key_jwt at the token
// endpoint (its keys published by mod_auth_openidc itself at the registered jwks_uri), the ID token
// and userinfo checked by mod_auth_openidc. Then RP-initiated logout (OpenID Connect RP-Initiated
// Logout 1.0) from mod_auth_openidc's logout URL through our confirmation back to the webdienst.
// Needs apache2 and libapache2-mod-auth-openidc (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { setWebdienstSuspended } from '../../src/admin/webdienst-changes.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';
import { startApache, type Apache } from './support/apache.ts';
import { browserLogin, browserLogout, LoopbackBrowser } from './support/loopback-browser.ts';
import { registerOidcWebdienst } from './support/registration.ts';

const citizen = testCitizens[0];

/**
 * One GET as a browser navigation, read from the socket as it comes (mod_auth_openidc's error pages
 * carry bytes after their announced end, which Node's HTTP client refuses).
 */
function rawGet(url: string, cookie?: string): Promise<{ head: string; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(target.port), target.hostname, () =>
      socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/html\r\n` +
          `Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}Connection: close\r\n\r\n`,
      ),
    );
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ head: data.split('\r\n\r\n')[0]!, text: data }));
  });
}

describe('OIDC interop: mod_auth_openidc (Debian) as relying party, configured by its guide', function () {
  this.timeout(180_000);
  let server: TestServer;
  let work: string;
  let apache: Apache;
  let clientId: string;

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'openidc-rp-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    for (const args of [
      ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', join(work, 'client.key')],
      ['pkey', '-in', join(work, 'client.key'), '-pubout', '-out', join(work, 'client.pem')],
    ]) {
      const made = spawnSync('openssl', args, { encoding: 'utf8' });
      expect(made.status, made.stderr).to.equal(0);
    }
    // The registration the guide gives, word for word.
    ({ clientId } = await registerOidcWebdienst(server, {
      organisationName: 'Gemeente Openidc',
      name: 'mod_auth_openidc webdienst',
      redirectUris: [`${url}/protected/redirect_uri`],
      postLogoutRedirectUris: [`${url}/logged-out`],
      auth: 'private_key_jwt',
      jwksUri: `${url}/protected/redirect_uri?jwks=rsa`,
    }));
    apache = await startApache({
      module: 'openidc',
      guide: 'mod_auth_openidc.conf',
      work,
      port,
      variables: {
        WEBDIENST_URL: url,
        POORTWACHTER_URL: server.url,
        OIDC_CLIENT_ID: clientId,
        OIDC_KEY_DIR: work,
        OIDC_CRYPTO_PASSPHRASE: randomBytes(32).toString('base64url'),
        POORTWACHTER_LEVEL: levels.basis.uri,
      },
    });
  });
  after(async () => {
    await apache?.stop();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs test-basis in and shows the protected page: REMOTE_USER the pairwise sub, the BSN claim, acr Basis; then logs out at both ends', async () => {
    const browser = new LoopbackBrowser();
    const { page, passwordAsked } = await browserLogin(server, `${apache.url}/protected/whoami`, {
      ...citizen,
      browser,
    });
    expect(
      passwordAsked,
      `our password page was shown; ended at ${page.url} ${page.status}\n${page.body.slice(0, 800)}\n${apache.problems()}`,
    ).to.equal(true);
    expect(page.url).to.equal(`${apache.url}/protected/whoami`);
    expect(page.status, `${page.body.slice(0, 500)}\n${apache.problems()}`).to.equal(200);
    const sub = page.body.match(/^AUTHENTICATED-AS: (\S+)$/m)?.[1];
    expect(sub, page.body).to.be.a('string').and.not.equal('<none>');
    expect(sub).to.not.include(citizen.bsn);
    expect(page.body).to.match(new RegExp(`^OIDC_CLAIM_bsn=${citizen.bsn}$`, 'm'));
    expect(page.body).to.include(`OIDC_CLAIM_acr=${levels.basis.uri}`);
    expect(page.body).to.include(`OIDC_CLAIM_iss=${server.url}`);

    // The webdienst's session holds: the protected page again without a trip to us.
    const again = await browser.request(`${apache.url}/protected/whoami`);
    expect(again.status).to.equal(200);
    expect(again.body).to.include(`AUTHENTICATED-AS: ${sub}`);

    // mod_auth_openidc's logout URL: it ends its own session and sends the browser to our
    // end_session_endpoint with id_token_hint and post_logout_redirect_uri.
    const loggedOutUrl = `${apache.url}/logged-out`;
    const {
      page: landed,
      confirmed,
      visited,
    } = await browserLogout(browser, `${apache.url}/protected/redirect_uri?logout=${encodeURIComponent(loggedOutUrl)}`);
    expect(
      visited.some((url) => url.startsWith(`${server.url}/`)),
      visited.join('\n'),
    ).to.equal(true);
    expect(confirmed, 'our logout confirmation was answered').to.equal(true);
    expect(landed.url).to.equal(loggedOutUrl);
    expect(landed.body).to.include('AUTHENTICATED-AS: <none>');

    // Logged out at both ends: the protected page sends the browser to us, and we ask for the password.
    const afterwards = await browserLogin(server, `${apache.url}/protected/whoami`, { ...citizen, browser });
    expect(afterwards.passwordAsked, 'no SSO session was left at Poortwachter').to.equal(true);
    expect(afterwards.page.body).to.include(`AUTHENTICATED-AS: ${sub}`);
  });

  it('suspended, the webdienst is sent back to its redirect URI with error=unauthorized_client and its state, without a login page', async () => {
    const deps = { ...createServices(server.config, server.store, systemClock).adminDeps, operator: 'beheerder-test' };
    await setWebdienstSuspended(deps, clientId, true);
    try {
      const started = await rawGet(`${apache.url}/protected/whoami`);
      const authorization = new URL(started.head.match(/^Location: (\S+)/im)![1]!);
      expect(authorization.origin).to.equal(server.url);
      const answer = await fetch(authorization, { redirect: 'manual' });
      expect(answer.status, 'no login page: straight back to the webdienst').to.equal(303);
      const back = new URL(answer.headers.get('location')!);
      expect(`${back.origin}${back.pathname}`).to.equal(`${apache.url}/protected/redirect_uri`);
      expect(back.searchParams.get('error')).to.equal('unauthorized_client');
      expect(back.searchParams.get('state')).to.equal(authorization.searchParams.get('state'));
    } finally {
      await setWebdienstSuspended(deps, clientId, false);
    }
  });
});
