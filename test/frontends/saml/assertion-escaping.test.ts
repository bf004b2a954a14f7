// The assertion we send is signed, with InResponseTo, Destination, Recipient and
// Audience right and NotOnOrAfter a few minutes (login.test.ts checks those for a plain webdienst), and
// every text value escaped, so that a crafted value cannot add elements or attributes: here an entityID
// (the Audience) with markup, a client address (SubjectLocality, from X-Forwarded-For behind a proxy)
// with markup, a webdienst and organisation name with markup (the login page) and a RelayState with
// markup (the redirect to the ACS).
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { TestBrowser } from '../../support/browser.ts';
import { databaseKinds } from '../../support/databases.ts';
import type { TestServer } from '../../support/server.ts';
import {
  all,
  artifactFrom,
  expectSignedBy,
  first,
  ns,
  responseFromArtifactResponse,
  TestSp,
  startSamlTestServer,
} from './test-sp.ts';

const citizen = testCitizens[0];
const crafted = {
  entityId: 'https://sp.example.nl/saml?a=1&b="2"&c=<saml:Attribute Name=\'bsn\'/>',
  // At most 64 characters: the audit log's client_address column (a longer one is a 500 on PostgreSQL).
  clientAddress: '10.9.8.7"/><saml:Attribute Name="bsn"/><x y="',
  name: 'Dienst <script>alert(1)</script> "&"',
  relayState: '"><script>x</script>&SAMLart=nep',
};

for (const kind of databaseKinds) {
  describe(`SAML assertion: crafted values stay values (${kind})`, () => {
    let server: TestServer;
    let certificate: string;
    before(async () => ({ server, certificate } = await startSamlTestServer(kind)));
    after(() => server.stop());

    it('escapes a crafted entityID, client address, names and RelayState; the signatures still verify and every field reads back exactly', async () => {
      const sp = await TestSp.register(server, {
        entityId: crafted.entityId,
        name: crafted.name,
        organisationName: `Organisatie ${crafted.name}`,
      });
      const browser = new TestBrowser({ 'x-forwarded-for': crafted.clientAddress });
      const loginPage = await browser.follow(
        await browser.get(sp.redirectUrl(sp.authnRequest().xml, { relayState: crafted.relayState })),
      );
      expect(loginPage.status).to.equal(200);
      expect(loginPage.body).to.not.include('<script>alert(1)</script>');
      expect(loginPage.body).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');

      const request = sp.authnRequest();
      const answer = await sp.login(
        browser,
        await browser.get(sp.redirectUrl(request.xml, { relayState: crafted.relayState })),
        citizen.username,
        citizen.password,
      );
      expect(answer.headers.get('location')).to.not.match(/[<>"]/);
      const redirect = artifactFrom(answer);
      expect(redirect.relayState).to.equal(crafted.relayState);
      expect(new URL(answer.location!).searchParams.getAll('SAMLart')).to.have.length(1);

      const resolved = await sp.resolve(redirect.artifact);
      const { status, response } = responseFromArtifactResponse(resolved.xml, certificate);
      expect(status).to.equal('urn:oasis:names:tc:SAML:2.0:status:Success');
      expectSignedBy(resolved.xml, response!, certificate);
      const assertion = first(response!, ns.saml, 'Assertion')!;
      expectSignedBy(resolved.xml, assertion, certificate);
      expect(first(first(assertion, ns.saml, 'Conditions')!, ns.saml, 'Audience')!.textContent).to.equal(
        crafted.entityId,
      );
      // A forwarded address that is not an IP address never gets this far (src/http/client-address.ts).
      expect(first(assertion, ns.saml, 'SubjectLocality')!.getAttribute('Address')).to.match(
        /^(::ffff:)?127\.0\.0\.1$/,
      );
      expect(all(response!, ns.saml, 'AttributeStatement')).to.have.length(0);
      expect(all(response!, ns.saml, 'Attribute')).to.have.length(0);
      expect(all(assertion, ns.saml, 'AuthnStatement')).to.have.length(1);
      expect(first(assertion, ns.saml, 'SubjectConfirmationData')!.getAttribute('InResponseTo')).to.equal(request.id);
      expect(first(assertion, ns.saml, 'SubjectConfirmationData')!.getAttribute('Recipient')).to.equal(sp.artifactAcs);
      expect(first(assertion, ns.saml, 'NameID')!.textContent).to.equal(`s00000000:${citizen.bsn}`);
    });
  });
}
