// One-time codes for level Midden, end to end against the running server.
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { addCitizen } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { testCitizens } from '../../seeds/development.ts';
import { TestBrowser, formActionEndingWith, type Page } from '../support/browser.ts';
import { FakeClock } from '../support/clock.ts';
import { startFakeSmsProvider, type FakeSmsProvider } from '../support/fake-sms-provider.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { capturedLogLines, startTestServer, type TestServer } from '../support/server.ts';

const citizen = testCitizens[1];

async function toCodePage(
  server: TestServer,
  browser: TestBrowser,
  rp: RelyingParty,
  username: string = citizen.username,
  password: string = citizen.password,
) {
  const { request, page } = await rp.start(browser, { acr_values: levels.midden.uri });
  const codePage = await browser.follow(await rp.submitPassword(browser, page, username, password));
  return { request, codePage };
}

describe('One-time codes', () => {
  let server: TestServer;
  let clock: FakeClock;
  before(async () => {
    clock = new FakeClock();
    server = await startTestServer({
      clock,
      overrides: { secondFactor: { sendsPerAddress: { max: 1000, windowSeconds: 600 } } },
    });
  });
  after(() => server.stop());
  // each test starts in a fresh send window (3 codes per 10 minutes per account)
  beforeEach(() => clock.advanceSeconds(11 * 60));

  it('7: refuses an expired code, so a new one is needed', async () => {
    const rp = await RelyingParty.register(server);
    const browser = new TestBrowser();
    const { codePage } = await toCodePage(server, browser, rp);
    const code = await lastSmsCode(server, citizen.phone);
    clock.advanceSeconds(5 * 60 + 1);
    const refused = await submitCode(browser, rp, codePage, code);
    expect(refused.status).to.equal(401);
    expect(refused.body).to.include('verlopen');
  });

  it('8: refuses a used code the second time, and a code from another login attempt', async () => {
    const rp = await RelyingParty.register(server);
    const first = new TestBrowser();
    const a = await toCodePage(server, first, rp);
    const codeA = await lastSmsCode(server, citizen.phone);
    const second = new TestBrowser();
    const b = await toCodePage(server, second, rp);
    const codeB = await lastSmsCode(server, citizen.phone);
    // A's code in B's attempt (two random codes are equal once in a million runs; then the check is moot)
    const crossed = await submitCode(second, rp, b.codePage, codeA);
    expect(crossed.status).to.equal(codeA === codeB ? 303 : 401);
    const accepted = await submitCode(first, rp, a.codePage, codeA);
    expect(accepted.location!.startsWith(rp.redirectUri)).to.equal(true);
    const reused = await submitCode(first, rp, a.codePage, codeA);
    expect(reused.status).to.equal(400); // the attempt is finished: the code page is gone
  });

  it('8: lets only one of two parallel submissions of the right code through', async () => {
    const rp = await RelyingParty.register(server);
    const browser = new TestBrowser();
    const { codePage } = await toCodePage(server, browser, rp);
    const code = await lastSmsCode(server, citizen.phone);
    const action = formActionEndingWith(codePage.body, '/code', codePage.url);
    const results = await Promise.all([browser.post(action, { code }), browser.post(action, { code })]);
    // the loser sees the code used or the attempt already finished; never a second login
    const statuses = results.map((page) => page.status).sort();
    expect(statuses[0]).to.be.oneOf([303]);
    expect(statuses[1]).to.be.oneOf([400, 401]);
    expect(results.filter((page) => page.location !== undefined)).to.have.length(1);
  });

  it('9: kills the code after 5 wrong tries, even the right one (the attempt has spent its wrong codes)', async () => {
    const rp = await RelyingParty.register(server);
    const browser = new TestBrowser();
    const { codePage } = await toCodePage(server, browser, rp);
    const code = await lastSmsCode(server, citizen.phone);
    const wrong = code === '111111' ? '222222' : '111111';
    let page: Page = codePage;
    for (let i = 0; i < 5; i += 1) page = await submitCode(browser, rp, codePage, wrong);
    expect(page.status).to.equal(401);
    const refused = await submitCode(browser, rp, codePage, code);
    expect(refused.status).to.equal(429);
    expect(refused.location).to.equal(undefined);
  });

  it('10: sends at most 3 codes per 10 minutes per account, without calling the gateway', async () => {
    const rp = await RelyingParty.register(server);
    const before = (await server.store.listOutboxSms({ to: citizen.phone, limit: 100 })).length;
    const browser = new TestBrowser();
    const { codePage } = await toCodePage(server, browser, rp);
    const resend = formActionEndingWith(codePage.body, '/code/opnieuw', codePage.url);
    expect((await browser.post(resend, {})).status).to.equal(200);
    expect((await browser.post(resend, {})).status).to.equal(200);
    const limited = await browser.post(resend, {});
    expect(limited.status).to.equal(429);
    expect(limited.headers.get('retry-after')).to.match(/^\d+$/);
    expect((await server.store.listOutboxSms({ to: citizen.phone, limit: 100 })).length).to.equal(before + 3);
  });

  it('10: never sends to a number outside the allowed country prefixes, and a request cannot choose the number', async () => {
    const services = createServices(server.config, server.store, systemClock);
    const abroad = await addCitizen(services.citizenDeps, {
      username: 'buitenland',
      password: 'zeedijk-windmolen-2026',
      bsn: '999991905',
      phone: '+447700900123',
    });
    const rp = await RelyingParty.register(server);
    const browser = new TestBrowser();
    const { page } = await rp.start(browser, { acr_values: levels.midden.uri });
    const posted = await browser.post(page.url.replace(/\?.*$/, ''), {
      username: abroad.username,
      password: 'zeedijk-windmolen-2026',
      phone: '+31600000000',
      to: '+31600000000',
    });
    const result = await browser.follow(posted);
    expect(result.body).to.not.include('name="code"');
    expect(await server.store.listOutboxSms({ to: '+447700900123' })).to.have.length(0);
    expect(await server.store.listOutboxSms({ to: '+31600000000' })).to.have.length(0);
  });

  it('11: stores codes only as a keyed hash and logs no code and no full number', async () => {
    const rp = await RelyingParty.register(server);
    const browser = new TestBrowser();
    const { codePage } = await toCodePage(server, browser, rp);
    const code = await lastSmsCode(server, citizen.phone);
    const attemptId = codePage.url.split('/inloggen/')[1]!.split('/')[0]!;
    const attempt = await server.store.findLoginAttempt(attemptId);
    const stored = await server.store.findLatestOneTimeCode(attemptId, attempt!.citizenId!);
    expect(stored!.codeHash).to.not.include(code);
    expect(stored!.codeHash).to.not.equal(createHash('sha256').update(code).digest('hex'));
    expect(stored!.codeHash).to.not.equal(createHash('sha256').update(`${attemptId}:${code}`).digest('hex'));
    const logged = capturedLogLines.join('\n');
    expect(logged).to.not.include(code);
    expect(logged).to.not.include(citizen.phone);
  });
});

