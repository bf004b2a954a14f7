// Interop with a service provider nobody on this team wrote: Debian's python3-pysaml2
// (test/interop/pysaml2_sp.py, configured by docs/guides/pysaml2_sp_config.py). Signed HTTP-Redirect
// AuthnRequest, HTTP-POST Response (the webdienst is registered with --response-binding post); the
// NameID pysaml2 sees must be s00000000:<BSN>, and pysaml2 must refuse a Response whose BSN was altered
// in transit. At Midden the same SP, registered with minimum level Midden, gets password and SMS code.
// Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserLogin } from './support/loopback-browser.ts';
import { interopScript, startPysaml2Sp, type Pysaml2Sp } from './support/pysaml2.ts';

const citizen = testCitizens[0];
const middenCitizen = testCitizens[1];
const spScript = interopScript('pysaml2_sp.py');

describe('SAML interop: pysaml2 (Debian) as service provider, configured by its guide', function () {
  this.timeout(180_000);
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(async () => server?.stop());

  describe('Basis', () => {
    let sp: Pysaml2Sp;
    before(
      async () => (sp = await startPysaml2Sp(server, { script: spScript, level: 'basis', responseBinding: 'post' })),
    );
    after(async () => sp?.stop());

    it('logs test-basis in: pysaml2 sees NameID s00000000:<BSN>', async () => {
      const { page, passwordAsked } = await browserLogin(server, `${sp.url}/protected/whoami`, citizen);
      expect(passwordAsked).to.equal(true);
      expect(page.status, `${page.body.slice(0, 300)}\n${sp.process.log().slice(-1500)}`).to.equal(200);
      expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${citizen.bsn}\\b`));
      expect(sp.process.log()).to.include(`ACS accepted: name_id=s00000000:${citizen.bsn}`);
    });

    it('refuses a Response whose BSN was changed in transit', async () => {
      const { page, tampered } = await browserLogin(server, `${sp.url}/protected/whoami`, {
        ...citizen,
        tamper: (xml) => xml.replaceAll(citizen.bsn, '999990027'),
      });
      expect(tampered).to.equal(true);
      expect(page.status).to.equal(403);
      expect(page.body).to.include('SAML response rejected').and.not.include('AUTHENTICATED-AS');
      expect(sp.process.log()).to.not.include('name_id=s00000000:999990027');
    });
  });

  it('logs test-midden in at a Midden webdienst: password and SMS code, NameID s00000000:<BSN>', async () => {
    const sp = await startPysaml2Sp(server, { script: spScript, level: 'midden', responseBinding: 'post' });
    try {
      const { page, codeAsked } = await browserLogin(server, `${sp.url}/protected/whoami`, {
        username: middenCitizen.username,
        password: middenCitizen.password,
        smsTo: middenCitizen.phone,
      });
      expect(codeAsked, 'the SMS code was asked').to.equal(true);
      expect(page.status, `${page.body.slice(0, 300)}\n${sp.process.log().slice(-1500)}`).to.equal(200);
      expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${middenCitizen.bsn}\\b`));
    } finally {
      await sp.stop();
    }
  });
});
