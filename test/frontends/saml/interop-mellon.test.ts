// Interop with a service provider nobody on this team wrote (issue 4): Apache httpd with Debian's
// mod_auth_mellon runs /work/shared/interop/saml-mod_auth_mellon/run.sh against a running Poortwachter:
// signed HTTP-Redirect AuthnRequest asking a transient NameID, HTTP-POST Response (registered with
// --response-binding post), test-basis logs in, REMOTE_USER must be s00000000:<BSN> (DESIGN.md
// section 5: the BSN NameID whatever NameIDPolicy asks), and mellon must refuse a tampered Response.
// Needs apache2 and libapache2-mod-auth-mellon (.ci/run installs them).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
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

describe('SAML interop: mod_auth_mellon (Debian) as service provider', function () {
  this.timeout(240_000);
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'mellon-sp-'));
    const spPort = await freePort();
    env = {
      WORK: work,
      SP_PORT: String(spPort),
      IDP_BASE: server.url,
      TEST_USER: citizen.username,
      TEST_PASSWORD: citizen.password,
      EXPECT_BSN: citizen.bsn,
    };
    // The SP's key and metadata first, made by mellon's own tool as run.sh does (it skips this step
    // when sp-metadata.xml exists): the IdP imports the metadata before the login (interop/README.md).
    const entityId = `http://127.0.0.1:${spPort}/mellon-sp`;
    env.SP_ENTITY_ID = entityId;
    const created = spawnSync('mellon_create_metadata', [entityId, `http://127.0.0.1:${spPort}/mellon`], { cwd: work, stdio: 'ignore' });
    expect(created.status, 'mellon_create_metadata').to.equal(0);
    const base = entityId.replace(/[^0-9A-Za-z.]/g, '_').replace(/__+/g, '_');
    renameSync(join(work, `${base}.xml`), join(work, 'sp-metadata.xml'));
    renameSync(join(work, `${base}.key`), join(work, 'sp.key'));
    renameSync(join(work, `${base}.cert`), join(work, 'sp.cert'));
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, { name: 'Gemeente Interop', oin, bsnEntitled: true });
    await addSamlWebdienst({ ...adminDeps, environment: 'development' }, { organisationOin: oin, name: 'mellon SP', metadata: join(work, 'sp-metadata.xml'), responseBinding: 'post' });
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs test-basis in (REMOTE_USER s00000000:<BSN>) and mellon refuses a tampered Response', async () => {
    const result = await run('bash', [join(interopDir, 'saml-mod_auth_mellon', 'run.sh')], env, 200_000);
    expect(result.output, result.output.slice(-3000)).to.include(`PASS: mod_auth_mellon logged in as s00000000:${citizen.bsn}`);
    expect(result.output, result.output.slice(-3000)).to.include('PASS (negative): tampered SAMLResponse was rejected');
    expect(result.code).to.equal(0);
  });
});
