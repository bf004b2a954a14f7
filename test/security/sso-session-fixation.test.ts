// Session fixation of the SSO cookie (OWASP session management: renew the session id after login):
// a token planted in a browser before the login, whether made up or the planter's own, is never the
// one the citizen's SSO session ends up under, so whoever planted it shares nothing.
import { expect } from 'chai';
import { Cookie } from 'tough-cookie';
import { TestBrowser } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, type CreatedCitizen } from './helpers.ts';

const ssoCookie = 'pw_sso';

describe('The SSO cookie cannot be planted', () => {
  let server: TestServer;
  let first: RelyingParty;
  let second: RelyingParty;
  let victim: CreatedCitizen;
  let planter: CreatedCitizen;
  before(async () => {
    server = await startTestServer({ overrides: { sso: { skipInterstitialFederations: ['gemeente'] } } });
    first = await RelyingParty.register(server, { federation: 'gemeente', name: 'Eerste dienst' });
    second = await RelyingParty.register(server, { federation: 'gemeente', name: 'Tweede dienst' });
    victim = await addTestCitizen(server);
    planter = await addTestCitizen(server);
  });
  after(() => server.stop());

  async function plant(browser: TestBrowser, token: string): Promise<void> {
    await browser.jar.setCookie(new Cookie({ key: ssoCookie, value: token, path: '/' }), server.url);
  }
  const tokenIn = async (browser: TestBrowser) =>
    (await browser.jar.getCookies(server.url)).find((cookie) => cookie.key === ssoCookie)?.value;

  /** Whether this browser gets into the second webdienst without a password. */
  async function entersSecondWithoutPassword(browser: TestBrowser): Promise<boolean> {
    const { page } = await second.start(browser);
    return Boolean(page.location?.startsWith(second.redirectUri));
  }

  it('does not adopt a made-up token: the login gets a new one, and the planter’s copy opens nothing', async () => {
    const planted = 'ditistokenvandeaanvaller0123456789abcdefgh';
    const victimBrowser = new TestBrowser();
    await plant(victimBrowser, planted);
    await first.login(victimBrowser, victim.username, victim.password);
    expect(await tokenIn(victimBrowser))
      .to.be.a('string')
      .and.not.equal(planted);
    expect(await entersSecondWithoutPassword(victimBrowser), 'the victim has SSO').to.equal(true);

    const planterBrowser = new TestBrowser();
    await plant(planterBrowser, planted);
    expect(await entersSecondWithoutPassword(planterBrowser), 'the planter has none').to.equal(false);
  });

  it('does not hand the victim’s login to the holder of a real token planted before it', async () => {
    const planterBrowser = new TestBrowser();
    await first.login(planterBrowser, planter.username, planter.password);
    const planted = (await tokenIn(planterBrowser))!;

    const victimBrowser = new TestBrowser();
    await plant(victimBrowser, planted);
    await first.login(victimBrowser, victim.username, victim.password, { prompt: 'login' });
    expect(await tokenIn(victimBrowser)).to.not.equal(planted);

    const { page, request } = await second.start(planterBrowser);
    const tokens = await second.redeem(page.location!, request);
    const victimSubject = (await second.login(new TestBrowser(), victim.username, victim.password)).tokens.claims()!
      .sub;
    expect(tokens.claims()!.sub, 'the planter is still only themselves').to.not.equal(victimSubject);
  });

  it('gives a new token at every login and keeps the citizen’s own session across it', async () => {
    const browser = new TestBrowser();
    await first.login(browser, victim.username, victim.password);
    const before = await tokenIn(browser);
    await first.login(browser, victim.username, victim.password, { prompt: 'login' });
    const after = await tokenIn(browser);
    expect(after).to.be.a('string').and.not.equal(before);
    expect(await entersSecondWithoutPassword(browser)).to.equal(true);
  });
});
