// A second, independent reader of what we send: samlify (a default import) as the service
// provider reads our signed IdP metadata and checks our HTTP-POST Response with its own code.
// IdentityProvider, ServiceProvider and setSchemaValidator are named exports of samlify 2.13; its
// default export holds only SamlLib, Utility, Constants and the metadata classes.
import { IdentityProvider, ServiceProvider, setSchemaValidator } from 'samlify';
import * as validator from '@authenio/samlify-node-xmllint';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { TestBrowser } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { postedResponse, TestSp } from './test-sp.ts';

const citizen = testCitizens[0];

describe('SAML front-end read by samlify as service provider', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    setSchemaValidator(validator);
  });
  after(() => server.stop());

  it('accepts our metadata and our signed POST Response: NameID, InResponseTo, Audience, SessionIndex', async () => {
    const sp = await TestSp.register(server, { responseBinding: 'post' });
    const idp = IdentityProvider({ metadata: await (await fetch(`${server.url}/saml/metadata`)).text() });
    const samlifySp = ServiceProvider({ metadata: sp.metadata(), wantMessageSigned: true, wantAssertionsSigned: true });
    expect(idp.entityMeta.getEntityID()).to.equal(`${server.url}/saml/metadata`);
    const browser = new TestBrowser();
    const { id, xml } = sp.authnRequest({ acsIndex: 1 });
    const posted = postedResponse(
      await sp.login(browser, await browser.get(sp.redirectUrl(xml)), citizen.username, citizen.password),
    );
    const { extract } = await samlifySp.parseLoginResponse(idp, 'post', {
      body: { SAMLResponse: Buffer.from(posted.xml).toString('base64') },
    });
    expect(extract.nameID).to.equal(`s00000000:${citizen.bsn}`);
    expect(extract.response?.inResponseTo).to.equal(id);
    expect(extract.audience).to.equal(sp.entityId);
    // samlify does not extract AuthnContextClassRef; login.test.ts checks the level.
    expect(JSON.stringify(extract.sessionIndex)).to.match(/_[0-9a-f]{40}/);
  });
});
