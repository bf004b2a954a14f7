// Interop for the SOAP single logout we send: Debian's python3-pysaml2 is the SAML webdienst
// at the other end (test/interop/pysaml2_logout_sp.py). It must accept our signed SOAP LogoutRequest (signature with
// our metadata, NameID, SessionIndex) and its signed SOAP LogoutResponse must count as confirmed, so the
// initiator gets a plain Success. Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { TestBrowser } from '../support/browser.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';
import { debianPython, startSpProcess, type SpProcess } from './support/processes.ts';
import { interopScript, preparePysaml2Sp } from './support/pysaml2.ts';
import {
  frontChannelSlo,
  logoutRedirectUrl,
  logoutRequestXml,
  redirectedLogoutResponse,
} from '../frontends/saml/logout-support.ts';
import {
  artifactFrom,
  first,
  idpCertificate,
  nextOin,
  ns,
  responseFromArtifactResponse,
  TestSp,
} from '../frontends/saml/test-sp.ts';

const spScript = interopScript('pysaml2_logout_sp.py');
const citizen = testCitizens[0];

describe('SAML interop: pysaml2 (Debian) receiving our SOAP LogoutRequest', function () {
  this.timeout(120_000);
  let server: TestServer;
  let work: string;
  let sp: SpProcess | undefined;
  let env: NodeJS.ProcessEnv;
  const pysaml2Said = (): string => sp?.log() ?? '';

  before(async () => {
    server = await startTestServer();
    work = mkdtempSync(join(tmpdir(), 'pysaml2-logout-sp-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    env = { WORK: work, SP_ENTITY_ID: `${base}/pysaml2-logout-sp`, SP_BASE: base, SP_PORT: String(port) };
    await preparePysaml2Sp(server, { script: spScript, work, env });
    // The SP's SOAP SingleLogoutService: pysaml2 behind a WSGI server, started before any logout.
    sp = await startSpProcess(debianPython, [spScript, 'serve'], env, `${base}/`);
  });
  after(async () => {
    await sp?.stop();
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
    expect(logout.status, `${logout.body.slice(0, 3000)}\n${pysaml2Said()}`).to.equal(303);
    expect(
      redirectedLogoutResponse(logout.location!, await idpCertificate(server)).statusCodes,
      pysaml2Said(),
    ).to.deep.equal(['urn:oasis:names:tc:SAML:2.0:status:Success']);
    expect(pysaml2Said()).to.include(`NAMEID s00000000:${citizen.bsn} SESSIONINDEX ['_pysaml2-index']`);
  });
});
