// Interop for the SOAP single logout we send (issue 5): Debian's python3-pysaml2 is the SAML webdienst
// at the other end (test/interop/pysaml2_logout_sp.py). It must accept our signed SOAP LogoutRequest (signature with
// our metadata, NameID, SessionIndex) and its signed SOAP LogoutResponse must count as confirmed, so the
// initiator gets a plain Success. Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createServices } from '../../../src/services.ts';
import { TestBrowser } from '../../support/browser.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { preparePysaml2Sp } from './interop-support.ts';
import { frontChannelSlo, logoutRedirectUrl, logoutRequestXml, redirectedLogoutResponse } from './logout-support.ts';
import { artifactFrom, first, idpCertificate, nextOin, ns, responseFromArtifactResponse, TestSp } from './test-sp.ts';

const spScript = join(process.cwd(), 'test', 'interop', 'pysaml2_logout_sp.py');
const citizen = testCitizens[0];

describe('SAML interop: pysaml2 (Debian) receiving our SOAP LogoutRequest', function () {
  this.timeout(120_000);
  let server: TestServer;
  let work: string;
  let endpoint: Server;
  let env: NodeJS.ProcessEnv;
  const pysaml2Said: string[] = [];

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'pysaml2-logout-sp-'));
    // The SP's SOAP SingleLogoutService: each request goes through pysaml2, its answer goes back.
    endpoint = createServer((request, response) => {
      const python = spawn('/usr/bin/python3', [spScript, 'soap'], {
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      python.stdout.on('data', (chunk) => (out += chunk));
      python.stderr.on('data', (chunk) => pysaml2Said.push(String(chunk)));
      python.on('close', (code) => response.writeHead(code === 0 ? 200 : 500, { 'content-type': 'text/xml' }).end(out));
      request.pipe(python.stdin);
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}`;
    env = { WORK: work, SP_ENTITY_ID: `${base}/pysaml2-logout-sp`, SP_BASE: base };
    await preparePysaml2Sp(server, { script: spScript, work, env });
  });
  after(async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('pysaml2 accepts our signed SOAP LogoutRequest and its signed LogoutResponse confirms the logout', async () => {
    const federation = 'pysaml2-logout';
    const { adminDeps } = createServices(server.config, server.store, systemClock);
    const oin = nextOin();
    await addOrganisation(adminDeps, { name: 'Gemeente Uitlog', oin, bsnEntitled: true });
    const pysaml2 = await addSamlWebdienst(
      { ...adminDeps, environment: 'development' },
      {
        organisationOin: oin,
        name: 'pysaml2 uitlogdienst',
        metadata: join(work, 'sp-metadata.xml'),
        federation,
        responseBinding: 'post',
      },
    );
    const initiator = await TestSp.register(server, {
      federation,
      name: 'Initiator',
      singleLogoutServices: (self) => [frontChannelSlo(self)],
    });

    const browser = new TestBrowser();
    const answer = await initiator.login(
      browser,
      await browser.get(initiator.redirectUrl(initiator.authnRequest().xml)),
      citizen.username,
      citizen.password,
    );
    const assertion = first(
      responseFromArtifactResponse(
        (await initiator.resolve(artifactFrom(answer).artifact)).xml,
        await idpCertificate(server),
      ).response!,
      ns.saml,
      'Assertion',
    )!;
    const nameId = first(assertion, ns.saml, 'NameID')!.textContent;
    const sessionIndex = first(assertion, ns.saml, 'AuthnStatement')!.getAttribute('SessionIndex')!;
    // pysaml2 logged in through the same session: its participant row, as a SAML login would write it.
    const initiatorRow = await server.store.findWebdienstByClientId(initiator.entityId);
    const session = await server.store.findSsoSessionByParticipant(initiatorRow!.id, sessionIndex);
    await server.store.addSsoParticipant({
      sessionId: session!.id,
      webdienstId: pysaml2.webdienst.id,
      protocol: 'saml',
      sessionRef: '_pysaml2-index',
      joinedAt: Date.now(),
    });

    const logout = await browser.get(
      logoutRedirectUrl(initiator, logoutRequestXml(initiator, { nameId, sessionIndexes: [sessionIndex] }).xml),
    );
    expect(logout.status, `${logout.body.slice(0, 200)}\n${pysaml2Said.join('')}`).to.equal(303);
    expect(
      redirectedLogoutResponse(logout.location!, await idpCertificate(server)).statusCodes,
      pysaml2Said.join(''),
    ).to.deep.equal(['urn:oasis:names:tc:SAML:2.0:status:Success']);
    expect(pysaml2Said.join('')).to.include(`NAMEID s00000000:${citizen.bsn} SESSIONINDEX ['_pysaml2-index']`);
  });
});
