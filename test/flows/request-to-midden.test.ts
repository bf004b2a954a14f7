// The citizen's whole journey over HTTP (the life cycle, without a browser): request
// -> letter in the outbox -> activation with its code -> login at a webdienst at Basis; then link an
// authenticator app by QR code at Mijn Poortwachter (the secret read from the page) and log in at
// Midden with it. A fake clock moves the app's 30-second steps.
import { expect } from 'chai';
import { createAuthenticatorAppService } from '../../src/services.ts';
import { levels } from '../../src/core/levels.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { startFakeBrp, type FakeBrp } from '../support/fake-brp.ts';
import { RelyingParty, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { loginToAccount } from '../account/helpers.ts';
import { browserInOwnNetwork, errorSummary, requestAndActivate } from '../pages/helpers.ts';

for (const kind of databaseKinds) {
  describe(`From request to Midden with an app (${kind})`, () => {
    let server: TestServer;
    let brp: FakeBrp;
    const clock = new FakeClock();
    before(async () => {
      brp = await startFakeBrp();
      server = await startTestServer({
        kind,
        clock,
        overrides: { populationRegister: { source: 'brp', brp: { url: brp.url, apiKey: brp.apiKey } } },
      });
    });
    after(async () => {
      await server.stop();
      await brp.stop();
    });

    it('requests, activates, logs in at Basis, links an app by QR code and logs in at Midden with it', async () => {
      const { form } = await requestAndActivate(server, brp);
      const basis = await RelyingParty.register(server);
      const atBasis = await basis.login(browserInOwnNetwork(), form.username!, form.password!);
      expect(atBasis.tokens.claims()!.acr).to.equal(levels.basis.uri);

      const browser = browserInOwnNetwork();
      await loginToAccount(server, browser, form.username!, form.password!);
      const appPage = await browser.get(`${server.url}/mijn/app`);
      expect(appPage.status).to.equal(200);
      expect(appPage.body).to.include('<svg').and.include('name="code"');
      const secret = appPage.body.match(/<code id="app-secret">([A-Z2-7 ]+)<\/code>/)![1]!.replace(/ /g, '');
      const app = await createAuthenticatorAppService(server.config, server.store, clock);
      const citizen = (await server.store.findCitizenByUsername(form.username!))!;

      const wrong = await browser.post(`${server.url}/mijn/app`, {
        code: '000000' === (await app.currentCode(secret, clock.now())) ? '111111' : '000000',
      });
      expect(wrong.status).to.equal(400);
      expect(errorSummary(wrong)).to.include('Deze code klopt niet');
      expect((await server.store.findCitizenById(citizen.id))!.totpSecret, 'not linked before the first code').to.equal(
        null,
      );

      const linked = await browser.post(`${server.url}/mijn/app`, { code: await app.currentCode(secret, clock.now()) });
      expect(linked.status, errorSummary(linked)).to.equal(303);
      expect((await browser.follow(linked)).body).to.include('Uw authenticator-app is gekoppeld');
      expect(await server.store.listAuditEvents({ type: 'citizen.app_link', citizenId: citizen.id })).to.have.length(2);

      clock.advanceSeconds(30);
      const midden = await RelyingParty.register(server, { level: 'midden' });
      const loginBrowser = browserInOwnNetwork();
      const { request, page } = await midden.start(loginBrowser);
      const codePage = await loginBrowser.follow(
        await midden.submitPassword(loginBrowser, page, form.username!, form.password!),
      );
      expect(codePage.body).to.include('name="code"');
      const back = await submitCode(loginBrowser, midden, codePage, await app.currentCode(secret, clock.now()));
      expect((await midden.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);

      // With a second factor in place, a Basis session cannot link another app.
      const basisOnly = browserInOwnNetwork();
      await loginToAccount(server, basisOnly, form.username!, form.password!);
      const refused = await basisOnly.get(`${server.url}/mijn/app`);
      expect(refused.status).to.equal(403);
      expect(refused.body).to.include('U hebt al een tweede factor');
    });
  });
}
