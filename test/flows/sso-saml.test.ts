// Single logout, SAML side: a signed LogoutRequest from one SAML
// webdienst ends the SSO session, the OIDC webdiensten get back-channel logout tokens, the other SAML
// webdiensten signed SOAP LogoutRequests, and the initiator a signed LogoutResponse; PartialLogout when
// one cannot be reached; an OIDC logout reaches the SAML webdiensten; bad LogoutRequests end nothing.
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { testCitizens } from '../../seeds/development.ts';
import { webdienstChecklist } from '../../src/admin/webdienst-transfer.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { formAction, TestBrowser, type Page } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  backChannel,
  frontChannelSlo,
  logoutRedirectUrl,
  logoutRequestXml,
  redirectedLogoutResponse,
  sloUrlOf,
  soapBinding,
} from '../frontends/saml/logout-support.ts';
import {
  artifactFrom,
  bindings,
  expectSignedBy,
  first,
  idpCertificate,
  ns,
  parse,
  responseFromArtifactResponse,
  statusCodesOf,
  TestSp,
} from '../frontends/saml/test-sp.ts';

const citizen = testCitizens[0];
const status = (name: string) => `urn:oasis:names:tc:SAML:2.0:status:${name}`;

for (const kind of databaseKinds) {
  describe(`eenmalig uitloggen over SAML (${kind})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let certificate: string;
    let channel: Awaited<ReturnType<typeof backChannel>>;
    before(async () => {
      channel = await backChannel(() => certificate);
      server = await startTestServer({ kind });
      certificate = await idpCertificate(server);
    });
    after(async () => {
      await server.stop();
      await channel.close();
    });

    let counter = 0;
    const next = () => `${kind}-${(counter += 1)}`;

    /** A SAML webdienst in the federation; with a SOAP SLO endpoint on the back channel unless `soapSlo` says otherwise. */
    async function samlWebdienst(
      federation: string,
      name: string,
      soapSlo: 'reachable' | 'down' | 'none' = 'reachable',
      answer: Parameters<typeof channel.attach>[2] = 'signed',
    ) {
      const key = next();
      const sp = await TestSp.register(server, {
        federation,
        name,
        singleLogoutServices: (self) => [
          frontChannelSlo(self),
          ...(soapSlo === 'reachable'
            ? [{ binding: soapBinding, location: channel.sloUrl(key) }]
            : soapSlo === 'down'
              ? [{ binding: soapBinding, location: 'http://127.0.0.1:9/slo' }]
              : []),
        ],
      });
      channel.attach(key, sp, answer);
      return { sp, key };
    }

    /** A SAML login in this browser (password or SSO, through the interstitial page when shown); the NameID and SessionIndex it got. */
    async function samlLogin(browser: TestBrowser, sp: TestSp): Promise<{ nameId: string; sessionIndex: string }> {
      const atAcs = (url: string) => url.startsWith(sp.acsBase);
      let page: Page = await browser.follow(await browser.get(sp.redirectUrl(sp.authnRequest().xml)), atAcs);
      if (page.status === 200 && page.body.includes('name="password"')) {
        page = await browser.follow(
          await browser.post(formAction(page.body, 'password', page.url), {
            username: citizen.username,
            password: citizen.password,
          }),
          atAcs,
        );
      }
      if (page.status === 200 && page.body.includes('/doorgaan')) {
        const action = [...page.body.matchAll(/action="([^"]*\/doorgaan)"/g)][0]![1]!;
        page = await browser.follow(await browser.post(new URL(action, page.url).href, {}), atAcs);
      }
      const result = responseFromArtifactResponse((await sp.resolve(artifactFrom(page).artifact)).xml, certificate);
      expect(result.status).to.equal(status('Success'));
      const assertion = first(result.response!, ns.saml, 'Assertion')!;
      return {
        nameId: first(assertion, ns.saml, 'NameID')!.textContent,
        sessionIndex: first(assertion, ns.saml, 'AuthnStatement')!.getAttribute('SessionIndex')!,
      };
    }

    /** Whether the browser still has SSO: a passive SAML request gets Success, not NoPassive (and, with SSO, gives the SP a new SessionIndex). */
    async function hasSso(browser: TestBrowser, sp: TestSp): Promise<boolean> {
      const page = await browser.follow(
        await browser.get(sp.redirectUrl(sp.authnRequest({ isPassive: true }).xml)),
        (url) => url.startsWith(sp.acsBase),
      );
      const result = responseFromArtifactResponse((await sp.resolve(artifactFrom(page).artifact)).xml, certificate);
      return !!result.response && statusCodesOf(result.response)[0] === status('Success');
    }

    /** One citizen logged in at an OIDC webdienst and two SAML webdiensten of one federation. */
    async function threeWebdiensten(options: { secondSlo?: 'reachable' | 'down' | 'none' } = {}) {
      const federation = `slo-${next()}`;
      const rp = await RelyingParty.register(server, {
        federation,
        name: 'OIDC-dienst',
        registration: { backchannelLogoutUri: channel.backchannelLogoutUri },
      });
      const one = await samlWebdienst(federation, 'SAML-dienst een');
      const two = await samlWebdienst(federation, 'SAML-dienst twee', options.secondSlo ?? 'reachable');
      const browser = new TestBrowser();
      const oidcLogin = await rp.login(browser, citizen.username, citizen.password);
      const atFirst = await samlLogin(browser, one.sp);
      const atSecond = await samlLogin(browser, two.sp);
      return { rp, one, two, browser, oidcLogin, atFirst, atSecond };
    }

    it('logs out everywhere from a SAML webdienst: logout token to the OIDC webdienst, signed SOAP LogoutRequest to the other SAML webdienst, LogoutResponse by Redirect, no SSO after', async () => {
      const { rp, one, two, browser, oidcLogin, atFirst, atSecond } = await threeWebdiensten();
      expect(atFirst.nameId).to.equal(`s00000000:${citizen.bsn}`);
      expect(atSecond.sessionIndex).to.not.equal(atFirst.sessionIndex);
      const [tokensBefore, soapBefore] = [channel.tokens.length, channel.soapLogouts.length];

      const { id, xml } = logoutRequestXml(one.sp, { nameId: atFirst.nameId, sessionIndexes: [atFirst.sessionIndex] });
      const answer = await browser.get(logoutRedirectUrl(one.sp, xml, { relayState: 'na-uitloggen' }));
      expect(answer.status, answer.body.slice(0, 300)).to.equal(303);
      const { endpoint, relayState, response, statusCodes } = redirectedLogoutResponse(answer.location!, certificate);
      expect(endpoint).to.equal(frontChannelSlo(one.sp).location);
      expect(relayState).to.equal('na-uitloggen');
      expect(statusCodes).to.deep.equal([status('Success')]);
      expect(response.getAttribute('InResponseTo')).to.equal(id);
      expect(response.getAttribute('Destination')).to.equal(frontChannelSlo(one.sp).location);
      expect(first(response, ns.saml, 'Issuer')!.textContent).to.equal(`${server.url}/saml/metadata`);
      expect(answer.location).to.not.include(citizen.bsn);

      expect(channel.tokens.length, 'one logout token for the OIDC webdienst').to.equal(tokensBefore + 1);
      const { payload } = await jwtVerify(channel.tokens.at(-1)!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: rp.clientId,
      });
      expect(payload.sub).to.equal(oidcLogin.tokens.claims()!.sub);
      expect(payload.sid).to.equal(oidcLogin.tokens.claims()!.sid);
      expect(payload.events).to.deep.equal({ 'http://schemas.openid.net/event/backchannel-logout': {} });

      const soap = channel.soapLogouts.slice(soapBefore);
      expect(
        soap.map((logout) => logout.sp),
        'only the other SAML webdienst, not the initiator',
      ).to.deep.equal([two.key]);
      expect(soap[0]).to.deep.include({
        nameId: `s00000000:${citizen.bsn}`,
        nameIdFormat: null,
        sessionIndex: atSecond.sessionIndex,
        destination: channel.sloUrl(two.key),
      });

      expect(await hasSso(browser, two.sp), 'the old cookie gives no SSO').to.equal(false);
      expect(new URL((await rp.start(browser, { prompt: 'none' })).page.location!).searchParams.get('error')).to.equal(
        'login_required',
      );
      const initiator = await server.store.findWebdienstByClientId(one.sp.entityId);
      expect((await server.store.listAuditEvents({ type: 'saml.logout_request' })).at(-1)).to.deep.include({
        outcome: 'success',
        webdienstId: initiator!.id,
      });
    });

    it('logs out everywhere from the OIDC side: both SAML webdiensten get signed SOAP LogoutRequests and the page says so', async () => {
      const { rp, one, two, browser, oidcLogin, atFirst, atSecond } = await threeWebdiensten();
      const soapBefore = channel.soapLogouts.length;
      const confirm = await browser.get(
        `${server.url}/session/end?${new URLSearchParams({ id_token_hint: oidcLogin.tokens.id_token!, client_id: rp.clientId })}`,
      );
      const xsrf = confirm.body.match(/name="xsrf" value="([^"]+)"/)![1]!;
      const action = confirm.body.match(/<form id="op\.logoutForm"[^>]*action="([^"]+)"/)![1]!;
      const done = await browser.post(new URL(action, server.url).href, { xsrf, logout: 'yes' });
      expect(done.status).to.equal(200);
      expect(done.body).to.include('U bent uitgelogd');
      expect(done.body).to.match(/SAML-dienst een: uitgelogd/);
      expect(done.body).to.match(/SAML-dienst twee: uitgelogd/);
      const soap = channel.soapLogouts.slice(soapBefore);
      expect(soap.map((logout) => [logout.sp, logout.sessionIndex, logout.nameId]).sort()).to.deep.equal(
        [
          [one.key, atFirst.sessionIndex, atFirst.nameId],
          [two.key, atSecond.sessionIndex, atSecond.nameId],
        ].sort(),
      );
      expect(await hasSso(browser, one.sp)).to.equal(false);
    });

    it('answers PartialLogout when a SAML webdienst cannot be reached: the session still ends, the page names that webdienst and continues to the initiator', async () => {
      const { rp, one, two, browser, atFirst } = await threeWebdiensten({ secondSlo: 'down' });
      const { id, xml } = logoutRequestXml(one.sp, { nameId: atFirst.nameId, sessionIndexes: [atFirst.sessionIndex] });
      const page = await browser.get(logoutRedirectUrl(one.sp, xml));
      expect(page.status, page.body.slice(0, 300)).to.equal(200);
      expect(page.body).to.include('Niet overal bevestigd uitgelogd');
      expect(page.body).to.match(/SAML-dienst twee: <strong>niet bevestigd/);
      expect(page.body).to.match(/OIDC-dienst: uitgelogd/);
      const href = page.body.match(/<a id="saml-logout-continue"[^>]*href="([^"]+)"/)![1]!.replace(/&amp;/g, '&');
      const { statusCodes, response } = redirectedLogoutResponse(href, certificate);
      expect(statusCodes).to.deep.equal([status('Success'), status('PartialLogout')]);
      expect(response.getAttribute('InResponseTo')).to.equal(id);
      expect(await hasSso(browser, one.sp), 'the session ended all the same').to.equal(false);
      expect(new URL((await rp.start(browser, { prompt: 'none' })).page.location!).searchParams.get('error')).to.equal(
        'login_required',
      );
      // The connection checklist names the missing logout answer, with where it was asked.
      const logoutItem = async (sp: TestSp) =>
        (
          await webdienstChecklist(createServices(server.config, server.store, systemClock).adminDeps, sp.entityId)
        ).items.find((entry) => entry.item === 'logout')!;
      expect(await logoutItem(two.sp)).to.include({ result: 'fail' });
      expect((await logoutItem(two.sp)).evidence).to.match(/^no logout answer from http:\/\/127\.0\.0\.1:9\/slo: /);
    });

    it('counts a SAML webdienst without a SOAP SLO endpoint, or one that answers with another key or an error, as not confirmed', async () => {
      const federation = `slo-${next()}`;
      const initiator = await samlWebdienst(federation, 'Initiator');
      const none = await samlWebdienst(federation, 'Zonder SOAP', 'none');
      const foreign = await samlWebdienst(federation, 'Verkeerde sleutel', 'reachable', 'foreign-key');
      const failing = await samlWebdienst(federation, 'Met fout', 'reachable', 'responder-error');
      const unsigned = await samlWebdienst(federation, 'Ongetekend', 'reachable', 'unsigned');
      const browser = new TestBrowser();
      const login = await samlLogin(browser, initiator.sp);
      for (const other of [none, foreign, failing, unsigned]) await samlLogin(browser, other.sp);
      const page = await browser.get(
        logoutRedirectUrl(
          initiator.sp,
          logoutRequestXml(initiator.sp, { nameId: login.nameId, sessionIndexes: [login.sessionIndex] }).xml,
        ),
      );
      expect(page.status).to.equal(200);
      for (const name of ['Zonder SOAP', 'Verkeerde sleutel', 'Met fout'])
        expect(page.body).to.match(new RegExp(`${name}: <strong>niet bevestigd`));
      expect(page.body, 'pysaml2 does not sign SOAP LogoutResponses by default').to.match(/Ongetekend: uitgelogd/);
    });

    it('answers by HTTP-POST to an SP whose front-channel SLO endpoint is POST, for a LogoutRequest by POST; with the RelayState', async () => {
      const federation = `slo-${next()}`;
      const sp = await TestSp.register(server, {
        federation,
        name: 'POST-dienst',
        singleLogoutServices: (self) => [
          {
            binding: bindings.post,
            location: `${self.acsBase}/slo-post`,
            responseLocation: `${self.acsBase}/slo-post-antwoord`,
          },
        ],
      });
      const browser = new TestBrowser();
      const login = await samlLogin(browser, sp);
      const { id, xml } = logoutRequestXml(sp, { nameId: login.nameId, sessionIndexes: [login.sessionIndex] });
      const page = await browser.post(
        sloUrlOf(server),
        { SAMLRequest: Buffer.from(sp.signXml(xml, 'LogoutRequest')).toString('base64'), RelayState: 'terug' },
        { origin: 'https://sp.example.nl' },
      );
      expect(page.status, page.body.slice(0, 300)).to.equal(200);
      expect(page.body).to.include(`action="${sp.acsBase}/slo-post-antwoord"`);
      expect(page.body).to.include('name="RelayState" value="terug"');
      const posted = Buffer.from(page.body.match(/name="SAMLResponse" value="([^"]+)"/)![1]!, 'base64').toString(
        'utf8',
      );
      const response = parse(posted).documentElement;
      expectSignedBy(posted, response, certificate);
      expect(response.getAttribute('InResponseTo')).to.equal(id);
      expect(first(response, ns.samlp, 'StatusCode')!.getAttribute('Value')).to.equal(status('Success'));
      expect(await hasSso(browser, sp)).to.equal(false);
    });

    it("ends the browser's session in the federation for a LogoutRequest without SessionIndex, and answers Success when nothing is left to end", async () => {
      const federation = `slo-${next()}`;
      const { sp } = await samlWebdienst(federation, 'Zonder index');
      const browser = new TestBrowser();
      const login = await samlLogin(browser, sp);
      const once = await browser.get(logoutRedirectUrl(sp, logoutRequestXml(sp, { nameId: login.nameId }).xml));
      expect(redirectedLogoutResponse(once.location!, certificate).statusCodes).to.deep.equal([status('Success')]);
      expect(await hasSso(browser, sp)).to.equal(false);
      const again = await browser.get(
        logoutRedirectUrl(sp, logoutRequestXml(sp, { nameId: login.nameId, sessionIndexes: [login.sessionIndex] }).xml),
      );
      expect(redirectedLogoutResponse(again.location!, certificate).statusCodes).to.deep.equal([status('Success')]);
    });

    it('answers UnknownPrincipal and ends nothing when the NameID is not the citizen of that session', async () => {
      const federation = `slo-${next()}`;
      const { sp } = await samlWebdienst(federation, 'Andere burger');
      const browser = new TestBrowser();
      const login = await samlLogin(browser, sp);
      const answer = await browser.get(
        logoutRedirectUrl(
          sp,
          logoutRequestXml(sp, { nameId: 's00000000:999990020', sessionIndexes: [login.sessionIndex] }).xml,
        ),
      );
      expect(redirectedLogoutResponse(answer.location!, certificate).statusCodes).to.deep.equal([
        status('Requester'),
        status('UnknownPrincipal'),
      ]);
      expect(await hasSso(browser, sp)).to.equal(true);
    });

    it('accepts a signed LogoutRequest by SOAP and answers a signed LogoutResponse in the SOAP answer', async () => {
      const federation = `slo-${next()}`;
      const { sp } = await samlWebdienst(federation, 'SOAP-initiator');
      const browser = new TestBrowser();
      const login = await samlLogin(browser, sp);
      const { id, xml } = logoutRequestXml(sp, { nameId: login.nameId, sessionIndexes: [login.sessionIndex] });
      const envelope = `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${sp.signXml(xml, 'LogoutRequest')}</soap:Body></soap:Envelope>`;
      const answer = await fetch(sloUrlOf(server), {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: envelope,
      });
      expect(answer.status).to.equal(200);
      const text = await answer.text();
      const response = first(parse(text), ns.samlp, 'LogoutResponse')!;
      expectSignedBy(text, response, certificate);
      expect(response.getAttribute('InResponseTo')).to.equal(id);
      expect(first(response, ns.samlp, 'StatusCode')!.getAttribute('Value')).to.equal(status('Success'));
      expect(await hasSso(browser, sp)).to.equal(false);
      const unsigned = await fetch(sloUrlOf(server), {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: envelope.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ''),
      });
      expect(unsigned.status).to.equal(400);
      expect(await unsigned.text()).to.include('Fault');
    });

    describe('bad LogoutRequests are refused and end nothing', () => {
      it('refuses unsigned, foreign-key, wrong-Destination, unknown-Issuer, DTD, stale, replayed and wrapped LogoutRequests with an error page', async () => {
        const { rp, one: initiator, browser, atFirst } = await threeWebdiensten();
        const other = new TestSp(server, 'artifact', true);
        const soapBefore = channel.soapLogouts.length;
        const tokensBefore = channel.tokens.length;
        const request = (options: Partial<Parameters<typeof logoutRequestXml>[1]> = {}) =>
          logoutRequestXml(initiator.sp, { nameId: atFirst.nameId, sessionIndexes: [atFirst.sessionIndex], ...options })
            .xml;
        const valid = request();
        const refused: Array<[string, Page]> = [
          ['unsigned', await browser.get(logoutRedirectUrl(initiator.sp, valid, { unsigned: true }))],
          ['foreign key', await browser.get(logoutRedirectUrl(initiator.sp, valid, { key: other.key.privateKey }))],
          [
            'RSA-SHA1',
            await browser.get(
              logoutRedirectUrl(initiator.sp, valid, { sigAlg: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1' }),
            ),
          ],
          [
            'wrong Destination',
            await browser.get(logoutRedirectUrl(initiator.sp, request({ destination: `${server.url}/saml/sso` }))),
          ],
          ['no Destination', await browser.get(logoutRedirectUrl(initiator.sp, request({ destination: null })))],
          [
            'unknown Issuer',
            await browser.get(logoutRedirectUrl(initiator.sp, request({ issuer: 'https://onbekend.example.nl/saml' }))),
          ],
          ['DTD', await browser.get(logoutRedirectUrl(initiator.sp, `<!DOCTYPE x [<!ENTITY e "x">]>${valid}`))],
          [
            'too old',
            await browser.get(
              logoutRedirectUrl(
                initiator.sp,
                request({ issueInstant: new Date(Date.now() - 60 * 60_000).toISOString() }),
              ),
            ),
          ],
          [
            'past NotOnOrAfter',
            await browser.get(
              logoutRedirectUrl(
                initiator.sp,
                request({ notOnOrAfter: new Date(Date.now() - 10 * 60_000).toISOString() }),
              ),
            ),
          ],
          [
            'POST unsigned',
            await browser.post(sloUrlOf(server), { SAMLRequest: Buffer.from(valid).toString('base64') }),
          ],
          [
            'POST foreign key',
            await browser.post(sloUrlOf(server), {
              SAMLRequest: Buffer.from(initiator.sp.signXml(valid, 'LogoutRequest', other.key.privateKey)).toString(
                'base64',
              ),
            }),
          ],
          [
            'POST wrapped',
            await browser.post(sloUrlOf(server), {
              SAMLRequest: Buffer.from(wrapped(initiator.sp, valid, request({ sessionIndexes: ['_nep'] }))).toString(
                'base64',
              ),
            }),
          ],
          ['garbage', await browser.get(`${sloUrlOf(server)}?SAMLRequest=%%%`)],
        ];
        for (const [what, page] of refused) {
          expect(page.status, what).to.be.within(400, 499);
          expect(page.location, `${what}: no SAML answer`).to.equal(undefined);
          expect(page.body, what).to.not.match(/SAMLResponse|at \w+ \(/);
        }
        expect(refused.find(([what]) => what === 'unknown Issuer')![1].status).to.equal(404);
        expect(refused.find(([what]) => what === 'unsigned')![1].body).to.include('uitlogverzoek');

        const { id, xml } = logoutRequestXml(initiator.sp, {
          nameId: atFirst.nameId,
          sessionIndexes: ['_bestaat-niet'],
        });
        expect((await browser.get(logoutRedirectUrl(initiator.sp, xml))).status, 'a valid one is answered').to.equal(
          303,
        );
        const replay = await browser.get(
          logoutRedirectUrl(
            initiator.sp,
            logoutRequestXml(initiator.sp, { id, nameId: atFirst.nameId, sessionIndexes: [atFirst.sessionIndex] }).xml,
          ),
        );
        expect(replay.status, 'the same ID again').to.equal(400);

        expect(channel.soapLogouts.length, 'no SOAP LogoutRequest went out').to.equal(soapBefore);
        expect(channel.tokens.length, 'no logout token went out').to.equal(tokensBefore);
        expect(await hasSso(browser, initiator.sp), 'the session is still there').to.equal(true);
        expect(new URL((await rp.start(browser, { prompt: 'none' })).page.location!).searchParams.get('code')).to.be.a(
          'string',
        );
      });
    });
  });
}

/** Signature wrapping: the signed request moved into Extensions of an unsigned one. */
function wrapped(sp: TestSp, signedXml: string, evilXml: string): string {
  const signed = sp.signXml(signedXml, 'LogoutRequest');
  return evilXml.replace('</saml:Issuer>', `</saml:Issuer><samlp:Extensions>${signed}</samlp:Extensions>`);
}
