// Interop with a service provider nobody on this team wrote (issue 4): Debian's python3-pysaml2 runs
// /work/shared/interop/saml-pysaml2/run.sh against a running Poortwachter: signed HTTP-Redirect
// AuthnRequest, HTTP-POST Response (the webdienst is registered with --response-binding post), the
// seeded citizen test-basis logs in, REMOTE_USER must be s00000000:<BSN>, and the SP must refuse a
// Response whose BSN was altered in transit. Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
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

describe('SAML interop: pysaml2 (Debian) as service provider', function () {
  this.timeout(240_000);
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'pysaml2-sp-'));
    const spPort = await freePort();
    env = {
      WORK: work,
      SP_PORT: String(spPort),
      IDP_BASE: server.url,
      TEST_USER: citizen.username,
      TEST_PASSWORD: citizen.password,
      EXPECT_BSN: citizen.bsn,
    };
    // The SP's key and metadata first: the IdP imports the metadata before the login (interop/README.md).
    const key = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=pysaml2-sp', '-days', '365', '-keyout', join(work, 'sp.key'), '-out', join(work, 'sp.crt')], { stdio: 'ignore' });
    expect(key.status, 'openssl req').to.equal(0);
    const metadata = await run('/usr/bin/python3', [join(interopDir, 'saml-pysaml2', 'pysaml2_sp.py'), 'metadata'], env, 60_000);
    expect(metadata.code, metadata.output).to.equal(0);
    expect(existsSync(join(work, 'sp-metadata.xml'))).to.equal(true);
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, { name: 'Gemeente Interop', oin, bsnEntitled: true });
    await addSamlWebdienst({ ...adminDeps, environment: 'development' }, { organisationOin: oin, name: 'pysaml2 SP', metadata: join(work, 'sp-metadata.xml'), responseBinding: 'post' });
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs test-basis in (NameID s00000000:<BSN>) and the SP refuses a tampered Response', async () => {
    const result = await run('bash', [join(interopDir, 'saml-pysaml2', 'run.sh')], env, 200_000);
    expect(result.output, result.output.slice(-3000)).to.include(`PASS: pysaml2 SP logged in as s00000000:${citizen.bsn}`);
    expect(result.output, result.output.slice(-3000)).to.include('PASS (negative): tampered SAMLResponse was rejected');
    expect(result.code).to.equal(0);
  });
});
