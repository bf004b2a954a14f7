// The login form is bound to the browser that started the attempt (a cookie
// scoped to the attempt's path), refuses posts from another origin, and a session id that existed
// before login is never the one the citizen ends up with (session fixation).
import { expect } from 'chai';
import { attemptCookieName } from '../../src/login/flow.ts';
import { TestBrowser, formAction, formActionEndingWith, type Page } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, browserAt, openLoginPage, uniqueAddress, type CreatedCitizen } from './helpers.ts';

/** A POST with exactly the headers given plus the browser's cookies: no Origin added. */
async function rawPost(
  browser: TestBrowser,
  url: string,
  form: Record<string, string>,
  headers: Record<string, string>,
): Promise<Page> {
  const cookie = await browser.jar.getCookieString(url);
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...browser.headers,
      ...(cookie ? { cookie } : {}),
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });
  return {
    status: response.status,
    url,
    headers: response.headers,
    body: await response.text(),
    location: response.headers.get('location') ?? undefined,
  };
}

async function sessionCookie(browser: TestBrowser, url: string): Promise<string | undefined> {
  return (await browser.jar.getCookies(url)).find((cookie) => cookie.key === 'pw_session')?.value;
}

describe('The login form', () => {
  let server: TestServer;
  let rp: RelyingParty;
  let citizen: CreatedCitizen;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server);
    citizen = await addTestCitizen(server);
  });
  after(() => server.stop());

  async function passwordEventsFrom(address: string) {
    return (await server.store.listAuditEvents({ type: 'login.password', limit: 100_000 })).filter(
      (event) => event.clientAddress === address,
    );
  }

  /** The citizen's own browser on the login page, and proof that it can still finish the login. */
  async function loginPageOfCitizen() {
    const browser = browserAt();
    const { page, request } = await openLoginPage(rp, browser);
    const finish = async () => {
      const back = await rp.submitPassword(browser, page, citizen.username, citizen.password);
      expect(back.location, 'the attempt is still usable by its own browser').to.match(
        new RegExp(`^${rp.redirectUri}\\?code=`),
      );
      return rp.redeem(back.location!, request);
    };
    return { browser, page, finish };
  }

  describe('bound to the browser that started the attempt', () => {
    it('refuses the form posted without the attempt cookie with 400, without checking the password', async () => {
      const { page, finish } = await loginPageOfCitizen();
      const address = uniqueAddress();
      const stranger = browserAt(address);
      const answer = await stranger.post(formAction(page.body, 'username', page.url), {
        username: citizen.username,
        password: citizen.password,
      });
      expect(answer.status).to.equal(400);
      expect(answer.location).to.equal(undefined);
      expect(await passwordEventsFrom(address)).to.deep.equal([]);
      expect(await stranger.jar.getCookies(server.url)).to.deep.equal([]);
      await finish();
    });

    it('refuses the form posted with a forged attempt cookie with 400', async () => {
      const { page, finish } = await loginPageOfCitizen();
      const address = uniqueAddress();
      const stranger = browserAt(address);
      const action = formAction(page.body, 'username', page.url);
      await stranger.jar.setCookie(
        `${attemptCookieName}=forged-binding-value; Path=${new URL(action).pathname}`,
        action,
      );
      const answer = await stranger.post(action, { username: citizen.username, password: citizen.password });
      expect(answer.status).to.equal(400);
      expect(await passwordEventsFrom(address)).to.deep.equal([]);
      await finish();
    });

    it('refuses the cookie of one attempt on the form of another', async () => {
      const { page: otherPage } = await loginPageOfCitizen();
      const address = uniqueAddress();
      const attacker = browserAt(address);
      const { page: ownPage } = await openLoginPage(rp, attacker);
      const ownBinding = (await attacker.jar.getCookies(ownPage.url)).find(
        (cookie) => cookie.key === attemptCookieName,
      )!.value;
      const answer = await rawPost(
        attacker,
        formAction(otherPage.body, 'username', otherPage.url),
        { username: citizen.username, password: citizen.password },
        {
          origin: new URL(server.url).origin,
          cookie: `${attemptCookieName}=${ownBinding}`,
        },
      );
      expect(answer.status).to.equal(400);
      expect(await passwordEventsFrom(address)).to.deep.equal([]);
    });
  });

  describe('refuses posts from another origin', () => {
    for (const [name, headers] of [
      ['a foreign Origin', { origin: 'https://evil.example' }],
      ['Origin null (a sandboxed frame)', { origin: 'null' }],
      ['our host on another port', { origin: 'http://127.0.0.1:1' }],
      ['a foreign Referer and no Origin', { referer: 'https://evil.example/login-csrf.html' }],
    ] as const) {
      it(`answers the login form posted with ${name} with 403, without checking the password`, async () => {
        const { browser, page, finish } = await loginPageOfCitizen();
        const address = String(browser.headers['x-forwarded-for']);
        const answer = await rawPost(
          browser,
          formAction(page.body, 'username', page.url),
          { username: citizen.username, password: citizen.password },
          headers,
        );
        expect(answer.status).to.equal(403);
        expect(answer.location).to.equal(undefined);
        expect(await passwordEventsFrom(address)).to.deep.equal([]);
        expect(await sessionCookie(browser, server.url)).to.equal(undefined);
        await finish();
      });
    }

    it('answers the cancel form posted from a foreign Origin with 403 and does not cancel', async () => {
      const { browser, page, finish } = await loginPageOfCitizen();
      const answer = await rawPost(
        browser,
        formActionEndingWith(page.body, '/annuleren', page.url),
        {},
        { origin: 'https://evil.example' },
      );
      expect(answer.status).to.equal(403);
      await finish();
    });
  });

  describe('session fixation', () => {
    it('does not adopt a session cookie planted before login', async () => {
      const browser = browserAt();
      await browser.jar.setCookie('pw_session=fixated-by-an-attacker; Path=/', server.url);
      await browser.jar.setCookie('pw_session.sig=forged-signature; Path=/', server.url);
      await rp.login(browser, citizen.username, citizen.password);
      const after = await sessionCookie(browser, server.url);
      expect(after).to.be.a('string').and.not.equal('fixated-by-an-attacker');
    });

    it('replaces the session id of an earlier login when the citizen logs in again, and the old id is dead', async () => {
      const browser = browserAt();
      await rp.login(browser, citizen.username, citizen.password);
      const oldCookies = (await browser.jar.getCookies(server.url)).filter((cookie) =>
        cookie.key.startsWith('pw_session'),
      );
      const before = await sessionCookie(browser, server.url);
      await rp.login(browser, citizen.username, citizen.password, { prompt: 'login' });
      const after = await sessionCookie(browser, server.url);
      expect(before).to.be.a('string');
      expect(after).to.be.a('string').and.not.equal(before);

      // Whoever kept the old id (the fixation attacker) gets no single sign-on with it.
      const replay = browserAt();
      for (const cookie of oldCookies) await replay.jar.setCookie(`${cookie.key}=${cookie.value}; Path=/`, server.url);
      const { url } = await rp.authorizationRequest({ prompt: 'none' });
      const answer = await replay.follow(await replay.get(url), (location) => location.startsWith(rp.redirectUri));
      const callback = new URL(answer.location!);
      expect(callback.searchParams.get('error')).to.equal('login_required');
      expect(callback.searchParams.has('code')).to.equal(false);
    });
  });
});
