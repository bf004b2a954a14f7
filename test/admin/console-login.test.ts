// The admin console's login and session over HTTP: password AND app code, one-time codes, guess
// limits, the session cookie, timeouts, a disabled operator, and forms from another site.
import { expect } from 'chai';
import { TestBrowser } from '../support/browser.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { addTestOperator, disableTestOperator, operatorCode, type TestOperator } from '../support/operators.ts';
import { capturedLogLines, startTestServer, type TestServer } from '../support/server.ts';
import { browserAt } from '../security/helpers.ts';

for (const kind of databaseKinds) {
  describe(`admin console: login and session (${kind})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let clock: FakeClock;
    before(async () => {
      clock = new FakeClock();
      server = await startTestServer({ kind, clock });
    });
    after(() => server.stop());
    // A new time step for every login, so each one has a code not used before.
    beforeEach(() => clock.advanceSeconds(31));

    const login = (browser: TestBrowser, form: Record<string, string>) =>
      browser.post(`${server.url}/beheer/inloggen`, form);

    async function loggedIn(operator: TestOperator, browser = browserAt()) {
      const answer = await login(browser, {
        username: operator.username,
        password: operator.password,
        code: await operatorCode(operator, clock.now()),
      });
      expect(answer.status, answer.body.slice(0, 400)).to.equal(303);
      expect(answer.location).to.equal(`${server.url}/beheer`);
      return { browser, answer };
    }

    const lastEvent = async (type: string) => (await server.store.listAuditEvents({ type })).at(-1);

    it('sends a browser without a session from every console page to the login page', async () => {
      for (const path of ['/beheer', '/beheer/organisaties', '/beheer/webdiensten', '/beheer/audit']) {
        const page = await browserAt().get(`${server.url}${path}`);
        expect(page.status, path).to.equal(302);
        expect(page.location, path).to.equal(`${server.url}/beheer/inloggen`);
        expect(page.headers.get('cache-control'), path).to.equal('no-store');
      }
      const form = await browserAt().get(`${server.url}/beheer/inloggen`);
      expect(form.status).to.equal(200);
      expect(form.headers.get('cache-control')).to.equal('no-store');
      for (const field of ['username', 'password', 'code']) expect(form.body).to.include(`name="${field}"`);
    });

    it('logs in with password and code, sets its own strict cookie, and names the operator in the audit trail', async () => {
      const operator = await addTestOperator(server);
      const { browser, answer } = await loggedIn(operator);
      const setCookie = answer.headers.getSetCookie().join('\n');
      expect(setCookie).to.match(/pw_beheer=[\w-]{40,}; path=\/beheer; samesite=strict; httponly/i);
      expect(setCookie).not.to.match(/poortwachter_mijn|sso/i);
      const page = await browser.get(`${server.url}/beheer/organisaties`);
      expect(page.status).to.equal(200);
      expect(page.body).to.include(operator.displayName);
      expect(page.headers.get('cache-control')).to.equal('no-store');
      const event = await lastEvent('operator.login');
      expect(event).to.deep.include({ outcome: 'success' });
      expect(event?.details.operator).to.equal(`operator:${operator.username}`);
    });

    it('refuses a wrong password and a wrong code alike, and audits each reason', async () => {
      const operator = await addTestOperator(server);
      const code = await operatorCode(operator, clock.now());
      const wrongPassword = await login(browserAt(), {
        username: operator.username,
        password: 'niet-het-wachtwoord-123',
        code,
      });
      const wrongCode = await login(browserAt(), {
        username: operator.username,
        password: operator.password,
        code: code === '000000' ? '111111' : '000000',
      });
      for (const answer of [wrongPassword, wrongCode]) {
        expect(answer.status).to.equal(401);
        expect(answer.headers.getSetCookie().join()).not.to.include('pw_beheer=');
        expect(answer.body).to.include('Gebruikersnaam, wachtwoord of code is niet juist');
        expect(answer.body).to.include('aria-invalid="true"');
      }
      // Same page either way: a right password with a wrong code tells an attacker nothing.
      expect(wrongPassword.body).to.equal(wrongCode.body);
      const reasons = (await server.store.listAuditEvents({ type: 'operator.login' }))
        .filter((event) => event.details.operator === `operator:${operator.username}`)
        .map((event) => event.reason);
      expect(reasons).to.include.members(['wrong_password', 'wrong_code']);
    });

    it('never lets the password alone in: an empty code is asked for, not skipped', async () => {
      const operator = await addTestOperator(server);
      const answer = await login(browserAt(), { username: operator.username, password: operator.password, code: '' });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.include('Vul de code uit uw authenticator-app in');
      expect(answer.headers.getSetCookie().join()).not.to.include('pw_beheer=');
    });

    it('accepts a code once: the same code in a second login is refused', async () => {
      const operator = await addTestOperator(server);
      const code = await operatorCode(operator, clock.now());
      const first = await login(browserAt(), { username: operator.username, password: operator.password, code });
      expect(first.status).to.equal(303);
      const replay = await login(browserAt(), { username: operator.username, password: operator.password, code });
      expect(replay.status).to.equal(401);
      expect((await lastEvent('operator.login'))?.reason).to.equal('code_reused');
    });

    it('refuses even the right code after five wrong ones, until the delay has passed', async () => {
      const operator = await addTestOperator(server);
      const right = await operatorCode(operator, clock.now());
      const wrong = right === '000000' ? '111111' : '000000';
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const answer = await login(browserAt(), {
          username: operator.username,
          password: operator.password,
          code: wrong,
        });
        expect(answer.status).to.equal(401);
      }
      const blocked = await login(browserAt(), {
        username: operator.username,
        password: operator.password,
        code: right,
      });
      expect(blocked.status).to.equal(429);
      expect(blocked.body).to.include('Te veel mislukte pogingen');
      expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
      expect((await lastEvent('operator.login'))?.reason).to.equal('throttled_code');
      clock.advanceSeconds(Number(blocked.headers.get('retry-after')) + 31);
      await loggedIn(operator);
    });

    it('refuses a login form and a change posted from another site', async () => {
      const operator = await addTestOperator(server);
      const foreign = await browserAt().post(
        `${server.url}/beheer/inloggen`,
        { username: operator.username, password: operator.password, code: await operatorCode(operator, clock.now()) },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(foreign.status).to.equal(403);
      expect(foreign.headers.getSetCookie().join()).not.to.include('pw_beheer=');
      const { browser } = await loggedIn(operator);
      const change = await browser.post(
        `${server.url}/beheer/organisaties/nieuw`,
        { name: 'Kwaadwillende BV', oin: '00000001234567890999' },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      );
      expect(change.status).to.equal(403);
      expect(await server.store.findOrganisationByOin('00000001234567890999')).to.equal(undefined);
    });

    it('refuses a change posted without a session', async () => {
      const answer = await browserAt().post(`${server.url}/beheer/organisaties/nieuw`, {
        name: 'Zonder sessie BV',
        oin: '00000001234567890998',
      });
      expect(answer.status).to.equal(403);
      expect(await server.store.findOrganisationByOin('00000001234567890998')).to.equal(undefined);
    });

    it('ends a session after 15 idle minutes and after 8 hours however busy', async () => {
      const operator = await addTestOperator(server);
      const idle = await loggedIn(operator);
      clock.advanceSeconds(15 * 60 + 1);
      expect((await idle.browser.get(`${server.url}/beheer/organisaties`)).status).to.equal(302);

      clock.advanceSeconds(31);
      const busy = await loggedIn(operator);
      for (let minutes = 0; minutes < 8 * 60 - 10; minutes += 10) {
        clock.advanceSeconds(10 * 60);
        expect(
          (await busy.browser.get(`${server.url}/beheer/organisaties`)).status,
          `after ${minutes + 10} min`,
        ).to.equal(200);
      }
      clock.advanceSeconds(11 * 60);
      expect((await busy.browser.get(`${server.url}/beheer/organisaties`)).status).to.equal(302);
    });

    it('logs out on the server: the old cookie opens nothing afterwards', async () => {
      const operator = await addTestOperator(server);
      const { browser } = await loggedIn(operator);
      const cookie = await browser.jar.getCookieString(`${server.url}/beheer`);
      const out = await browser.post(`${server.url}/beheer/uitloggen`, {});
      expect(out.status).to.equal(303);
      expect(out.location).to.equal(`${server.url}/beheer/inloggen?melding=uitgelogd`);
      const replayed = await new TestBrowser({ cookie }).get(`${server.url}/beheer/organisaties`);
      expect(replayed.status).to.equal(302);
      expect((await lastEvent('operator.logout'))?.details.operator).to.equal(`operator:${operator.username}`);
    });

    it("ends a disabled operator's sessions and refuses their next login", async () => {
      const operator = await addTestOperator(server);
      const { browser } = await loggedIn(operator);
      await disableTestOperator(server, operator.username);
      expect((await browser.get(`${server.url}/beheer/organisaties`)).status).to.equal(302);
      clock.advanceSeconds(31);
      const again = await login(browserAt(), {
        username: operator.username,
        password: operator.password,
        code: await operatorCode(operator, clock.now()),
      });
      expect(again.status).to.equal(401);
      expect((await lastEvent('operator.login'))?.reason).to.equal('operator_disabled');
    });

    it('logs neither the password nor the code of an operator', async () => {
      const operator = await addTestOperator(server);
      const code = await operatorCode(operator, clock.now());
      const linesBefore = capturedLogLines.length;
      await login(browserAt(), { username: operator.username, password: operator.password, code: '999999' });
      clock.advanceSeconds(31);
      await loggedIn(operator);
      const logged = capturedLogLines.slice(linesBefore);
      expect(logged.length).to.be.greaterThan(0);
      expect(logged.filter((line) => line.includes(operator.password) || line.includes(code))).to.deep.equal([]);
    });

    it('sees a session started by another process', async () => {
      const operator = await addTestOperator(server);
      const { browser } = await loggedIn(operator);
      const other = await startTestServer({ database: server.database, clock });
      try {
        const page = await new TestBrowser({ cookie: await browser.jar.getCookieString(`${server.url}/beheer`) }).get(
          `${other.url}/beheer/organisaties`,
        );
        expect(page.status).to.equal(200);
        expect(page.body).to.include(operator.displayName);
      } finally {
        await other.stop();
      }
    });
  });
}

describe('admin console: the session cookie over https', function () {
  this.timeout(60_000);
  let server: TestServer;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock();
    // TLS ends at a proxy in front (X-Forwarded-Proto), as in production.
    server = await startTestServer({ clock, overrides: { publicUrl: 'https://127.0.0.1:8443' } });
  });
  after(() => server.stop());

  it('is __Host-pw_beheer: Secure, Path=/, HttpOnly, SameSite=Strict, no Domain', async () => {
    const operator = await addTestOperator(server);
    const answer = await new TestBrowser({ 'x-forwarded-proto': 'https' }).request(
      `http://127.0.0.1:${server.config.port}/beheer/inloggen`,
      {
        form: {
          username: operator.username,
          password: operator.password,
          code: await operatorCode(operator, clock.now()),
        },
        headers: { origin: 'https://127.0.0.1:8443' },
      },
    );
    expect(answer.status, answer.body.slice(0, 300)).to.equal(303);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith('__Host-pw_beheer='));
    expect(cookie).to.match(/^__Host-pw_beheer=[\w-]{40,}; path=\/; samesite=strict; secure; httponly$/i);
    expect(cookie).not.to.match(/domain=/i);
  });
});
