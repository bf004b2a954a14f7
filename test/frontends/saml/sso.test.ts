// Single sign-on, SAML side: one SSO session for OIDC and SAML webdiensten of a
// federation, in both directions, at the level of the session; IsPassive answered by the session;
// ForceAuthn and another federation ask for the password.
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { levels } from '../../../src/core/levels.ts';
import { TestBrowser, formActionEndingWith, type Page } from '../../support/browser.ts';
import { databaseKinds } from '../../support/databases.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../../support/relying-party.ts';
import type { TestServer } from '../../support/server.ts';
import {
  all,
  artifactFrom,
  first,
  ns,
  responseFromArtifactResponse,
  statusCodesOf,
  TestSp,
  startSamlTestServer,
} from './test-sp.ts';

const citizen = testCitizens[0];
const midden = testCitizens[1]; // test-midden, with a mobile number

for (const kind of databaseKinds) {
  describe(`eenmalig inloggen across OIDC and SAML (${kind})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let certificate: string;
    before(async () => ({ server, certificate } = await startSamlTestServer(kind)));
    after(() => server.stop());

    let counter = 0;
    const newFederation = () => `saml-sso-${kind}-${(counter += 1)}`;

    /** The assertion of an artifact answer: NameID, the level's class URI, AuthnInstant, SessionIndex. */
    async function assertionOf(sp: TestSp, page: Page) {
      const { response } = responseFromArtifactResponse(
        (await sp.resolve(artifactFrom(page).artifact)).xml,
        certificate,
      );
      expect(response, 'a Response with an assertion').to.not.equal(undefined);
      const statement = first(response!, ns.saml, 'AuthnStatement')!;
      return {
        status: all(response!, ns.samlp, 'StatusCode')[0]!.getAttribute('Value'),
        nameId: first(response!, ns.saml, 'NameID')!.textContent,
        level: first(statement, ns.saml, 'AuthnContextClassRef')!.textContent,
        authnInstant: statement.getAttribute('AuthnInstant'),
      };
    }

    /** From the SP's AuthnRequest to the ACS, through the interstitial page ("continue"), without a password. */
    async function viaSso(
      browser: TestBrowser,
      sp: TestSp,
      options: Parameters<TestSp['authnRequest']>[0] = {},
    ): Promise<Page> {
      const page = await browser.follow(await browser.get(sp.redirectUrl(sp.authnRequest(options).xml)), (url) =>
        url.startsWith(sp.acsBase),
      );
      if (page.status !== 200) return page;
      expect(page.body, 'no password asked').to.not.include('name="password"');
      expect(page.body).to.include('/doorgaan');
      return browser.follow(await browser.post(formActionEndingWith(page.body, '/doorgaan', page.url), {}), (url) =>
        url.startsWith(sp.acsBase),
      );
    }

    it('OIDC first, then SAML in the same federation: no password, the same level in the assertion', async () => {
      const federation = newFederation();
      const rp = await RelyingParty.register(server, { federation, level: 'midden' });
      const sp = await TestSp.register(server, { federation, bsnEntitled: true });
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser);
      const codePage = await browser.follow(await rp.submitPassword(browser, page, midden.username, midden.password));
      const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, midden.phone));
      expect((await rp.redeem(back.location!, request)).claims()!.acr).to.equal(levels.midden.uri);
      const answer = await assertionOf(sp, await viaSso(browser, sp));
      expect(answer).to.deep.include({
        status: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        nameId: `s00000000:${midden.bsn}`,
        level: levels.midden.uri,
      });
      const webdienst = await server.store.findWebdienstByClientId(sp.entityId);
      const released = (await server.store.listAuditEvents({ type: 'bsn.released' })).filter(
        (event) => event.webdienstId === webdienst!.id,
      );
      expect(released.map((event) => event.details)).to.deep.equal([{ protocol: 'saml' }]);
    });

    it('SAML first, then OIDC in the same federation: no password, the same level in the ID token', async () => {
      const federation = newFederation();
      const sp = await TestSp.register(server, { federation, bsnEntitled: true });
      const rp = await RelyingParty.register(server, { federation });
      const browser = new TestBrowser();
      const first = await assertionOf(
        sp,
        await sp.login(
          browser,
          await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
          citizen.username,
          citizen.password,
        ),
      );
      expect(first.level).to.equal(levels.basis.uri);
      const { request, page } = await rp.start(browser);
      expect(page.body, 'no password asked').to.not.include('name="password"');
      const back = await browser.follow(
        await browser.post(formActionEndingWith(page.body, '/doorgaan', page.url), {}),
        (url) => url.startsWith(rp.redirectUri),
      );
      const claims = (await rp.redeem(back.location!, request)).claims()!;
      expect(claims.acr).to.equal(levels.basis.uri);
      expect(claims.bsn).to.equal(citizen.bsn);
      expect(new Date(claims.auth_time! * 1000).toISOString().slice(0, 19)).to.equal(first.authnInstant!.slice(0, 19));
    });

    it('a SAML webdienst of another federation, or with ForceAuthn, asks for the password', async () => {
      const federation = newFederation();
      const sp = await TestSp.register(server, { federation, bsnEntitled: true });
      const browser = new TestBrowser();
      await sp.login(
        browser,
        await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
        citizen.username,
        citizen.password,
      );
      const foreign = await TestSp.register(server, { federation: newFederation(), bsnEntitled: true });
      for (const [target, options] of [
        [foreign, {}],
        [sp, { forceAuthn: true }],
      ] as const) {
        const page = await browser.follow(await browser.get(target.redirectUrl(target.authnRequest(options).xml)));
        expect(page.body).to.include('name="password"');
      }
    });

    it('answers IsPassive from the SSO session without a page, and NoPassive in another federation', async () => {
      const federation = newFederation();
      const [sp, other] = [
        await TestSp.register(server, { federation, bsnEntitled: true }),
        await TestSp.register(server, { federation, bsnEntitled: true }),
      ];
      const browser = new TestBrowser();
      await sp.login(
        browser,
        await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
        citizen.username,
        citizen.password,
      );
      const passive = await browser.get(other.redirectUrl(other.authnRequest({ isPassive: true }).xml));
      expect(passive.status).to.equal(303);
      expect(passive.location!.startsWith(other.acsBase), 'straight back to the ACS').to.equal(true);
      expect(await assertionOf(other, passive)).to.deep.include({
        status: 'urn:oasis:names:tc:SAML:2.0:status:Success',
        nameId: `s00000000:${citizen.bsn}`,
        level: levels.basis.uri,
      });
      const foreign = await TestSp.register(server, { federation: newFederation(), bsnEntitled: true });
      const refused = responseFromArtifactResponse(
        (
          await foreign.resolve(
            artifactFrom(await browser.get(foreign.redirectUrl(foreign.authnRequest({ isPassive: true }).xml)))
              .artifact,
          )
        ).xml,
        certificate,
      );
      expect(statusCodesOf(refused.response!)).to.deep.equal([
        'urn:oasis:names:tc:SAML:2.0:status:Responder',
        'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
      ]);
    });

    it('records the SAML webdienst in the SSO session under the SessionIndex it was given (for single logout)', async () => {
      const federation = newFederation();
      const sp = await TestSp.register(server, { federation, bsnEntitled: true });
      const browser = new TestBrowser();
      const page = await sp.login(
        browser,
        await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
        citizen.username,
        citizen.password,
      );
      const { response } = responseFromArtifactResponse(
        (await sp.resolve(artifactFrom(page).artifact)).xml,
        certificate,
      );
      const sessionIndex = first(response!, ns.saml, 'AuthnStatement')!.getAttribute('SessionIndex')!;
      const webdienst = await server.store.findWebdienstByClientId(sp.entityId);
      const session = await server.store.findSsoSessionByParticipant(webdienst!.id, sessionIndex);
      expect(session).to.deep.include({
        federation,
        citizenId: (await server.store.findCitizenByUsername(citizen.username))!.id,
        level: 'basis',
        endedAt: null,
      });
    });
  });
}
