// Logging in to "Mijn Poortwachter" through the one login layer, the overview page, the account
// session (cookie attributes, idle timeout, logout) and the built-in webdienst behind it.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { accountWebdienstClientId } from '../../src/stores/index.ts';
import { TestBrowser, formAction, formActionEndingWith } from '../support/browser.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt } from '../security/helpers.ts';
import { loginToAccount, openAccountLogin } from './helpers.ts';

const [basisCitizen, middenCitizen] = testCitizens;

async function accountCookie(browser: TestBrowser, server: TestServer) {
  return (await browser.jar.getCookies(`${server.url}/mijn`)).find((cookie) => cookie.key === 'poortwachter_mijn');
}

for (const kind of databaseKinds) {
  describe(`Mijn Poortwachter: login, overview and logout (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('sends a browser without a session through the login pages of the built-in webdienst', async () => {
      const loginPage = await openAccountLogin(server, browserAt());
      expect(loginPage.status).to.equal(200);
      expect(loginPage.body).to.include('name="username"');
      expect(loginPage.body).to.include('U logt in bij Mijn Poortwachter van Poortwachter.');
    });

    it('shows the overview after the password: username, masked phone, app, recent events, and no full number', async () => {
      const browser = browserAt();
      const overview = await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      expect(overview.body).to.include('<h1>Mijn Poortwachter</h1>');
      expect(overview.body).to.include(`<code>${middenCitizen.username}</code>`);
      expect(overview.body).to.include('+31*******78');
      expect(overview.body).to.not.include(middenCitizen.phone);
      expect(overview.body).to.not.include(middenCitizen.bsn);
      expect(overview.body).to.match(/Authenticator-app<\/dt>\s*<dd>Niet gekoppeld/);
      expect(overview.body).to.include('href="/mijn/telefoon"');
      expect(overview.body).to.include('action="/mijn/uitloggen"');
      // The login just made is in the list: password checked, logged in, account session started.
      expect(overview.body).to.include('Wachtwoord ingevuld om in te loggen bij Mijn Poortwachter');
      expect(overview.body).to.include('Ingelogd bij Mijn Poortwachter (niveau Basis)');
      expect(overview.body).to.not.include('<code>login.');
      expect(overview.body).to.match(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
      const rows = overview.body.match(/<tr>\s*<td><time/g) ?? [];
      expect(rows.length).to.be.within(1, 10);
    });

    it('shows at most the 10 latest events, newest first', async () => {
      const browser = browserAt();
      for (let i = 0; i < 3; i += 1)
        await loginToAccount(server, browserAt(), basisCitizen.username, basisCitizen.password);
      const overview = await loginToAccount(server, browser, basisCitizen.username, basisCitizen.password);
      const times = [...overview.body.matchAll(/<time datetime="([^"]+)">/g)].map((match) => match[1]!);
      expect(times).to.have.length(10);
      expect(times).to.deep.equal([...times].sort().reverse());
    });

    it('shows the overview in English when the citizen chose English', async () => {
      const browser = browserAt();
      await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      const english = await browser.get(`${server.url}/mijn?lang=en`);
      expect(english.body).to.include('<h1>My Poortwachter</h1>');
      expect(english.body).to.include('Change phone number');
    });

    it('sets an HttpOnly, SameSite=Lax cookie for /mijn, and stores only a hash of its token', async () => {
      const browser = browserAt();
      await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      const cookie = await accountCookie(browser, server);
      expect(cookie).to.not.equal(undefined);
      expect(cookie!.httpOnly).to.equal(true);
      expect(cookie!.sameSite).to.equal('lax');
      expect(cookie!.path).to.equal('/mijn');
      expect(cookie!.secure, 'plain http in this test').to.equal(false);
      const now = Date.now();
      expect(await server.store.findAccountSession(cookie!.value, now), 'the token itself is no id').to.equal(
        undefined,
      );
      const stored = await server.store.findAccountSession(
        createHash('sha256').update(cookie!.value).digest('hex'),
        now,
      );
      expect(stored).to.deep.include({ level: 'basis', pendingPhone: null });
    });

    it('replaces a session the browser already had when it logs in again', async () => {
      const browser = browserAt();
      await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      const first = (await accountCookie(browser, server))!.value;
      // A second login in the same browser, finished while the first session is live.
      const loginPage = await openAccountLoginDespiteSession(server, browser);
      await browser.follow(
        await browser.post(formAction(loginPage.body, 'username', loginPage.url), {
          username: middenCitizen.username,
          password: middenCitizen.password,
        }),
      );
      const second = (await accountCookie(browser, server))!.value;
      expect(second).to.not.equal(first);
      expect(
        await server.store.findAccountSession(createHash('sha256').update(first).digest('hex'), Date.now()),
      ).to.equal(undefined);
    });

    it('goes back to the start page with a message when the citizen cancels the login', async () => {
      const browser = browserAt();
      const loginPage = await openAccountLogin(server, browser);
      const back = await browser.follow(
        await browser.post(formActionEndingWith(loginPage.body, '/annuleren', loginPage.url), {}),
      );
      expect(back.status).to.equal(200);
      expect(back.url).to.equal(`${server.url}/?melding=mijn_geannuleerd`);
      expect(back.body).to.include('U hebt het inloggen bij Mijn Poortwachter geannuleerd.');
      expect(await accountCookie(browser, server)).to.equal(undefined);
    });

    it('refuses /mijn/terug in a browser that did not start the login', async () => {
      const browser = browserAt();
      const loginPage = await openAccountLogin(server, browser);
      const posted = await browser.post(formAction(loginPage.body, 'username', loginPage.url), {
        username: middenCitizen.username,
        password: middenCitizen.password,
      });
      expect(new URL(posted.location!).pathname).to.equal('/mijn/terug');
      const stranger = browserAt();
      const refused = await stranger.get(posted.location!);
      expect(refused.status).to.equal(400);
      expect(await accountCookie(stranger, server)).to.equal(undefined);
    });

    it('ignores a notice that is not one of its own', async () => {
      const page = await new TestBrowser().get(`${server.url}/?melding=constructor`);
      expect(page.status).to.equal(200);
      expect(page.body).to.not.include('class="notice"');
    });

    it('logs out: the session is deleted server-side, and replaying the old cookie gives no access', async () => {
      const browser = browserAt();
      await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      const token = (await accountCookie(browser, server))!.value;
      const out = await browser.follow(await browser.post(`${server.url}/mijn/uitloggen`, {}));
      expect(out.url).to.equal(`${server.url}/?melding=mijn_uitgelogd`);
      expect(out.body).to.include('U bent uitgelogd bij Mijn Poortwachter.');
      expect(await accountCookie(browser, server)).to.equal(undefined);
      const replay = new TestBrowser();
      await replay.jar.setCookie(`poortwachter_mijn=${token}; Path=/mijn`, `${server.url}/mijn`);
      const answer = await replay.get(`${server.url}/mijn`);
      expect(answer.status).to.equal(303);
      expect(new URL(answer.location!).pathname).to.match(/^\/inloggen\//);
    });

    it('refuses logout without the account cookie or from a foreign Origin', async () => {
      const browser = browserAt();
      await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      expect((await browserAt().post(`${server.url}/mijn/uitloggen`, {})).status).to.equal(403);
      expect(
        (await browser.post(`${server.url}/mijn/uitloggen`, {}, { origin: 'https://evil.example' })).status,
      ).to.equal(403);
      expect((await browser.get(`${server.url}/mijn`)).status, 'still logged in').to.equal(200);
    });

    it('sends a page view without a session to /mijn, which logs in', async () => {
      const answer = await browserAt().get(`${server.url}/mijn/telefoon`);
      expect(answer.status).to.equal(302);
      expect(answer.location).to.equal(`${server.url}/mijn`);
    });

    it('keeps the built-in webdienst out of OIDC: no authorization request with its client_id', async () => {
      const answer = await browserAt().get(
        `${server.url}/auth?${new URLSearchParams({ client_id: accountWebdienstClientId, redirect_uri: `${server.url}/mijn/terug`, response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
      );
      expect(answer.status).to.equal(400);
      expect(answer.location).to.equal(undefined);
      expect(answer.body).to.include('invalid_client');
    });

    it('leaves the login of a real webdienst as it was', async () => {
      const rp = await RelyingParty.register(server);
      const { tokens } = await rp.login(browserAt(), basisCitizen.username, basisCitizen.password);
      expect(tokens.claims()!.sub).to.be.a('string');
    });
  });
}

