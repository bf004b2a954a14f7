// Interop with a service provider nobody on this team wrote (issue 4): Apache httpd with Debian's
// mod_auth_mellon, HTTP-POST response binding, REMOTE_USER must be s00000000:<BSN> (DESIGN.md section 5:
// the BSN NameID whatever NameIDPolicy asks; mellon asks transient).
//  - Basis: the recipe /work/shared/interop/saml-mod_auth_mellon/run.sh, with its tamper test (the BSN
//    changed in transit). That test needs a readable Assertion, so the webdienst is first registered
//    from mellon's metadata without its encryption certificate.
//  - Midden: `update-saml` re-imports mellon's full metadata (with the encryption certificate), mellon
//    asks for Midden (MellonAuthnContextClassRef), the citizen gives password and SMS code, and mellon
//    decrypts the encrypted Assertion; a changed ciphertext is refused by mellon.
// Needs apache2 and libapache2-mod-auth-mellon (.ci/run installs them).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst, updateSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { levels } from '../../../src/core/levels.ts';
import { createServices } from '../../../src/services.ts';
import { freePort, startTestServer, type TestServer } from '../../support/server.ts';
import { browserLogin, interopDir, run } from './interop-support.ts';
import { nextOin } from './test-sp.ts';

const basisCitizen = testCitizens[0];
const middenCitizen = testCitizens[1];

describe('SAML interop: mod_auth_mellon (Debian) as service provider', function () {
  this.timeout(240_000);
  let server: TestServer;
  let work: string;
  let spPort: number;
  let entityId: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'mellon-sp-'));
    spPort = await freePort();
    entityId = `http://127.0.0.1:${spPort}/mellon-sp`;
    env = {
      WORK: work,
      SP_PORT: String(spPort),
      SP_ENTITY_ID: entityId,
      IDP_BASE: server.url,
      TEST_USER: basisCitizen.username,
      TEST_PASSWORD: basisCitizen.password,
      EXPECT_BSN: basisCitizen.bsn,
    };
    // The SP's key and metadata first, made by mellon's own tool as run.sh does (it skips this step
    // when sp-metadata.xml exists): the IdP imports the metadata before the login (interop/README.md).
    const created = spawnSync('mellon_create_metadata', [entityId, `http://127.0.0.1:${spPort}/mellon`], {
      cwd: work,
      stdio: 'ignore',
    });
    expect(created.status, 'mellon_create_metadata').to.equal(0);
    const base = entityId.replace(/[^0-9A-Za-z.]/g, '_').replace(/__+/g, '_');
    renameSync(join(work, `${base}.xml`), join(work, 'sp-metadata.xml'));
    renameSync(join(work, `${base}.key`), join(work, 'sp.key'));
    renameSync(join(work, `${base}.cert`), join(work, 'sp.cert'));
    const signingOnly = readFileSync(join(work, 'sp-metadata.xml'), 'utf8').replace(
      /<KeyDescriptor use="encryption">[\s\S]*?<\/KeyDescriptor>/,
      '',
    );
    expect(signingOnly).to.not.include('use="encryption"');
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, { name: 'Gemeente Interop', oin, bsnEntitled: true });
    await addSamlWebdienst(
      { ...adminDeps, environment: 'development' },
      { organisationOin: oin, name: 'mellon SP', metadataXml: signingOnly, responseBinding: 'post' },
    );
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('Basis (run.sh): logs test-basis in (REMOTE_USER s00000000:<BSN>) and mellon refuses a Response whose BSN was changed in transit', async () => {
    const result = await run('bash', [join(interopDir, 'saml-mod_auth_mellon', 'run.sh')], env, 200_000);
    expect(result.output, result.output.slice(-3000)).to.include(
      `PASS: mod_auth_mellon logged in as s00000000:${basisCitizen.bsn}`,
    );
    expect(result.output, result.output.slice(-3000)).to.include('PASS (negative): tampered SAMLResponse was rejected');
    expect(result.code).to.equal(0);
  });

  describe('Midden, encrypted Assertion', () => {
    const conf = () => join(work, 'httpd-midden.conf');
    before(async () => {
      const { adminDeps } = createServices(server.config, server.store, systemClock);
      const { registration } = await updateSamlWebdienst(
        { ...adminDeps, environment: 'development' },
        { entityId, metadata: join(work, 'sp-metadata.xml') },
      );
      expect(registration.encryptionCertificates).to.have.length(1);
      // run.sh left the IdP metadata and whoami.cgi in WORK; the same template, and mellon asks for Midden.
      copyFileSync(join(interopDir, 'lib', 'whoami.cgi'), join(work, 'whoami.cgi'));
      writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${server.url}/saml/metadata`)).text());
      const httpdConf = readFileSync(join(interopDir, 'saml-mod_auth_mellon', 'httpd.conf.tmpl'), 'utf8')
        .replaceAll('@@WORK@@', work)
        .replaceAll('@@SP_PORT@@', String(spPort))
        .replaceAll('@@SP_ENTITY_ID@@', entityId)
        .replaceAll('@@MELLON_USER@@', 'NAME_ID')
        .replace('MellonEnable info', `MellonEnable info\n    MellonAuthnContextClassRef "${levels.midden.uri}"`);
      expect(httpdConf).to.include('MellonAuthnContextClassRef');
      writeFileSync(conf(), httpdConf);
      const started = spawnSync('apache2', ['-f', conf(), '-k', 'start'], { encoding: 'utf8' });
      expect(started.status, started.stderr).to.equal(0);
      for (
        let i = 0;
        i < 50 &&
        !(await fetch(`http://127.0.0.1:${spPort}/`).then(
          () => true,
          () => false,
        ));
        i += 1
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
    });
    after(() => {
      spawnSync('apache2', ['-f', conf(), '-k', 'stop'], { stdio: 'ignore' });
    });

    it('logs test-midden in with password and SMS code; mellon decrypts the Assertion (REMOTE_USER s00000000:<BSN>)', async () => {
      let carried = '';
      const { page, codeAsked } = await browserLogin(server, `http://127.0.0.1:${spPort}/protected/whoami`, {
        username: middenCitizen.username,
        password: middenCitizen.password,
        smsTo: middenCitizen.phone,
        observe: (xml) => (carried = xml),
      });
      expect(codeAsked, 'the SMS code was asked').to.equal(true);
      expect(carried).to.include('EncryptedAssertion').and.not.include(middenCitizen.bsn);
      expect(
        page.status,
        `${page.url}\n${readFileSync(join(work, 'error.log'), 'utf8')
          .split('\n')
          .filter((line) => /error|warn/i.test(line))
          .slice(-8)
          .join('\n')}`,
      ).to.equal(200);
      expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${middenCitizen.bsn}\\b`));
    });

    it('refuses a Response whose encrypted Assertion was changed in transit', async () => {
      const errorsBefore = readFileSync(join(work, 'error.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('[auth_mellon:error]')).length;
      const { page, tampered } = await browserLogin(server, `http://127.0.0.1:${spPort}/protected/whoami`, {
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
      const errors = readFileSync(join(work, 'error.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('[auth_mellon:error]'))
        .slice(errorsBefore);
      expect(errors.join('\n'), 'mellon refused it for the tampering, not for something else').to.match(/Lasso error/);
    });
  });
});
