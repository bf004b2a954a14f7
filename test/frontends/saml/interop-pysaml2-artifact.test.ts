// Interop by HTTP-Artifact, the DigiD default: Debian's python3-pysaml2 as the SP
// (test/interop/pysaml2_artifact_sp.py) asks for the Response by artifact, gets SAMLart through the
// browser and resolves it itself with a signed SOAP ArtifactResolve at our ArtifactResolutionService,
// checking the signed ArtifactResponse, Response and Assertion. The browser side is the shared driver
// /work/shared/interop/lib/browserless_login.py. Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createServices } from '../../../src/services.ts';
import { freePort, startTestServer, type TestServer } from '../../support/server.ts';
import { nextOin } from './test-sp.ts';

const interopDir = process.env.POORTWACHTER_INTEROP_DIR ?? '/work/shared/interop';
const spScript = join(process.cwd(), 'test', 'interop', 'pysaml2_artifact_sp.py');
const citizen = testCitizens[0];

function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('SAML interop: pysaml2 (Debian) resolving artifacts', function () {
  this.timeout(180_000);
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let sp: ChildProcess | undefined;
  let spLog = '';
  let spUrl: string;

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'pysaml2-artifact-sp-'));
    const spPort = await freePort();
    spUrl = `http://127.0.0.1:${spPort}`;
    env = { WORK: work, SP_PORT: String(spPort) };
    const key = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=pysaml2-artifact-sp', '-days', '365', '-keyout', join(work, 'sp.key'), '-out', join(work, 'sp.crt')], { stdio: 'ignore' });
    expect(key.status, 'openssl req').to.equal(0);
    const metadata = await run('/usr/bin/python3', [spScript, 'metadata'], env, 60_000);
    expect(metadata.code, metadata.output).to.equal(0);
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, { name: 'Gemeente Artefact', oin, bsnEntitled: true });
    await addSamlWebdienst({ ...adminDeps, environment: 'development' }, { organisationOin: oin, name: 'pysaml2 artifact SP', metadata: join(work, 'sp-metadata.xml'), responseBinding: 'artifact' });
    writeFileSync(join(work, 'idp-metadata.xml'), await (await fetch(`${server.url}/saml/metadata`)).text());
    sp = spawn('/usr/bin/python3', [spScript, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    sp.stdout!.on('data', (chunk) => (spLog += chunk));
    sp.stderr!.on('data', (chunk) => (spLog += chunk));
    for (let i = 0; i < 100; i += 1) {
      if (await fetch(`${spUrl}/`).then(() => true, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    if (sp && sp.exitCode === null) {
      const exited = new Promise((resolve) => sp!.once('exit', resolve));
      sp.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs test-basis in: pysaml2 resolves the artifact and sees NameID s00000000:<BSN>; a replayed SAMLart gets nothing', async () => {
    const result = await run('/usr/bin/python3', [join(interopDir, 'lib', 'browserless_login.py'), '--start', `${spUrl}/protected/whoami`, '--user', citizen.username, '--password', citizen.password, '--expect', `AUTHENTICATED-AS: s00000000:${citizen.bsn}\\b`], {}, 120_000);
    expect(result.code, `${result.output.slice(-2000)}\n--- SP log ---\n${spLog.slice(-2000)}`).to.equal(0);
    expect(spLog).to.include(`ACS accepted artifact: name_id=s00000000:${citizen.bsn}`);

    // The same SAMLart again (a replayed browser URL): the IdP answers RequestDenied, pysaml2 refuses.
    const artifactPath = spLog.match(/"GET (\/acs-artifact\?SAMLart=[^ ]+) HTTP/)?.[1];
    expect(artifactPath, spLog.slice(-1000)).to.be.a('string');
    const replay = await fetch(`${spUrl}${artifactPath}`, { redirect: 'manual' });
    expect(replay.status).to.equal(403);
    expect(await replay.text()).to.include('SAML artifact rejected');
  });
});
