// Single sign-on, OIDC side: one SSO session per browser and federation, reused by the
// webdiensten of that federation only, with idle and absolute timeouts, and single logout that
// reaches the other webdiensten by back-channel logout tokens.
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { testCitizens } from '../../seeds/development.ts';
import type { Clock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { TestBrowser, formActionEndingWith, type Page } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { logoutReceiver, type LogoutReceiver } from '../support/logout-receiver.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startSecondProcess, stopSecondProcess } from '../support/second-process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const citizen = testCitizens[0];
const minute = 60_000;

/** The system clock plus an offset the test moves forward (oidc-provider keeps the real time). */
class MovableClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

for (const kind of databaseKinds) {
  describe(`eenmalig inloggen over OIDC (${kind})`, function () {
    this.timeout(60_000);
    const clock = new MovableClock();
    let server: TestServer;
    let receiver: LogoutReceiver;
    before(async () => {
      receiver = await logoutReceiver();
      server = await startTestServer({
        kind,
        clock,
        overrides: { sso: { skipInterstitialFederations: ['zonder-tussenpagina'] } },
      });
    });
    after(async () => {
      await server.stop();
      await receiver.close();
    });
    afterEach(() => {
      clock.offset = 0;
    });

    let federationCounter = 0;
    const newFederation = () => `federatie-${kind}-${(federationCounter += 1)}`;
    const register = (federation: string | undefined, extra: Parameters<typeof RelyingParty.register>[1] = {}) =>
      RelyingParty.register(server, { federation, name: `Dienst ${federation ?? 'zonder federatie'}`, ...extra });

    /** Authorization at the webdienst, through the interstitial page ("continue") when it is shown. */
    async function viaSso(browser: TestBrowser, rp: RelyingParty, params: Record<string, string> = {}) {
      const { request, page } = await rp.start(browser, params);
      let back: Page = page;
      if (page.body.includes('/doorgaan')) {
        back = await browser.follow(
          await browser.post(formActionEndingWith(page.body, '/doorgaan', page.url), {}),
          (url) => url.startsWith(rp.redirectUri),
        );
      }
      return { request, interstitial: page, back };
    }

    it('reuses the session at another webdienst of the federation: who is logged in and where to, no password, the same level', async () => {
      const federation = newFederation();
      const [first, second] = [
        await register(federation),
        await register(federation, { name: 'Tweede dienst', registration: { backchannelLogoutUri: receiver.url } }),
      ];
      const browser = new TestBrowser();
      const login = await first.login(browser, citizen.username, citizen.password);
      const { request, interstitial, back } = await viaSso(browser, second);
      expect(interstitial.status).to.equal(200);
      expect(interstitial.body).to.not.include('name="password"');
      expect(interstitial.body).to.include(citizen.username);
      expect(interstitial.body).to.include('Tweede dienst');
      expect(back.location?.startsWith(second.redirectUri), back.body.slice(0, 200)).to.equal(true);
      const claims = (await second.redeem(back.location!, request)).claims()!;
      expect(claims.acr).to.equal(levels.basis.uri);
      expect(claims.auth_time, 'the time the citizen gave the password').to.equal(login.tokens.claims()!.auth_time);
      expect(claims.sid, 'sid for a webdienst with back-channel logout').to.be.a('string');
      expect(claims.sub).to.not.equal(login.tokens.claims()!.sub);
    });

    it('goes straight on for a federation without the interstitial page', async () => {
      const [first, second] = [await register('zonder-tussenpagina'), await register('zonder-tussenpagina')];
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      const { request, page } = await second.start(browser);
      expect(page.location?.startsWith(second.redirectUri), page.body.slice(0, 200)).to.equal(true);
      expect((await second.redeem(page.location!, request)).claims()!.acr).to.equal(levels.basis.uri);
    });

    it('asks for the password again at a webdienst of another federation, and at one without a federation (also twice at the same one)', async () => {
      const first = await register(newFederation());
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      for (const other of [await register(newFederation()), await register(undefined)]) {
        const { page } = await other.start(browser);
        expect(page.body, 'password asked').to.include('name="password"');
      }
      const alone = await register(undefined);
      await alone.login(browser, citizen.username, citizen.password);
      expect((await alone.start(browser)).page.body, 'no session reuse without a federation').to.include(
        'name="password"',
      );
    });

    it('answers prompt=none silently while the session suffices, and login_required elsewhere', async () => {
      const federation = newFederation();
      const [first, second, foreign] = [
        await register(federation),
        await register(federation),
        await register(newFederation()),
      ];
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      const silent = await second.start(browser, { prompt: 'none' });
      expect(new URL(silent.page.location!).searchParams.get('code')).to.be.a('string');
      const refused = await foreign.start(browser, { prompt: 'none' });
      expect(new URL(refused.page.location!).searchParams.get('error')).to.equal('login_required');
    });

    it('ends after 15 minutes without activity; activity at any webdienst of the federation counts', async () => {
      const federation = newFederation();
      const [first, second] = [await register(federation), await register(federation)];
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      clock.offset = 14 * minute;
      expect((await viaSso(browser, second)).back.location?.startsWith(second.redirectUri), 'at 14 minutes').to.equal(
        true,
      );
      clock.offset = 28 * minute; // 14 minutes after the activity at the second webdienst
      expect(
        (await viaSso(browser, first)).back.location?.startsWith(first.redirectUri),
        '14 minutes after the last activity',
      ).to.equal(true);
      clock.offset = 43 * minute;
      expect((await first.start(browser)).page.body, '15 minutes idle').to.include('name="password"');
      expect(
        new URL((await second.start(browser, { prompt: 'none' })).page.location!).searchParams.get('error'),
      ).to.equal('login_required');
    });

    it('ends 3 hours after the login, however active the citizen is', async () => {
      const federation = newFederation();
      const [first, second] = [await register(federation), await register(federation)];
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      for (let at = 10; at < 180; at += 10) {
        clock.offset = at * minute;
        expect((await viaSso(browser, at % 20 ? second : first)).back.location, `active at ${at} minutes`).to.match(
          /^http:\/\/127\.0\.0\.1:9\//,
        );
      }
      clock.offset = 180 * minute;
      expect((await second.start(browser)).page.body, 'absolute timeout').to.include('name="password"');
    });

    it('asks for the password when prompt=login or max_age asks for a fresh authentication', async () => {
      const federation = newFederation();
      const [first, second] = [await register(federation), await register(federation)];
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      expect((await second.start(browser, { prompt: 'login' })).page.body).to.include('name="password"');
      clock.offset = 2 * minute;
      expect((await second.start(browser, { max_age: '119' })).page.body, 'authenticated 2 minutes ago').to.include(
        'name="password"',
      );
      expect(
        (await viaSso(browser, second, { max_age: '600' })).back.location?.startsWith(second.redirectUri),
      ).to.equal(true);
      expect(
        new URL((await second.start(browser, { max_age: '60', prompt: 'none' })).page.location!).searchParams.get(
          'error',
        ),
      ).to.equal('login_required');
    });

    it('logs out everywhere from the interstitial page: back-channel logout token to the other webdienst, the page says so, the cookie gives no SSO', async () => {
      const federation = newFederation();
      const first = await register(federation, {
        name: 'Dienst met back-channel',
        registration: { backchannelLogoutUri: receiver.url },
      });
      const second = await register(federation);
      const browser = new TestBrowser();
      const login = await first.login(browser, citizen.username, citizen.password);
      const { page } = await second.start(browser);
      const before = receiver.tokens.length;
      const loggedOut = await browser.post(formActionEndingWith(page.body, '/uitloggen', page.url), {});
      expect(loggedOut.status).to.equal(200);
      expect(loggedOut.body).to.include('name="password"');
      expect(loggedOut.body).to.match(/Dienst met back-channel: uitgelogd/);
      expect(receiver.tokens.length).to.equal(before + 1);
      const { payload } = await jwtVerify(receiver.tokens.at(-1)!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: first.clientId,
      });
      const idClaims = login.tokens.claims()!;
      expect(payload.sub).to.equal(idClaims.sub);
      expect(payload.sid).to.equal(idClaims.sid);
      expect(payload.events).to.deep.equal({ 'http://schemas.openid.net/event/backchannel-logout': {} });
      expect(payload).to.not.have.property('nonce');
      expect(
        new URL((await first.start(browser, { prompt: 'none' })).page.location!).searchParams.get('error'),
      ).to.equal('login_required');
    });

    it('logs out everywhere from an RP-initiated logout; an unreachable back-channel endpoint is named on the logged-out page', async () => {
      const federation = newFederation();
      const initiator = await register(federation);
      const reachable = await register(federation, {
        name: 'Bereikbare dienst',
        registration: { backchannelLogoutUri: receiver.url },
      });
      const unreachable = await register(federation, {
        name: 'Onbereikbare dienst',
        registration: { backchannelLogoutUri: 'http://127.0.0.1:9/backchannel-logout' },
      });
      const browser = new TestBrowser();
      const login = await initiator.login(browser, citizen.username, citizen.password);
      for (const rp of [reachable, unreachable]) await viaSso(browser, rp);
      const before = receiver.tokens.length;
      const confirm = await browser.get(
        `${server.url}/session/end?${new URLSearchParams({ id_token_hint: login.tokens.id_token!, client_id: initiator.clientId })}`,
      );
      const xsrf = confirm.body.match(/name="xsrf" value="([^"]+)"/)![1]!;
      const action = confirm.body.match(/<form id="op\.logoutForm"[^>]*action="([^"]+)"/)![1]!;
      const done = await browser.post(new URL(action, server.url).href, { xsrf, logout: 'yes' });
      expect(done.status).to.equal(200);
      expect(done.body).to.include('U bent uitgelogd');
      expect(receiver.tokens.length, 'one token for the reachable webdienst').to.equal(before + 1);
      expect(
        (
          await jwtVerify(receiver.tokens.at(-1)!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
            issuer: server.url,
            audience: reachable.clientId,
          })
        ).payload.sub,
      ).to.be.a('string');
      expect(
        new URL((await reachable.start(browser, { prompt: 'none' })).page.location!).searchParams.get('error'),
      ).to.equal('login_required');
      const events = await server.store.listAuditEvents({ type: 'sso.logout' });
      expect(events.at(-1)).to.deep.include({ outcome: 'success' });
    });
  });
}

