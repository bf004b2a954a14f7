// NIST SP 800-63B 5.2.2, OWASP authentication cheat sheet: password guesses
// are bounded per account and client network, per account and per client network, with growing
// delays that end by themselves; the slot of a guess is reserved before the hash, so parallel
// guesses never exceed the limit; a browser with a device cookie keeps a budget of its own; past
// recoveryAfterFailures consecutive failures the password alone no longer suffices. The limits live
// in the database, so every process sees them. Time is a FakeClock: no test sleeps.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { setCitizenPhone } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createThrottle } from '../../src/core/throttle.ts';
import { createServices } from '../../src/services.ts';
import type { TestBrowser, Page } from '../support/browser.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  addTestCitizen,
  browserAt,
  openLoginPage,
  postPassword,
  uniqueAddress,
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

/** Strangers: one login page, each wrong password posted from an address of its own. */
async function strangers(rp: RelyingParty) {
  const browser = browserAt();
  const { page } = await openLoginPage(rp, browser);
  return {
    failOnce: (username: string): Promise<Page> =>
      postPassword(browser, page, username, `een-gok-van-elders-${randomBytes(3).toString('hex')}`, {
        'x-forwarded-for': uniqueAddress(),
      }),
  };
}

/** A browser that logged in as the citizen before, and so holds a device cookie for the account. */
async function ownersBrowser(server: TestServer, rp: RelyingParty, citizen: CreatedCitizen): Promise<TestBrowser> {
  const browser = browserAt();
  await rp.login(browser, citizen.username, citizen.password);
  const cookies = await browser.jar.getCookies(`${server.url}/inloggen/x`);
  expect(cookies.map((cookie) => cookie.key)).to.include('poortwachter_device');
  return browser;
}

const passwordEvents = (server: TestServer) => server.store.listAuditEvents({ type: 'login.password', limit: 100_000 });

