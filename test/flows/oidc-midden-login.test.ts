import { expect } from 'chai';
import { levels } from '../../src/core/levels.ts';
import { systemClock } from '../../src/core/clock.ts';
import { addCitizen } from '../../src/core/citizens.ts';
import { createAuthenticatorAppService, createServices } from '../../src/services.ts';
import { testCitizens } from '../../seeds/development.ts';
import { TestBrowser, formActionEndingWith } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const [basisCitizen, middenCitizen] = testCitizens;
const middenPhone = middenCitizen.phone;

for (const kind of databaseKinds) {
  describe(`OIDC login at level Midden (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('asks the password, then the SMS code, and answers with the Midden acr', async () => {
      const rp = await RelyingParty.register(server);
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser, { acr_values: levels.midden.uri });
      const codePage = await browser.follow(
        await rp.submitPassword(browser, page, middenCitizen.username, middenCitizen.password),
      );
      expect(codePage.status).to.equal(200);
      expect(codePage.body).to.include('name="code"');
      const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, middenPhone));
      const tokens = await rp.redeem(back.location!, request);
      expect(tokens.claims()!.acr).to.equal(levels.midden.uri);
    });

    it('gives a webdienst registered at Midden the Midden level when its request asks nothing', async () => {
      const rp = await RelyingParty.register(server, { level: 'midden' });
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser);
      const codePage = await browser.follow(
        await rp.submitPassword(browser, page, middenCitizen.username, middenCitizen.password),
      );
      const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, middenPhone));
      expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
    });

    it('steps a Basis session up with only the second factor', async () => {
      const basisRp = await RelyingParty.register(server, { federation: `step-up-${kind}` });
      const middenRp = await RelyingParty.register(server, { federation: `step-up-${kind}` });
      const browser = new TestBrowser();
      const first = await basisRp.login(browser, middenCitizen.username, middenCitizen.password);
      expect(first.tokens.claims()!.acr).to.equal(levels.basis.uri);
      const { request, page } = await middenRp.start(browser, { acr_values: levels.midden.uri });
      expect(page.body).to.not.include('name="password"');
      expect(page.body).to.include('name="code"');
      const back = await submitCode(browser, middenRp, page, await lastSmsCode(server, middenPhone));
      expect((await middenRp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
    });

    it('asks the second factor of a citizen who chose it for every login, and answers Midden at a Basis webdienst', async () => {
      const services = createServices(server.config, server.store, systemClock);
      const username = `altijd-sms-${kind}`;
      const citizen = await addCitizen(services.citizenDeps, {
        username,
        password: 'lindeboom-pannenkoek-2026',
        bsn: '999990627',
        phone: '+31611111111',
      });
      await server.store.updateAlwaysSecondFactor(citizen.id, true, Date.now());
      const rp = await RelyingParty.register(server);
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser);
      const codePage = await browser.follow(
        await rp.submitPassword(browser, page, username, 'lindeboom-pannenkoek-2026'),
      );
      expect(codePage.body).to.include('name="code"');
      const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, '+31611111111'));
      expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
    });

    it('takes an essential acr in the claims parameter, and the eIDAS alias, as a Midden minimum', async () => {
      const services = createServices(server.config, server.store, systemClock);
      const username = `claims-acr-${kind}`;
      await addCitizen(services.citizenDeps, {
        username,
        password: 'schelpenpad-vuurtoren-2026',
        bsn: '999990652',
        phone: '+31633333333',
      });
      const rp = await RelyingParty.register(server);
      for (const params of <Array<Record<string, string>>>[
        { claims: JSON.stringify({ id_token: { acr: { essential: true, values: [levels.midden.uri] } } }) },
        { acr_values: 'http://eidas.europa.eu/LoA/low' },
      ]) {
        const browser = new TestBrowser();
        const { request, page } = await rp.start(browser, params);
        const codePage = await browser.follow(
          await rp.submitPassword(browser, page, username, 'schelpenpad-vuurtoren-2026'),
        );
        expect(codePage.body).to.include('name="code"');
        const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, '+31633333333'));
        expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
      }
    });

    it('lets a citizen with SMS and an app choose the app on the code page', async () => {
      const services = createServices(server.config, server.store, systemClock);
      const username = `sms-en-app-${kind}`;
      const citizen = await addCitizen(services.citizenDeps, {
        username,
        password: 'tulpenveld-kruiwagen-2026',
        bsn: '999990639',
        phone: '+31622222222',
      });
      const app = await createAuthenticatorAppService(server.config, server.store, systemClock);
      const secret = new URL(await app.enrol(citizen)).searchParams.get('secret')!;
      const rp = await RelyingParty.register(server, { level: 'midden' });
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser);
      const smsPage = await browser.follow(
        await rp.submitPassword(browser, page, username, 'tulpenveld-kruiwagen-2026'),
      );
      expect(smsPage.body).to.include('name="method" value="app"');
      const appPage = await browser.follow(
        await browser.post(formActionEndingWith(smsPage.body, '/methode', smsPage.url), { method: 'app' }),
      );
      expect(appPage.body).to.include('authenticator');
      const back = await submitCode(browser, rp, appPage, await app.currentCode(secret, Date.now()));
      expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
    });

    for (const level of [levels.substantieel, levels.hoog]) {
      for (const prompt of [undefined, 'none']) {
        it(`answers ${level.name}${prompt ? ' with prompt=none' : ''} with unmet_authentication_requirements and no login`, async () => {
          const rp = await RelyingParty.register(server);
          const { page } = await rp.start(new TestBrowser(), { acr_values: level.uri, ...(prompt ? { prompt } : {}) });
          expect(page.location).to.be.a('string');
          const callback = new URL(page.location!);
          expect(callback.href.startsWith(rp.redirectUri)).to.equal(true);
          expect(callback.searchParams.get('error')).to.equal('unmet_authentication_requirements');
          expect(callback.searchParams.get('code')).to.equal(null);
        });
      }
    }

    it('explains how to add a second factor and answers unmet_authentication_requirements on cancel', async () => {
      const rp = await RelyingParty.register(server, { level: 'midden' });
      const browser = new TestBrowser();
      const { page } = await rp.start(browser);
      const explanation = await browser.follow(
        await rp.submitPassword(browser, page, basisCitizen.username, basisCitizen.password),
      );
      expect(explanation.status).to.equal(200);
      expect(explanation.body).to.not.include('name="code"');
      const cancelled = await browser.follow(
        await browser.post(formActionEndingWith(explanation.body, '/annuleren', explanation.url), {}),
        (url) => url.startsWith(rp.redirectUri),
      );
      expect(new URL(cancelled.location!).searchParams.get('error')).to.equal('unmet_authentication_requirements');
    });

    it('logs in with an authenticator app and refuses the same app code twice', async () => {
      const services = createServices(server.config, server.store, systemClock);
      const citizen = await addCitizen(services.citizenDeps, {
        username: `app-${kind}`,
        password: 'rivierduin-lantaarn-2026',
        bsn: '999991905',
      });
      const app = await createAuthenticatorAppService(server.config, server.store, systemClock);
      const uri = await app.enrol(citizen);
      const secret = new URL(uri).searchParams.get('secret')!;
      const rp = await RelyingParty.register(server, { level: 'midden' });

      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser);
      const codePage = await browser.follow(
        await rp.submitPassword(browser, page, citizen.username, 'rivierduin-lantaarn-2026'),
      );
      expect(codePage.body).to.include('authenticator');
      const code = await app.currentCode(secret, Date.now());
      const back = await submitCode(browser, rp, codePage, code);
      expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);

      const again = new TestBrowser();
      const second = await rp.start(again);
      const secondCodePage = await again.follow(
        await rp.submitPassword(again, second.page, citizen.username, 'rivierduin-lantaarn-2026'),
      );
      const refused = await submitCode(again, rp, secondCodePage, code);
      expect(refused.status).to.equal(401);
      expect(refused.location).to.equal(undefined);
    });
  });
}