describe('eenmalig inloggen across two processes on one database', function () {
  this.timeout(60_000);
  it('logs in at one process and reuses the session at the other', async () => {
    const server = await startTestServer({ kind: databaseKinds.at(-1) });
    const second = await startSecondProcess(server);
    try {
      const [first, other] = [
        await RelyingParty.register(server, { federation: 'twee-processen' }),
        await RelyingParty.register(server, { federation: 'twee-processen' }),
      ];
      const browser = new TestBrowser();
      await first.login(browser, citizen.username, citizen.password);
      // Every hop of the second webdienst's login goes to the second process.
      const toSecond = (url: string) => url.replace(server.url, second.url);
      const request = await other.authorizationRequest();
      let page = await browser.get(toSecond(request.url));
      for (let hop = 0; hop < 10 && page.location && !page.location.startsWith(other.redirectUri); hop += 1)
        page = await browser.get(toSecond(page.location));
      expect(page.status, page.body.slice(0, 300)).to.equal(200);
      expect(page.url.startsWith(second.url)).to.equal(true);
      expect(page.body).to.include(citizen.username);
      expect(page.body).to.not.include('name="password"');
      // Both processes stand behind one public URL: the browser's Origin is that URL.
      let back = await browser.post(
        toSecond(formActionEndingWith(page.body, '/doorgaan', page.url)),
        {},
        { origin: server.url },
      );
      for (let hop = 0; hop < 10 && back.location && !back.location.startsWith(other.redirectUri); hop += 1)
        back = await browser.get(toSecond(back.location));
      expect(back.location?.startsWith(other.redirectUri), back.body.slice(0, 300)).to.equal(true);
      expect((await other.redeem(back.location!, request)).claims()!.acr).to.equal(levels.basis.uri);
    } finally {
      await stopSecondProcess(second.child);
      await server.stop();
    }
  });
});