for (const kind of databaseKinds) {
  describe(`Login throttling (${kind})`, () => {
    describe('per account and client network', () => {
      let clock: FakeClock;
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        clock = new FakeClock();
        server = await startTestServer({ kind, clock });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      const free = () => server.config.throttle.accountNetwork.freeFailures;

      /** A fresh citizen whose account was just throttled from one browser; the 429 answer. */
      async function throttledCitizen() {
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
        expect(retryAfter(answer)).to.be.within(1, server.config.throttle.accountNetwork.maxDelaySeconds);
        expect((await passwordEvents(server)).at(-1)).to.include({
          outcome: 'failure',
          reason: 'throttled_account_network',
        });
      });

      it('does not delay the citizen at another network because of failures at one', async () => {
        const { citizen } = await throttledCitizen();
        const { tokens } = await rp.login(browserAt(), citizen.username, citizen.password);
        expect(tokens.access_token).to.be.a('string');
      });

      it('counts an IPv6 client by its /64: another address in the same /64 shares the delay', async () => {
        const citizen = await addTestCitizen(server);
        const prefix = `2001:db8:${randomBytes(2).toString('hex')}:1`;
        const browser = browserAt(`${prefix}::1`);
        const { page } = await openLoginPage(rp, browser);
        await failUntilThrottled(browser, page, citizen.username, free() + 1);
        const neighbour = browserAt(`${prefix}::beef`);
        const { page: neighbourPage } = await openLoginPage(rp, neighbour);
        expect((await postPassword(neighbour, neighbourPage, citizen.username, citizen.password)).status).to.equal(429);
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

      it('lets the citizen in once the delay has passed', async () => {
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
        const key = `pw:cap-${randomBytes(4).toString('hex')}`;
        const rule = server.config.throttle.accountNetwork;
        let last = 0;
        for (let failure = 0; failure < 40; failure += 1) {
          const reservation = await throttle.reserve(key, rule);
          if (!reservation.allowed) {
            last = reservation.retryAfterSeconds;
            expect(last).to.be.at.most(rule.maxDelaySeconds);
            clock.advanceSeconds(last);
          }
        }
        expect(last).to.equal(rule.maxDelaySeconds);
      });

      it('keeps the delay in the database, so a second server on the same database refuses too', async () => {
        const { citizen, browser } = await throttledCitizen();
        const second = await startTestServer({ database: server.database, clock });
        try {
          const secondRp = await RelyingParty.register(second);
          const { page } = await openLoginPage(secondRp, browser);
          const answer = await postPassword(browser, page, citizen.username, citizen.password);
          expect(answer.status).to.equal(429);
          expect(retryAfter(answer)).to.be.at.least(1);
        } finally {
          await second.stop();
        }
      });

      it('evaluates no more of 30 parallel wrong passwords than the limit allows (the slot is reserved before the hash)', async () => {
        const citizen = await addTestCitizen(server);
        const address = uniqueAddress();
        const browser = browserAt(address);
        const { page } = await openLoginPage(rp, browser);
        const answers = await Promise.all(
          Array.from({ length: 30 }, (_, index) =>
            postPassword(browser, page, citizen.username, `parallel-fout-wachtwoord-${index}`),
          ),
        );
        const evaluated = (await passwordEvents(server)).filter(
          (event) => event.clientAddress === address && event.reason === 'wrong_password',
        );
        expect(evaluated.length, 'argon2 verifications').to.be.at.most(free());
        expect(answers.filter((answer) => answer.status === 401)).to.have.length(evaluated.length);
        expect(answers.filter((answer) => answer.status === 429)).to.have.length(30 - evaluated.length);
      });
    });

    describe('per account, from everywhere, and the device cookie', () => {
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        server = await startTestServer({
          kind,
          clock: new FakeClock(),
          overrides: { throttle: { account: { freeFailures: 20 }, recoveryAfterFailures: 100 } },
        });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      it('delays the account for a browser without a device cookie after failures from many networks', async () => {
        const citizen = await addTestCitizen(server);
        const { failOnce } = await strangers(rp);
        for (let failure = 0; failure < 20; failure += 1)
          expect((await failOnce(citizen.username)).status).to.equal(401);
        const stranger = browserAt();
        const { page } = await openLoginPage(rp, stranger);
        const answer = await postPassword(stranger, page, citizen.username, citizen.password);
        expect(answer.status).to.equal(429);
        expect((await passwordEvents(server)).at(-1)).to.include({ reason: 'throttled_account' });
      });

      it("lets the owner's browser with its device cookie in with the right password after 200 failures from other addresses", async () => {
        const citizen = await addTestCitizen(server);
        const owner = await ownersBrowser(server, rp, citizen);
        const { failOnce } = await strangers(rp);
        for (let failure = 0; failure < 200; failure += 1) {
          const answer = await failOnce(citizen.username);
          expect([401, 429]).to.include(answer.status);
        }
        const { tokens } = await rp.login(owner, citizen.username, citizen.password);
        expect(tokens.claims()!.sub).to.be.a('string');
      });

      it('does not let a device cookie issued for one username count for another', async () => {
        const citizen = await addTestCitizen(server);
        const other = await addTestCitizen(server);
        const browser = await ownersBrowser(server, rp, other);
        const { failOnce } = await strangers(rp);
        for (let failure = 0; failure < 20; failure += 1) await failOnce(citizen.username);
        const { page } = await openLoginPage(rp, browser);
        expect((await postPassword(browser, page, citizen.username, citizen.password)).status).to.equal(429);
      });
    });

    describe('per client network', () => {
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        server = await startTestServer({
          kind,
          clock: new FakeClock(),
          overrides: {
            throttle: {
              network: { freeFailures: 3 },
              account: { freeFailures: 1000 },
              accountNetwork: { freeFailures: 1000 },
            },
          },
        });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      it('delays a network that tries many usernames, also for a real citizen from that network', async () => {
        const citizen = await addTestCitizen(server);
        const attacker = browserAt();
        const { page } = await openLoginPage(rp, attacker);
        await failUntilThrottled(attacker, page, uniqueUsername('gok'), 10);
        const answer = await postPassword(attacker, page, citizen.username, citizen.password);
        expect(answer.status).to.equal(429);
        expect(retryAfter(answer)).to.be.at.least(1);
        expect((await passwordEvents(server)).at(-1)).to.include({ outcome: 'failure', reason: 'throttled_network' });
      });

      it('does not stop the citizen at another network', async () => {
        const citizen = await addTestCitizen(server);
        const attacker = browserAt();
        const { page } = await openLoginPage(rp, attacker);
        await failUntilThrottled(attacker, page, uniqueUsername('gok'), 10);
        const { tokens } = await rp.login(browserAt(), citizen.username, citizen.password);
        expect(tokens.access_token).to.be.a('string');
      });
    });

    describe('after consecutive failures (NIST SP 800-63B 5.2.2)', () => {
      let server: TestServer;
      let rp: RelyingParty;
      before(async () => {
        server = await startTestServer({
          kind,
          clock: new FakeClock(),
          overrides: {
            throttle: {
              recoveryAfterFailures: 10,
              account: { freeFailures: 1000 },
              accountNetwork: { freeFailures: 1000 },
              network: { freeFailures: 1000 },
            },
          },
        });
        rp = await RelyingParty.register(server);
      });
      after(() => server.stop());

      async function fail(citizen: CreatedCitizen, times: number): Promise<void> {
        const { failOnce } = await strangers(rp);
        for (let attempt = 1; attempt <= times; attempt += 1)
          expect((await failOnce(citizen.username)).status).to.equal(401);
      }

      const blockEvents = async (citizen: CreatedCitizen) =>
        server.store.listAuditEvents({ type: 'citizen.password_recovery_required', citizenId: citizen.row.id });

      it('blocks the password alone after recoveryAfterFailures consecutive failures, as an audited event', async () => {
        const citizen = await addTestCitizen(server);
        await fail(citizen, 9);
        expect((await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired).to.equal(false);
        expect(await blockEvents(citizen)).to.have.length(0);
        await fail(citizen, 1);
        expect((await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired).to.equal(true);
        const events = await blockEvents(citizen);
        expect(events).to.have.length(1);
        expect(events[0]).to.include({ reason: 'consecutive_failures' });
      });

      it('refuses the right password of an account without a second factor from a browser without a device cookie', async () => {
        const citizen = await addTestCitizen(server);
        await fail(citizen, 10);
        const browser = browserAt();
        const { page } = await openLoginPage(rp, browser);
        expect((await postPassword(browser, page, citizen.username, citizen.password)).status).to.equal(401);
      });

      it('asks the second factor even at a Basis webdienst where the account has one, and a Midden login lifts the block', async () => {
        const citizen = await addTestCitizen(server);
        const phone = `+316${String(randomBytes(3).readUIntBE(0, 3) % 100_000_000).padStart(8, '0')}`;
        await setCitizenPhone(
          createServices(server.config, server.store, systemClock).citizenDeps,
          citizen.username,
          phone,
        );
        await fail(citizen, 10);
        const browser = browserAt();
        const { page, request } = await openLoginPage(rp, browser);
        const codePage = await browser.follow(await postPassword(browser, page, citizen.username, citizen.password));
        expect(codePage.body).to.include('name="code"');
        const [sms] = await server.store.listOutboxSms({ to: phone, limit: 1 });
        const code = /\b(\d{6})\b/.exec(sms!.text)![1]!;
        const back = await submitCode(browser, rp, codePage, code);
        expect((await rp.redeem(back.location!, request)).claims()!.sub).to.be.a('string');
        expect((await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired).to.equal(false);
        const lifted = await server.store.listAuditEvents({
          type: 'citizen.password_block_lifted',
          citizenId: citizen.row.id,
        });
        expect(lifted).to.have.length(1);
      });

      it('keeps letting in the browser with a device cookie', async () => {
        const citizen = await addTestCitizen(server);
        const owner = await ownersBrowser(server, rp, citizen);
        await fail(citizen, 12);
        const { tokens } = await rp.login(owner, citizen.username, citizen.password);
        expect(tokens.access_token).to.be.a('string');
      });

      it('counts only consecutive failures: a successful login starts the count again', async () => {
        const citizen = await addTestCitizen(server);
        await fail(citizen, 9);
        await rp.login(browserAt(), citizen.username, citizen.password);
        await fail(citizen, 9);
        expect((await server.store.findCitizenByUsername(citizen.username))!.passwordRecoveryRequired).to.equal(false);
        expect(await blockEvents(citizen)).to.have.length(0);
      });
    });
  });
}
