// Interop with a service provider nobody on this team wrote (issue 4): Debian's python3-pysaml2 runs
// /work/shared/interop/saml-pysaml2/run.sh against a running Poortwachter: signed HTTP-Redirect
// AuthnRequest, HTTP-POST Response (the webdienst is registered with --response-binding post), the
// seeded citizen test-basis logs in, REMOTE_USER must be s00000000:<BSN>, and the SP must refuse a
// Response whose BSN was altered in transit. At Midden the same SP program, registered as a webdienst
// with minimum level Midden, is walked through password and SMS code by interop-support.ts (the
// recipe's driver cannot read our SMS outbox). Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { freePort, startTestServer, type TestServer } from '../../support/server.ts';
import { browserLogin, interopDir, preparePysaml2Sp, run, startPysaml2Sp } from './interop-support.ts';

const citizen = testCitizens[0];
const middenCitizen = testCitizens[1];
const recipeSp = join(interopDir, 'saml-pysaml2', 'pysaml2_sp.py');

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
    await preparePysaml2Sp(server, {
      script: recipeSp,
      work,
      env,
      registration: { organisationName: 'Gemeente Interop', name: 'pysaml2 SP', responseBinding: 'post' },
    });
  });
  after(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs test-basis in (NameID s00000000:<BSN>) and the SP refuses a tampered Response', async () => {
    const result = await run('bash', [join(interopDir, 'saml-pysaml2', 'run.sh')], env, 200_000);
    expect(result.output, result.output.slice(-3000)).to.include(
      `PASS: pysaml2 SP logged in as s00000000:${citizen.bsn}`,
    );
    expect(result.output, result.output.slice(-3000)).to.include('PASS (negative): tampered SAMLResponse was rejected');
    expect(result.code).to.equal(0);
  });

  it('logs test-midden in at a Midden webdienst: password and SMS code, NameID s00000000:<BSN>', async () => {
    const sp = await startPysaml2Sp(server, { script: recipeSp, level: 'midden', responseBinding: 'post' });
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
