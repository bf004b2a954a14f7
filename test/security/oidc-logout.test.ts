// RP-initiated logout (OIDC RP-Initiated Logout 1.0 section 3) sends the
// browser only to a post_logout_redirect_uri the webdienst registered, compared as an exact string;
// anything else is an error page at the provider, never a redirect (no open redirector).
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import type { TestBrowser } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt } from './helpers.ts';

const citizen = testCitizens[0];
// RelyingParty.register registers this one post-logout redirect URI for every test webdienst.
const registeredPostLogout = 'http://127.0.0.1:9/logged-out';

describe('OIDC logout', () => {
  let server: TestServer;
  let rp: RelyingParty;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server);
  });
  after(() => server.stop());

  async function loggedIn(): Promise<{ browser: TestBrowser; idToken: string }> {
    const browser = browserAt();
    const { tokens } = await rp.login(browser, citizen.username, citizen.password);
    return { browser, idToken: tokens.id_token! };
  }

  function confirmationForm(html: string): { action: string; xsrf: string } {
    const action = html.match(/<form id="op\.logoutForm"[^>]*action="([^"]+)"/)?.[1];
    const xsrf = html.match(/name="xsrf" value="([^"]+)"/)?.[1];
    if (!action || !xsrf) throw new Error('no logout confirmation form');
    return { action, xsrf };
  }

  const endSession = (params: Record<string, string>) => `${server.url}/session/end?${new URLSearchParams(params)}`;

  const unregistered: Array<[string, string]> = [
    ['a foreign host', 'https://evil.example/logged-out'],
    ['the registered one with a path appended', `${registeredPostLogout}/extra`],
    ['the registered one with characters appended', `${registeredPostLogout}x`],
    ['the registered one with a query appended', `${registeredPostLogout}?next=https://evil.example/`],
    ['the registered one with an encoded ..', `${registeredPostLogout}/%2e%2e/evil`],
    ['the registered one on another port', registeredPostLogout.replace(':9/', ':10/')],
    ['the registered one in upper case', registeredPostLogout.toUpperCase()],
    [
      'the registered host as user info (@)',
      registeredPostLogout.replace('http://127.0.0.1:9/', 'http://127.0.0.1:9@evil.example/'),
    ],
    ['a redirect_uri of the webdienst (registered for login, not logout)', ''],
  ];

  for (const [name, uri] of unregistered) {
    it(`shows an error page and does not redirect for a post_logout_redirect_uri that is ${name}`, async () => {
      const { browser, idToken } = await loggedIn();
      const target = uri || rp.redirectUri;
      const answer = await browser.get(
        endSession({ id_token_hint: idToken, post_logout_redirect_uri: target, state: 'staat-1' }),
      );
      expect(answer.status).to.equal(400);
      expect(answer.location).to.equal(undefined);
      expect(answer.body).to.include('<code>invalid_request</code>');
      expect(answer.body).to.not.include('op.logoutForm');
    });
  }

  it('ignores a post_logout_redirect_uri sent without id_token_hint or client_id: after confirming, the browser stays here', async () => {
    const { browser } = await loggedIn();
    const evil = 'https://evil.example/logged-out';
    const confirm = await browser.get(endSession({ post_logout_redirect_uri: evil }));
    expect(confirm.status).to.equal(200);
    expect(confirm.location).to.equal(undefined);
    const { action, xsrf } = confirmationForm(confirm.body);
    const done = await browser.follow(
      await browser.post(action, { xsrf, logout: 'yes' }),
      (url) => !url.startsWith(server.url),
    );
    expect(done.location ?? '').to.not.include('evil.example');
    expect(done.status).to.equal(200);
    expect(new URL(done.url).origin).to.equal(new URL(server.url).origin);
  });

  it('shows an error page for an unregistered post_logout_redirect_uri named with client_id instead of a hint', async () => {
    const { browser } = await loggedIn();
    const answer = await browser.get(
      endSession({ client_id: rp.clientId, post_logout_redirect_uri: 'https://evil.example/logged-out' }),
    );
    expect(answer.status).to.equal(400);
    expect(answer.location).to.equal(undefined);
    expect(answer.body).to.include('<code>invalid_request</code>');
  });

  it('asks for confirmation and then returns to the registered post_logout_redirect_uri (the control)', async () => {
    const { browser, idToken } = await loggedIn();
    const confirm = await browser.get(
      endSession({ id_token_hint: idToken, post_logout_redirect_uri: registeredPostLogout, state: 'staat-2' }),
    );
    expect(confirm.status).to.equal(200);
    const { action, xsrf } = confirmationForm(confirm.body);
    const done = await browser.post(action, { xsrf, logout: 'yes' });
    expect(done.location).to.equal(`${registeredPostLogout}?state=staat-2`);
  });
});
