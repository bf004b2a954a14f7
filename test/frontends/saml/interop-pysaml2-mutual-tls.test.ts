// A real SP resolving artifacts over mutual TLS: Debian's python3-pysaml2
// (test/interop/pysaml2_mutual_tls_sp.py) with a certificate of the test PKI that carries its
// organisation's OIN, registered from its own metadata under the certificate policy, asks for a login
// by artifact and resolves SAMLart at the back-channel listener, presenting that certificate as its
// TLS client certificate. Without the client certificate it is refused, and no assertion leaves.
// Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { configuredCertificateTrust } from '../../../src/core/trust/certificate-trust.ts';
import { createServices } from '../../../src/services.ts';
import { formAction, TestBrowser } from '../../support/browser.ts';
import { freePort, startTestServer, type TestServer } from '../../support/server.ts';
import { testPki, type TestPki } from '../../support/test-pki.ts';

const script = join(process.cwd(), 'test', 'interop', 'pysaml2_mutual_tls_sp.py');
const citizen = testCitizens[0];

describe('SAML interop: pysaml2 (Debian) resolving artifacts over mutual TLS', function () {
  this.timeout(180_000);
  let pki: TestPki;
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;

  const sp = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        '/usr/bin/python3',
        [script, ...args],
        { env: { ...env, ...extra }, timeout: 60_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });

  /** The login a citizen does in the browser, up to the redirect to the SP's ACS with SAMLart. */
  async function artifactFor(): Promise<string> {
    const authn = await sp(['authn']);
    expect(authn.code, authn.stderr).to.equal(0);
    const browser = new TestBrowser();
    const loginPage = await browser.follow(await browser.get(authn.stdout.trim()));
    expect(loginPage.status, loginPage.body.slice(0, 300)).to.equal(200);
    const submitted = await browser.post(formAction(loginPage.body, 'password', loginPage.url), {
      username: citizen.username,
      password: citizen.password,
    });
    const answer = await browser.get(submitted.location!);
    expect(answer.status, answer.body.slice(0, 300)).to.equal(303);
    return new URL(answer.location!).searchParams.get('SAMLart')!;
  }

  before(async () => {
    pki = testPki();
    const port = await freePort();
    server = await startTestServer({
      overrides: {
        trust: { anchorFiles: [pki.anchorsFile], crlFiles: [pki.crlFile] },
        backChannel: {
          clientCertificates: 'listener',
          port,
          url: `https://127.0.0.1:${port}`,
          tlsCertificateFile: pki.server.certificateFile,
          tlsKeyFile: pki.server.keyFile,
        },
      },
    });
    work = mkdtempSync(join(tmpdir(), 'pysaml2-mtls-sp-'));
    writeFileSync(join(work, 'ca.pem'), pki.root.certificatePem + pki.intermediate.certificatePem);
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      WORK: work,
      SP_ENTITY_ID: 'http://127.0.0.1:9/pysaml2-mtls-sp',
      SP_KEY: pki.good.keyFile,
      SP_CERT: pki.good.certificateFile,
      CA_BUNDLE: join(work, 'ca.pem'),
    };
    writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${server.url}/saml/metadata`)).text());
    const metadata = await sp(['metadata']);
    expect(metadata.code, metadata.stderr).to.equal(0);
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    await addOrganisation(adminDeps, { name: 'Gemeente Voorbeeld', oin: pki.oin, bsnEntitled: true });
    await addSamlWebdienst(
      { ...adminDeps, environment: 'development', trust: configuredCertificateTrust(server.config, systemClock) },
      {
        organisationOin: pki.oin,
        name: 'pysaml2 over mutual TLS',
        metadataXml: readFileSync(join(work, 'sp-metadata.xml'), 'utf8'),
      },
    );
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('resolves the artifact with its PKIoverheid-style certificate as TLS client certificate', async () => {
    const resolved = await sp(['resolve', await artifactFor()]);
    expect(resolved.stdout.trim(), resolved.stderr).to.equal(`RESOLVED name_id=s00000000:${citizen.bsn}`);
  });

  it('is refused without a client certificate, and the artifact stays for the right request', async () => {
    const artifact = await artifactFor();
    const refused = await sp(['resolve', artifact], { NO_CLIENT_CERT: '1' });
    expect(refused.code).to.equal(1);
    expect(refused.stdout.trim()).to.equal('REFUSED ArtifactResolve refused: a TLS client certificate is required');
    const resolved = await sp(['resolve', artifact]);
    expect(resolved.stdout.trim(), resolved.stderr).to.equal(`RESOLVED name_id=s00000000:${citizen.bsn}`);
  });
});
