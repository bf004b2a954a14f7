// Interop with a service provider nobody on this team wrote: Apache httpd with Debian's
// mod_auth_mellon, configured by docs/guides/mod_auth_mellon.conf exactly as the guide gives it.
// HTTP-POST response binding; REMOTE_USER must be s00000000:<BSN> (the BSN NameID
// whatever NameIDPolicy asks; mellon asks transient).
//  - Basis: the webdienst is registered from mellon's metadata without its encryption certificate, so
//    the Assertion is readable and a BSN changed in transit must break the signature for mellon.
//  - Midden: `update-saml` re-imports mellon's full metadata (with the encryption certificate), mellon
//    asks for Midden, the citizen gives password and SMS code, and mellon decrypts the encrypted
//    Assertion; a changed ciphertext is refused by mellon.
// Needs apache2 and libapache2-mod-auth-mellon (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { updateSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createServices } from '../../src/services.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';
import { startApache, type Apache } from './support/apache.ts';
import { browserLogin } from './support/loopback-browser.ts';
import { registerSamlWebdienst } from './support/registration.ts';

const basisCitizen = testCitizens[0];
const middenCitizen = testCitizens[1];

describe('SAML interop: mod_auth_mellon (Debian) as service provider, configured by its guide', function () {
  this.timeout(240_000);
  let server: TestServer;
  let work: string;
  let port: number;
  let entityId: string;

  const startMellon = (level: string): Promise<Apache> =>
    startApache({
      module: 'mellon',
      guide: 'mod_auth_mellon.conf',
      work,
      port,
      variables: {
        WEBDIENST_ENTITY_ID: entityId,
        MELLON_DIR: work,
        POORTWACHTER_LEVEL: level,
        MELLON_SECURE_COOKIE: 'Off',
      },
    });

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'mellon-sp-'));
    port = await freePort();
    entityId = `http://127.0.0.1:${port}/mellon-sp`;
    // The SP's key and metadata, made by mellon's own tool as the guide says: Poortwachter imports the
    // metadata before any login.
    const created = spawnSync('mellon_create_metadata', [entityId, `http://127.0.0.1:${port}/mellon`], {
      cwd: work,
      stdio: 'ignore',
    });
    expect(created.status, 'mellon_create_metadata').to.equal(0);
    const base = entityId.replace(/[^0-9A-Za-z.]/g, '_').replace(/__+/g, '_');
    renameSync(join(work, `${base}.xml`), join(work, 'sp-metadata.xml'));
    renameSync(join(work, `${base}.key`), join(work, 'sp.key'));
    renameSync(join(work, `${base}.cert`), join(work, 'sp.cert'));
    writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${server.url}/saml/metadata`)).text());
    const signingOnly = readFileSync(join(work, 'sp-metadata.xml'), 'utf8').replace(
      /<KeyDescriptor use="encryption">[\s\S]*?<\/KeyDescriptor>/,
      '',
    );
    expect(signingOnly).to.not.include('use="encryption"');
    await registerSamlWebdienst(server, {
      organisationName: 'Gemeente Interop',
      name: 'mellon SP',
      metadataXml: signingOnly,
      responseBinding: 'post',
    });
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe('Basis, signed Assertion', () => {
    let apache: Apache;
    before(async () => (apache = await startMellon(levels.basis.uri)));
    after(async () => apache?.stop());

    it('logs test-basis in: REMOTE_USER s00000000:<BSN>', async () => {
      const { page, passwordAsked } = await browserLogin(server, `${apache.url}/protected/whoami`, basisCitizen);
      expect(passwordAsked, 'our password page was shown').to.equal(true);
      expect(page.status, `${page.url}\n${page.body.slice(0, 300)}\n${apache.problems()}`).to.equal(200);
      expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${basisCitizen.bsn}\\b`));
    });

    it('refuses a Response whose BSN was changed in transit', async () => {
      const { page, tampered } = await browserLogin(server, `${apache.url}/protected/whoami`, {
        ...basisCitizen,
        tamper: (xml) => xml.replaceAll(basisCitizen.bsn, '999990027'),
      });
      expect(tampered).to.equal(true);
      expect(page.body).to.not.include('AUTHENTICATED-AS');
      expect(page.status).to.be.at.least(400);
    });
  });

  describe('Midden, encrypted Assertion', () => {
    let apache: Apache;
    before(async () => {
      const { adminDeps } = createServices(server.config, server.store, systemClock);
      const { registration } = await updateSamlWebdienst(
        { ...adminDeps, environment: 'development' },
        { entityId, metadata: join(work, 'sp-metadata.xml') },
      );
      expect(registration.encryptionCertificates).to.have.length(1);
      apache = await startMellon(levels.midden.uri);
    });
    after(async () => apache?.stop());

    it('logs test-midden in with password and SMS code; mellon decrypts the Assertion (REMOTE_USER s00000000:<BSN>)', async () => {
      let carried = '';
      const { page, codeAsked } = await browserLogin(server, `${apache.url}/protected/whoami`, {
        username: middenCitizen.username,
        password: middenCitizen.password,
        smsTo: middenCitizen.phone,
        observe: (xml) => (carried = xml),
      });
      expect(codeAsked, 'the SMS code was asked').to.equal(true);
      expect(carried).to.include('EncryptedAssertion').and.not.include(middenCitizen.bsn);
      expect(page.status, `${page.url}\n${apache.problems()}`).to.equal(200);
      expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${middenCitizen.bsn}\\b`));
    });

    it('refuses a Response whose encrypted Assertion was changed in transit', async () => {
      const errorsBefore = apache
        .errorLog()
        .split('\n')
        .filter((line) => line.includes('[auth_mellon:error]')).length;
      const { page, tampered } = await browserLogin(server, `${apache.url}/protected/whoami`, {
        username: middenCitizen.username,
        password: middenCitizen.password,
        smsTo: middenCitizen.phone,
        tamper: (xml) =>
          xml.replace(
            /(<xenc:CipherData><xenc:CipherValue>[^<]{40})([^<])([^<]*<\/xenc:CipherValue><\/xenc:CipherData><\/xenc:EncryptedData>)/,
            (_, head: string, char: string, tail: string) => `${head}${char === 'A' ? 'B' : 'A'}${tail}`,
          ),
      });
      expect(tampered).to.equal(true);
      expect(page.body).to.not.include('AUTHENTICATED-AS');
      expect(page.status).to.be.at.least(400);
      const errors = apache
        .errorLog()
        .split('\n')
        .filter((line) => line.includes('[auth_mellon:error]'))
        .slice(errorsBefore);
      expect(errors.join('\n'), 'mellon refused it for the tampering, not for something else').to.match(/Lasso error/);
    });
  });
});
