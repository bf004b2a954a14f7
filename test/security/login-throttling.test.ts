// SECURITY-TESTS.md 5: failed logins are throttled per account and per client address with growing
// delays that end by themselves (src/core/throttle.ts); after recoveryAfterFailures consecutive
// failures the password needs recovery, audited (NIST SP 800-63B 5.2.2). The throttle lives in the
// database, so every process sees it. Time is a FakeClock: no test sleeps.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createThrottle } from '../../src/core/throttle.ts';
import type { TestBrowser, Page } from '../support/browser.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  addTestCitizen,
  browserAt,
  openLoginPage,
  postPassword,
  uniqueUsername,
  type CreatedCitizen,
} from './helpers.ts';

function retryAfter(answer: Page): number {
  const value = answer.headers.get('retry-after') ?? '';
  expect(value, 'Retry-After').to.match(/^\d+$/);
  return Number(value);
}

/** Wrong passwords until the server answers 429; returns that answer and how many 401s came first. */
async function failUntilThrottled(
  browser: TestBrowser,
  page: Page,
  username: string,
  limit: number,
): Promise<{ failures: number; throttled: Page }> {
  for (let failures = 0; failures <= limit; failures += 1) {
    const answer = await postPassword(browser, page, username, `niet-het-goede-wachtwoord-${failures}`);
    if (answer.status === 429) return { failures, throttled: answer };
    expect(answer.status, `attempt ${failures + 1}`).to.equal(401);
  }
  throw new Error(`no 429 after ${limit + 1} failures`);
}

