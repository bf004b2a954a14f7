// NIST SP 800-63B 5.2.2: wrong second-factor codes are bounded for SMS and app alike: a budget per
// login attempt and one per citizen per hour, so starting new attempts with the password
// buys no more guesses. A right code is refused too while the budget is spent, until it recovers.
import { expect } from 'chai';
import { addCitizen, setCitizenPhone } from '../../src/core/citizens.ts';
import { createAuthenticatorAppService, createServices } from '../../src/services.ts';
import type { Page } from '../support/browser.ts';
import { FakeClock } from '../support/clock.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt, nextTestBsn, strongPassword, uniqueUsername } from './helpers.ts';

describe('One budget of wrong second-factor codes', () => {
  let server: TestServer;
  let clock: FakeClock;
  let rp: RelyingParty;
  before(async () => {
    clock = new FakeClock();
    server = await startTestServer({ clock });
    rp = await RelyingParty.register(server, { level: 'midden' });
  });
  after(() => server.stop());

  async function citizenWithApp() {
    const services = createServices(server.config, server.store, clock);
    const password = strongPassword();
    const citizen = await addCitizen(services.citizenDeps, {
      username: uniqueUsername('app'),
      password,
      bsn: nextTestBsn(),
    });
    const app = await createAuthenticatorAppService(server.config, server.store, clock);
    const secret = new URL(await app.enrol(citizen)).searchParams.get('secret')!;
    return { citizen, password, app, secret, services };
  }

  async function codePage(username: string, password: string) {
    const browser = browserAt();
    const { request, page } = await rp.start(browser);
    const codePage = await browser.follow(await rp.submitPassword(browser, page, username, password));
    expect(codePage.body).to.include('name="code"');
    return { browser, request, codePage };
  }

  const wrongCodeEvents = async (citizenId: string) =>
    (await server.store.listAuditEvents({ type: 'login.second_factor', citizenId, limit: 10_000 })).filter(
      (event) => event.reason === 'code_wrong',
    );

  it('evaluates at most 5 of 50 wrong app codes in one attempt and at most 10 an hour over new attempts; the right code waits for the budget to recover', async () => {
    const { citizen, password, app, secret } = await citizenWithApp();
    const current = await app.currentCode(secret, clock.now());
    const wrong = current === '000000' ? '111111' : '000000';

    const first = await codePage(citizen.username, password);
    const answers: Page[] = [];
    for (let guess = 0; guess < 50; guess += 1)
      answers.push(await submitCode(first.browser, rp, first.codePage, wrong));
    expect(answers.slice(0, 5).map((answer) => answer.status)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(new Set(answers.slice(5).map((answer) => answer.status))).to.deep.equal(new Set([429]));
    expect(await wrongCodeEvents(citizen.id)).to.have.length(5);
    expect((await submitCode(first.browser, rp, first.codePage, current)).status, 'right code, spent attempt').to.equal(
      429,
    );

    for (let attempt = 0; attempt < 3; attempt += 1) {
      const next = await codePage(citizen.username, password);
      for (let guess = 0; guess < 10; guess += 1) await submitCode(next.browser, rp, next.codePage, wrong);
    }
    expect(await wrongCodeEvents(citizen.id), 'per citizen per hour').to.have.length(10);
    const fresh = await codePage(citizen.username, password);
    const refused = await submitCode(fresh.browser, rp, fresh.codePage, await app.currentCode(secret, clock.now()));
    expect(refused.status, 'right code in a new attempt while the hourly budget is spent').to.equal(429);
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);

    clock.advanceSeconds(3601);
    const later = await codePage(citizen.username, password);
    const back = await submitCode(later.browser, rp, later.codePage, await app.currentCode(secret, clock.now()));
    expect(back.location).to.match(new RegExp(`^${rp.redirectUri}\\?code=`));
    expect((await rp.redeem(back.location!, later.request)).claims()!.sub).to.be.a('string');
  });

  it('shares the budget between SMS and app: switching method buys no guesses', async () => {
    const { citizen, password, services } = await citizenWithApp();
    const phone = '+31687654321';
    await setCitizenPhone(services.citizenDeps, citizen.username, phone);
    const { browser, codePage: smsPage } = await codePage(citizen.username, password);
    const smsCode = await lastSmsCode(server, phone);
    const wrong = smsCode === '000000' ? '111111' : '000000';
    for (let guess = 0; guess < 3; guess += 1)
      expect((await submitCode(browser, rp, smsPage, wrong)).status).to.equal(401);
    const appPage = await browser.follow(
      await browser.post(smsPage.url.replace(/\/code$/, '/methode'), { method: 'app' }),
    );
    expect(appPage.body).to.include('authenticator');
    const statuses: number[] = [];
    for (let guess = 0; guess < 4; guess += 1) statuses.push((await submitCode(browser, rp, appPage, wrong)).status);
    expect(statuses).to.deep.equal([401, 401, 429, 429]);
    const budgetEvents = await server.store.listAuditEvents({ type: 'login.second_factor', citizenId: citizen.id });
    expect(budgetEvents.some((event) => event.reason === 'budget_spent')).to.equal(true);
  });
});