/** GET /mijn shows the overview while a session is live; a new login is started by dropping the cookie first. */
async function openAccountLoginDespiteSession(server: TestServer, browser: TestBrowser) {
  const token = (await accountCookie(browser, server))!.value;
  await browser.jar.setCookie(`poortwachter_mijn=gone; Path=/mijn`, `${server.url}/mijn`);
  const loginPage = await openAccountLogin(server, browser);
  await browser.jar.setCookie(`poortwachter_mijn=${token}; Path=/mijn`, `${server.url}/mijn`);
  return loginPage;
}

describe('Mijn Poortwachter: the account session times out when idle', () => {
  let server: TestServer;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock();
    server = await startTestServer({ clock });
  });
  after(() => server.stop());

  it('keeps the session while it is used, and ends it after 15 idle minutes', async () => {
    const browser = browserAt();
    await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
    clock.advanceSeconds(14 * 60);
    expect((await browser.get(`${server.url}/mijn`)).status).to.equal(200);
    clock.advanceSeconds(14 * 60);
    expect((await browser.get(`${server.url}/mijn`)).status, 'each visit moves the idle timeout').to.equal(200);
    clock.advanceSeconds(15 * 60 + 1);
    const expired = await browser.get(`${server.url}/mijn`);
    expect(expired.status).to.equal(303);
    expect(new URL(expired.location!).pathname).to.match(/^\/inloggen\//);
  });

  it('ends a session after 3 hours however busy it is', async () => {
    const browser = browserAt();
    await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
    for (let minutes = 0; minutes < 180 - 10; minutes += 10) {
      clock.advanceSeconds(10 * 60);
      expect((await browser.get(`${server.url}/mijn`)).status).to.equal(200);
    }
    clock.advanceSeconds(10 * 60);
    expect((await browser.get(`${server.url}/mijn`)).status).to.equal(303);
  });
});