describe('SMS gateway down', () => {
  let server: TestServer;
  let provider: FakeSmsProvider;
  before(async () => {
    provider = await startFakeSmsProvider({ mode: 'error503' });
    server = await startTestServer({
      overrides: {
        sms: {
          gateway: 'http',
          allowedCountryPrefixes: ['+31'],
          http: {
            url: provider.url,
            authHeaderName: 'Authorization',
            authHeaderValue: 'Bearer test',
            bodyTemplate: '{"to":"{{to}}","text":"{{text}}"}',
            timeoutMs: 300,
          },
        },
      },
    });
  });
  after(async () => {
    await server.stop();
    await provider.stop();
  });

  for (const mode of ['error503', 'hang'] as const) {
    it(`fails closed with a retry message when the provider ${mode === 'hang' ? 'times out' : 'answers 503'}, never a Basis login`, async () => {
      provider.setMode(mode);
      const rp = await RelyingParty.register(server);
      const browser = new TestBrowser();
      const { codePage } = await toCodePage(server, browser, rp);
      expect(codePage.status).to.equal(503);
      expect(codePage.body).to.include('Probeer het over een paar minuten opnieuw');
      expect(codePage.location).to.equal(undefined);
      expect(provider.received.length).to.be.greaterThan(0);
      // the citizen cannot get around it: the attempt still waits for a code, nothing reaches the webdienst
      const guess = await submitCode(browser, rp, codePage, '123456');
      expect(guess.status).to.equal(401);
      expect(guess.location).to.equal(undefined);
    });
  }

  it('logs in once the provider is back', async () => {
    provider.setMode('ok');
    const rp = await RelyingParty.register(server);
    const browser = new TestBrowser();
    const { request, codePage } = await toCodePage(server, browser, rp);
    expect(codePage.status).to.equal(200);
    const sent = provider.received.at(-1)!.body as { to: string; text: string };
    expect(sent.to).to.equal(citizen.phone);
    const code = sent.text.match(/\b(\d{6})\b/)![1]!;
    const back = await submitCode(browser, rp, codePage, code);
    expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
  });
});