for (const kind of databaseKinds) {
  describe(`Login throttling (SECURITY-TESTS.md 5, ${kind})`, () => {
    describe('per account', () => {
      let clock: FakeClock;
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        clock = new FakeClock();
        server = await startTestServer({ kind, clock });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      const free = () => server.config.throttle.account.freeFailures;

      /** A fresh citizen whose account was just throttled from one browser; the 429 answer. */
      async function throttledCitizen(): Promise<{
        citizen: CreatedCitizen;
        browser: TestBrowser;
        page: Page;
        throttled: Page;
      }> {
        const citizen = await addTestCitizen(server);
        const browser = browserAt();
        const { page } = await openLoginPage(rp, browser);
        const { throttled } = await failUntilThrottled(browser, page, citizen.username, free() + 1);
        return { citizen, browser, page, throttled };
      }

      it('answers 429 with Retry-After to the attempt after the free failures, even with the right password', async () => {
        expect(free()).to.equal(5);
        const citizen = await addTestCitizen(server);
        const browser = browserAt();
        const { page } = await openLoginPage(rp, browser);
        for (let attempt = 1; attempt <= free(); attempt += 1) {
          expect(
            (await postPassword(browser, page, citizen.username, `fout-wachtwoord-nummer-${attempt}`)).status,
            `failure ${attempt}`,
          ).to.equal(401);
        }
        const answer = await postPassword(browser, page, citizen.username, citizen.password);
        expect(answer.status).to.equal(429);
        expect(answer.location).to.equal(undefined);
        expect(retryAfter(answer)).to.be.within(1, server.config.throttle.account.maxDelaySeconds);
      });

      it('refuses the right password while the account is delayed, audited as throttled_account', async () => {
        const { citizen, browser, page } = await throttledCitizen();
        const answer = await postPassword(browser, page, citizen.username, citizen.password);
        expect(answer.status).to.equal(429);
        expect(answer.location).to.equal(undefined);
        const events = await server.store.listAuditEvents({ type: 'login.password', limit: 100_000 });
        expect(events.at(-1)).to.include({ outcome: 'failure', reason: 'throttled_account' });
      });

      it('delays the account for every client address, not only the one that failed', async () => {
        const { citizen } = await throttledCitizen();
        const elsewhere = browserAt();
        const { page } = await openLoginPage(rp, elsewhere);
        const answer = await postPassword(elsewhere, page, citizen.username, citizen.password);
        expect(answer.status).to.equal(429);
        expect(retryAfter(answer)).to.be.at.least(1);
      });

      it('throttles an unknown username after as many failures as a real one, so the delay reveals nothing', async () => {
        const known = await addTestCitizen(server);
        const counts: number[] = [];
        for (const username of [known.username, uniqueUsername('bestaat-niet')]) {
          const browser = browserAt();
          const { page } = await openLoginPage(rp, browser);
          counts.push((await failUntilThrottled(browser, page, username, free() + 1)).failures);
        }
        expect(counts[1]).to.equal(counts[0]);
      });

      it('lets the citizen in once the delay has passed: a stranger cannot lock a citizen out for good', async () => {
        const { citizen, browser, page, throttled } = await throttledCitizen();
        const delayMs = retryAfter(throttled) * 1000;
        clock.advance(delayMs - 1);
        expect(
          (await postPassword(browser, page, citizen.username, citizen.password)).status,
          'just before the delay ends',
        ).to.equal(429);
        clock.advance(1);
        const back = await rp.submitPassword(browser, page, citizen.username, citizen.password);
        expect(back.location).to.match(new RegExp(`^${rp.redirectUri}\\?code=`));
      });

      it('makes the delay grow with each further failure', async () => {
        const { citizen, browser, page, throttled } = await throttledCitizen();
        const first = retryAfter(throttled);
        clock.advanceSeconds(first);
        expect((await postPassword(browser, page, citizen.username, 'weer-een-fout-wachtwoord')).status).to.equal(401);
        const second = retryAfter(await postPassword(browser, page, citizen.username, citizen.password));
        expect(second).to.be.greaterThan(first);
      });

      it('never delays longer than the configured maximum', async () => {
        const throttle = createThrottle(server.store, clock);
        const key = `account:cap-${randomBytes(4).toString('hex')}`;
        const profile = server.config.throttle.account;
        let last = 0;
        for (let failure = 0; failure < 40; failure += 1) {
          await throttle.recordFailure(key, profile);
          last = (await throttle.check(key)).retryAfterSeconds;
          expect(last).to.be.at.most(profile.maxDelaySeconds);
        }
        expect(last).to.equal(profile.maxDelaySeconds);
      });

      it('keeps the delay in the database, so a second server on the same database refuses too', async () => {
        const { citizen } = await throttledCitizen();
        const second = await startTestServer({ database: server.database, clock });
        try {
          const secondRp = await RelyingParty.register(second);
          const browser = browserAt();
          const { page } = await openLoginPage(secondRp, browser);
          const answer = await postPassword(browser, page, citizen.username, citizen.password);
          expect(answer.status).to.equal(429);
          expect(retryAfter(answer)).to.be.at.least(1);
        } finally {
          await second.stop();
        }
      });
    });

    describe('per client address', () => {
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        server = await startTestServer({
          kind,
          clock: new FakeClock(),
          overrides: { throttle: { address: { freeFailures: 3 }, account: { freeFailures: 1000 } } },
        });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      it('delays an address that tries many usernames, also for a real citizen from that address', async () => {
        const citizen = await addTestCitizen(server);
        const attacker = browserAt();
        const { page } = await openLoginPage(rp, attacker);
        for (let attempt = 0; attempt < 10; attempt += 1) {
          const answer = await postPassword(attacker, page, uniqueUsername('gok'), 'een-gegokt-wachtwoord-2026');
          if (answer.status === 429) break;
          expect(answer.status).to.equal(401);
        }
        const answer = await postPassword(attacker, page, citizen.username, citizen.password);
        expect(answer.status).to.equal(429);
        expect(retryAfter(answer)).to.be.at.least(1);
        const events = await server.store.listAuditEvents({ type: 'login.password', limit: 100_000 });
        expect(events.at(-1)).to.include({ outcome: 'failure', reason: 'throttled_address' });
      });

      it('does not stop the citizen at another address', async () => {
        const citizen = await addTestCitizen(server);
        const attacker = browserAt();
        const { page } = await openLoginPage(rp, attacker);
        await failUntilThrottled(attacker, page, uniqueUsername('gok'), 10);
        const { tokens } = await rp.login(browserAt(), citizen.username, citizen.password);
        expect(tokens.access_token).to.be.a('string');
      });
    });

    describe('password recovery after consecutive failures', () => {
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        server = await startTestServer({
          kind,
          clock: new FakeClock(),
          overrides: {
            throttle: { recoveryAfterFailures: 10, account: { freeFailures: 1000 }, address: { freeFailures: 1000 } },
          },
        });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      async function fail(citizen: CreatedCitizen, times: number): Promise<void> {
        const browser = browserAt();
        const { page } = await openLoginPage(rp, browser);
        for (let attempt = 1; attempt <= times; attempt += 1) {
          expect(
            (await postPassword(browser, page, citizen.username, `fout-wachtwoord-nummer-${attempt}`)).status,
          ).to.equal(401);
        }
      }

      const recoveryEvents = async (citizen: CreatedCitizen) =>
        server.store.listAuditEvents({ type: 'citizen.password_recovery_required', citizenId: citizen.row.id });

      it('requires password recovery after recoveryAfterFailures consecutive failures, as an audited event', async () => {
        const citizen = await addTestCitizen(server);
        await fail(citizen, 9);
        expect(
          (await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired,
          'after 9',
        ).to.equal(false);
        expect(await recoveryEvents(citizen)).to.have.length(0);
        await fail(citizen, 1);
        expect(
          (await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired,
          'after 10',
        ).to.equal(true);
        const events = await recoveryEvents(citizen);
        expect(events).to.have.length(1);
        expect(events[0]).to.include({ reason: 'consecutive_failures' });
      });

      it('no longer accepts the right password once recovery is required', async () => {
        const citizen = await addTestCitizen(server);
        await fail(citizen, 10);
        const browser = browserAt();
        const { page } = await openLoginPage(rp, browser);
        expect((await postPassword(browser, page, citizen.username, citizen.password)).status).to.equal(401);
      });

      it('counts only consecutive failures: a successful login starts the count again', async () => {
        const citizen = await addTestCitizen(server);
        await fail(citizen, 9);
        await rp.login(browserAt(), citizen.username, citizen.password);
        await fail(citizen, 9);
        expect((await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired).to.equal(false);
        expect(await recoveryEvents(citizen)).to.have.length(0);
      });
    });
  });
}
