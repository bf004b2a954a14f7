// The level a webdienst hears is that of its own federation's SSO session, never
// the level of a login in another federation that happens to share the browser.
import { expect } from 'chai';
import { setCitizenPhone } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { TestBrowser } from '../support/browser.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, type CreatedCitizen } from './helpers.ts';

describe('The level of the federation’s own SSO session', () => {
  let server: TestServer;
  let citizen: CreatedCitizen;
  const phone = '+31655544433';
  let inX: RelyingParty;
  let inY: RelyingParty;
  before(async () => {
    server = await startTestServer({
      overrides: {
        sso: { skipInterstitialFederations: ['x', 'y'] },
        secondFactor: { sendsPerAccount: { max: 20, windowSeconds: 600 } },
      },
    });
    citizen = await addTestCitizen(server);
    await setCitizenPhone(
      createServices(server.config, server.store, systemClock).citizenDeps,
      citizen.username,
      phone,
    );
    inX = await RelyingParty.register(server, { federation: 'x', name: 'Dienst in X', level: 'midden' });
    inY = await RelyingParty.register(server, { federation: 'y', name: 'Dienst in Y' });
  });
  after(() => server.stop());

  /** Basis at Y, then Midden at X: the browser's last login is Midden, Y's session stays Basis. */
  async function basisAtYThenMiddenAtX(): Promise<TestBrowser> {
    const browser = new TestBrowser();
    const atY = await inY.login(browser, citizen.username, citizen.password);
    expect(atY.tokens.claims()!.acr).to.equal(levels.basis.uri);
    const { request, page } = await inX.start(browser);
    const codePage = await browser.follow(await inX.submitPassword(browser, page, citizen.username, citizen.password));
    const back = await submitCode(browser, inX, codePage, await lastSmsCode(server, phone));
    expect((await inX.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
    return browser;
  }

  it('answers prompt=none at Y with Basis, not the Midden of X', async () => {
    const browser = await basisAtYThenMiddenAtX();
    const { request, page } = await inY.start(browser, { prompt: 'none' });
    expect(page.location).to.match(new RegExp(`^${inY.redirectUri}\\?code=`));
    expect((await inY.redeem(page.location!, request)).claims()!.acr).to.equal(levels.basis.uri);
  });

  it('does not answer Midden at Y on prompt=none when Y asks for it: Y’s session is Basis', async () => {
    const browser = await basisAtYThenMiddenAtX();
    const { page } = await inY.start(browser, { prompt: 'none', acr_values: levels.midden.uri });
    const answer = new URL(page.location!);
    expect(answer.searchParams.get('code')).to.equal(null);
    expect(answer.searchParams.get('error')).to.be.oneOf(['interaction_required', 'login_required']);
  });

  it('steps Y up with the second factor when Y asks Midden interactively', async () => {
    const browser = await basisAtYThenMiddenAtX();
    const { request, page } = await inY.start(browser, { acr_values: levels.midden.uri });
    expect(page.body, 'only the code page, no password').to.include('name="code"');
    const back = await submitCode(browser, inY, page, await lastSmsCode(server, phone));
    expect((await inY.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
  });
});
