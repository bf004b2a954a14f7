// SAML end to end against a running server: signed AuthnRequests (Redirect and POST) from a test SP,
// the login pages, and the Response by HTTP-Artifact (SOAP ArtifactResolve) or HTTP-POST, checked
// with real signatures.
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { levels } from '../../../src/core/levels.ts';
import { TestBrowser, formAction, formActionEndingWith } from '../../support/browser.ts';
import { lastSmsCode } from '../../support/relying-party.ts';
import { databaseKinds } from '../../support/databases.ts';
import type { TestServer } from '../../support/server.ts';
import {
  all,
  artifactFrom,
  statusCodesOf,
  expectSignedBy,
  first,
  ns,
  parse,
  postedResponse,
  responseFromArtifactResponse,
  TestSp,
  startSamlTestServer,
} from './test-sp.ts';

const citizen = testCitizens[0];
const status = (name: string) => `urn:oasis:names:tc:SAML:2.0:status:${name}`;

for (const kind of databaseKinds) {
  describe(`SAML front-end: login end to end (${kind})`, () => {
    let server: TestServer;
    let certificate: string;
    before(async () => ({ server, certificate } = await startSamlTestServer(kind)));
    after(() => server.stop());

    it('publishes signed metadata with SSO (Redirect, POST), ArtifactResolutionService (SOAP, index 0), SLO and the certificate', async () => {
      const response = await fetch(`${server.url}/saml/metadata`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/samlmetadata\+xml/);
      const xml = await response.text();
      const doc = parse(xml);
      const root = doc.documentElement;
      expect(root.getAttribute('entityID')).to.equal(`${server.url}/saml/metadata`);
      expectSignedBy(xml, root, certificate);
      const sso = all(doc, ns.md, 'SingleSignOnService').map((e) => [
        e.getAttribute('Binding'),
        e.getAttribute('Location'),
      ]);
      expect(sso).to.deep.include.members([
        ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', `${server.url}/saml/sso`],
        ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', `${server.url}/saml/sso`],
      ]);
      const ars = first(doc, ns.md, 'ArtifactResolutionService')!;
      expect([ars.getAttribute('Binding'), ars.getAttribute('Location'), ars.getAttribute('index')]).to.deep.equal([
        'urn:oasis:names:tc:SAML:2.0:bindings:SOAP',
        `${server.url}/saml/artifact`,
        '0',
      ]);
      expect(doc.getElementsByTagNameNS(ns.md, 'SingleLogoutService').length).to.be.greaterThan(0);
      expect(first(doc, ns.md, 'IDPSSODescriptor')!.getAttribute('WantAuthnRequestsSigned')).to.equal('true');
      expect(new X509Certificate(certificate).subject).to.include('Poortwachter');
    });

    it('logs a citizen in by Redirect and answers by artifact: signed ArtifactResponse, Response and Assertion, BSN NameID, every field', async () => {
      const sp = await TestSp.register(server, { responseBinding: 'artifact', bsnEntitled: true });
      const browser = new TestBrowser({ 'x-forwarded-for': '10.200.0.7' });
      const { id, xml } = sp.authnRequest();
      const answer = await sp.login(
        browser,
        await browser.get(sp.redirectUrl(xml, { relayState: 'terug-naar/<pagina>' })),
        citizen.username,
        citizen.password,
      );
      const { artifact, relayState, acs } = artifactFrom(answer);
      expect(acs).to.equal(sp.artifactAcs);
      expect(relayState).to.equal('terug-naar/<pagina>');
      const bytes = Buffer.from(artifact, 'base64');
      expect(bytes.length).to.equal(44);
      expect(bytes.readUInt16BE(0)).to.equal(4);
      expect(bytes.readUInt16BE(2)).to.equal(0);
      expect(answer.location).to.not.include(citizen.bsn);

      const resolved = await sp.resolve(artifact);
      expect(resolved.status, resolved.xml.slice(0, 300)).to.equal(200);
      const { status: code, response } = responseFromArtifactResponse(resolved.xml, certificate);
      expect(code).to.equal(status('Success'));
      expectSignedBy(resolved.xml, response!, certificate);
      const assertion = first(response!, ns.saml, 'Assertion')!;
      expectSignedBy(resolved.xml, assertion, certificate);
      expect(response!.getAttribute('InResponseTo')).to.equal(id);
      expect(response!.getAttribute('Destination')).to.equal(sp.artifactAcs);
      expect(first(response!, ns.samlp, 'StatusCode')!.getAttribute('Value')).to.equal(status('Success'));
      const nameId = first(assertion, ns.saml, 'NameID')!;
      expect(nameId.textContent).to.equal(`s00000000:${citizen.bsn}`);
      expect(nameId.hasAttribute('Format')).to.equal(false);
      const confirmation = first(assertion, ns.saml, 'SubjectConfirmationData')!;
      expect(first(assertion, ns.saml, 'SubjectConfirmation')!.getAttribute('Method')).to.equal(
        'urn:oasis:names:tc:SAML:2.0:cm:bearer',
      );
      expect(confirmation.getAttribute('InResponseTo')).to.equal(id);
      expect(confirmation.getAttribute('Recipient')).to.equal(sp.artifactAcs);
      const notOnOrAfter = Date.parse(confirmation.getAttribute('NotOnOrAfter')!);
      expect(notOnOrAfter - Date.now()).to.be.within(60_000, 3 * 60_000);
      const conditions = first(assertion, ns.saml, 'Conditions')!;
      expect(
        Date.parse(conditions.getAttribute('NotOnOrAfter')!) - Date.parse(conditions.getAttribute('NotBefore')!),
      ).to.equal(4 * 60_000);
      expect(first(conditions, ns.saml, 'Audience')!.textContent).to.equal(sp.entityId);
      const statement = first(assertion, ns.saml, 'AuthnStatement')!;
      expect(statement.getAttribute('SessionIndex')).to.match(/^_[0-9a-f]{40}$/);
      expect(Math.abs(Date.parse(statement.getAttribute('AuthnInstant')!) - Date.now())).to.be.below(60_000);
      expect(first(statement, ns.saml, 'SubjectLocality')!.getAttribute('Address')).to.equal('10.200.0.7');
      expect(first(statement, ns.saml, 'AuthnContextClassRef')!.textContent).to.equal(levels.basis.uri);
      expect(first(assertion, ns.saml, 'Issuer')!.textContent).to.equal(`${server.url}/saml/metadata`);
    });

    it('resolves an artifact once; a second resolve, another webdienst, an unsigned or foreign-key resolve get no assertion', async () => {
      const sp = await TestSp.register(server);
      const other = await TestSp.register(server);
      const browser = new TestBrowser();
      const answer = await sp.login(
        browser,
        await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
        citizen.username,
        citizen.password,
      );
      const { artifact } = artifactFrom(answer);

      const unsigned = await sp.resolve(artifact, { unsigned: true });
      expect(unsigned.status).to.equal(400);
      expect(unsigned.xml).to.include('Fault').and.not.include('Assertion');
      const foreignKey = await sp.resolve(artifact, { key: other.key.privateKey });
      expect(foreignKey.status).to.equal(400);
      expect(foreignKey.xml).to.not.include('Assertion');
      const byOther = await other.resolve(artifact);
      expect(byOther.status).to.equal(200);
      expect(responseFromArtifactResponse(byOther.xml, certificate)).to.deep.include({
        status: status('Requester'),
        subStatus: status('RequestDenied'),
        response: undefined,
      });
      const wrongDestination = await sp.resolve(artifact, { destination: 'https://elders.example.nl/artifact' });
      expect(wrongDestination.status).to.equal(400);

      const firstResolve = await sp.resolve(artifact, { destination: `${server.url}/saml/artifact` });
      expect(responseFromArtifactResponse(firstResolve.xml, certificate).status).to.equal(status('Success'));
      const second = await sp.resolve(artifact);
      expect(responseFromArtifactResponse(second.xml, certificate)).to.deep.include({
        status: status('Requester'),
        subStatus: status('RequestDenied'),
        response: undefined,
      });
    });

    it('logs in by POST binding request and answers by HTTP-POST for a webdienst allowed it, with a persistent pairwise NameID for an unentitled organisation', async () => {
      const sp = await TestSp.register(server, { responseBinding: 'post', bsnEntitled: false });
      const browser = new TestBrowser();
      const { id, xml } = sp.authnRequest({
        acsUrl: sp.postAcs,
        protocolBinding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
      });
      const signed = sp.signXml(xml, 'AuthnRequest');
      const start = await browser.post(
        sp.ssoUrl,
        { SAMLRequest: Buffer.from(signed).toString('base64'), RelayState: '"><script>x</script>' },
        { origin: 'https://sp.example.nl' },
      );
      const answer = await sp.login(browser, start, citizen.username, citizen.password);
      const posted = postedResponse(answer);
      expect(posted.action).to.equal(sp.postAcs);
      expect(answer.body).to.not.include('<script>x</script>');
      expect(posted.relayState).to.equal('&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
      expect(answer.headers.get('content-security-policy')).to.not.include('unsafe-inline');
      const doc = parse(posted.xml);
      const response = doc.documentElement;
      expectSignedBy(posted.xml, response, certificate);
      const assertion = first(response, ns.saml, 'Assertion')!;
      expectSignedBy(posted.xml, assertion, certificate);
      expect(response.getAttribute('InResponseTo')).to.equal(id);
      const nameId = first(assertion, ns.saml, 'NameID')!;
      expect(nameId.getAttribute('Format')).to.equal('urn:oasis:names:tc:SAML:2.0:nameid-format:persistent');
      expect(nameId.textContent).to.not.include(citizen.bsn);
      expect(posted.xml).to.not.include(citizen.bsn);
    });

    it('gives the login result only to the browser that sent the request (resume URL in another browser: 400)', async () => {
      const sp = await TestSp.register(server);
      const browser = new TestBrowser();
      const loginPage = await browser.follow(await browser.get(sp.redirectUrl(sp.authnRequest().xml)));
      const submitted = await browser.post(formAction(loginPage.body, 'password', loginPage.url), {
        username: citizen.username,
        password: citizen.password,
      });
      const stranger = await new TestBrowser().get(submitted.location!);
      expect(stranger.status).to.equal(400);
      expect(stranger.location).to.equal(undefined);
      const { artifact } = artifactFrom(await browser.get(submitted.location!));
      expect(responseFromArtifactResponse((await sp.resolve(artifact)).xml, certificate).status).to.equal(
        status('Success'),
      );
      expect((await browser.get(submitted.location!)).status, 'the resume URL works once').to.equal(400);
    });

    it('answers a cancelled login with Responder/AuthnFailed', async () => {
      const sp = await TestSp.register(server);
      const browser = new TestBrowser();
      const loginPage = await browser.follow(await browser.get(sp.redirectUrl(sp.authnRequest().xml)));
      const cancelled = await browser.post(formActionEndingWith(loginPage.body, '/annuleren', loginPage.url), {});
      expect(cancelled.status).to.equal(303);
      const { artifact } = artifactFrom(await browser.get(cancelled.location!));
      const result = responseFromArtifactResponse((await sp.resolve(artifact)).xml, certificate);
      expect(result.status).to.equal(status('Success'));
      const codes = statusCodesOf(result.response!);
      expect(codes).to.deep.equal([status('Responder'), status('AuthnFailed')]);
      expect(first(result.response!, ns.saml, 'Assertion')).to.equal(undefined);
    });

    for (const [name, uri] of [
      ['Substantieel', levels.substantieel.uri],
      ['Hoog (eIDAS alias)', 'http://eidas.europa.eu/LoA/high'],
    ] as const) {
      it(`answers ${name} with Responder/NoAuthnContext without a login`, async () => {
        const sp = await TestSp.register(server);
        const browser = new TestBrowser();
        const answer = await browser.get(sp.redirectUrl(sp.authnRequest({ authnContext: { refs: [uri] } }).xml));
        const { artifact } = artifactFrom(answer);
        const result = responseFromArtifactResponse((await sp.resolve(artifact)).xml, certificate);
        const codes = statusCodesOf(result.response!);
        expect(codes).to.deep.equal([status('Responder'), status('NoAuthnContext')]);
      });
    }

    it('answers IsPassive without a session with Responder/NoPassive', async () => {
      const sp = await TestSp.register(server);
      const answer = await new TestBrowser().get(sp.redirectUrl(sp.authnRequest({ isPassive: true }).xml));
      const result = responseFromArtifactResponse((await sp.resolve(artifactFrom(answer).artifact)).xml, certificate);
      const codes = statusCodesOf(result.response!);
      expect(codes).to.deep.equal([status('Responder'), status('NoPassive')]);
    });

    it('carries ForceAuthn into the login request and asks for the password again after an earlier login in the same browser', async () => {
      const sp = await TestSp.register(server, { federation: 'force-authn' });
      const browser = new TestBrowser();
      const firstLogin = await sp.login(
        browser,
        await browser.get(sp.redirectUrl(sp.authnRequest().xml)),
        citizen.username,
        citizen.password,
      );
      expect(
        responseFromArtifactResponse((await sp.resolve(artifactFrom(firstLogin).artifact)).xml, certificate).status,
      ).to.equal(status('Success'));

      const forced = await browser.get(sp.redirectUrl(sp.authnRequest({ forceAuthn: true }).xml));
      const loginPage = await browser.follow(forced);
      expect(loginPage.status).to.equal(200);
      expect(loginPage.body).to.include('name="password"');
      const attempt = await server.store.findLoginAttempt(new URL(loginPage.url).pathname.split('/').pop()!);
      expect(attempt).to.deep.include({
        protocol: 'saml',
        forceAuthentication: true,
        stage: 'password',
        citizenId: null,
      });
      const submitted = await browser.post(formAction(loginPage.body, 'password', loginPage.url), {
        username: citizen.username,
        password: citizen.password,
      });
      const result = responseFromArtifactResponse(
        (await sp.resolve(artifactFrom(await browser.get(submitted.location!)).artifact)).xml,
        certificate,
      );
      expect(statusCodesOf(result.response!)).to.deep.equal([status('Success')]);
      const authnInstant = Date.parse(
        first(first(result.response!, ns.saml, 'Assertion')!, ns.saml, 'AuthnStatement')!.getAttribute('AuthnInstant')!,
      );
      expect(Date.now() - authnInstant, 'the AuthnInstant is the fresh login').to.be.below(5000);

      const unforced = await browser.get(sp.redirectUrl(sp.authnRequest().xml));
      const unforcedAttempt = await server.store.findLoginAttempt(
        new URL(unforced.location!).pathname.split('/').pop()!,
      );
      expect(unforcedAttempt?.forceAuthentication).to.equal(false);
    });

    it('logs a citizen in at Midden (webdienst minimum Midden): password, SMS code, the Midden class in the assertion', async () => {
      const sp = await TestSp.register(server, { level: 'midden' });
      const middenCitizen = testCitizens[1];
      const browser = new TestBrowser();
      const loginPage = await browser.follow(
        await browser.get(
          sp.redirectUrl(sp.authnRequest({ authnContext: { refs: [levels.basis.uri], comparison: 'minimum' } }).xml),
        ),
      );
      const afterPassword = await browser.post(formAction(loginPage.body, 'password', loginPage.url), {
        username: middenCitizen.username,
        password: middenCitizen.password,
      });
      const codePage = await browser.follow(afterPassword);
      expect(codePage.body).to.include('name="code"');
      const afterCode = await browser.post(formAction(codePage.body, 'code', codePage.url), {
        code: await lastSmsCode(server, middenCitizen.phone),
      });
      expect(new URL(afterCode.location!).pathname).to.match(/^\/saml\/resume\//);
      const result = responseFromArtifactResponse(
        (await sp.resolve(artifactFrom(await browser.get(afterCode.location!)).artifact)).xml,
        certificate,
      );
      expect(statusCodesOf(result.response!)).to.deep.equal([status('Success')]);
      const assertion = first(result.response!, ns.saml, 'Assertion')!;
      expect(first(assertion, ns.saml, 'AuthnContextClassRef')!.textContent).to.equal(levels.midden.uri);
      expect(first(assertion, ns.saml, 'NameID')!.textContent).to.equal(`s00000000:${middenCitizen.bsn}`);
    });

    it('asks the second factor when the request asks Midden; a citizen without one gets Responder/NoAuthnContext', async () => {
      const sp = await TestSp.register(server);
      const browser = new TestBrowser();
      const loginPage = await browser.follow(
        await browser.get(sp.redirectUrl(sp.authnRequest({ authnContext: { refs: [levels.midden.uri] } }).xml)),
      );
      const afterPassword = await browser.post(loginPage.url, {
        username: citizen.username,
        password: citizen.password,
      });
      expect(afterPassword.status).to.equal(303);
      expect(afterPassword.location).to.match(/\/code$/);
      // test-basis has no second factor: the page explains, and cancelling yields NoAuthnContext.
      const codePage = await browser.get(afterPassword.location!);
      const cancelled = await browser.post(formActionEndingWith(codePage.body, '/annuleren', codePage.url), {});
      const result = responseFromArtifactResponse(
        (await sp.resolve(artifactFrom(await browser.get(cancelled.location!)).artifact)).xml,
        certificate,
      );
      const codes = statusCodesOf(result.response!);
      expect(codes).to.deep.equal([status('Responder'), status('NoAuthnContext')]);
    });
  });
}
