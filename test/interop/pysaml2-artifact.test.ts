// Interop by HTTP-Artifact, the DigiD default: Debian's python3-pysaml2 as the SP
// (test/interop/pysaml2_artifact_sp.py) asks for the Response by artifact, gets SAMLart through the
// browser and resolves it itself with a signed SOAP ArtifactResolve at our ArtifactResolutionService,
// checking the signed ArtifactResponse, Response and Assertion. At Midden a second instance (a webdienst
// with minimum level Midden) is walked through password and SMS code; it resolves through a proxy that
// can change the ArtifactResponse in transit, which pysaml2 must refuse.
// Needs python3-pysaml2 and xmlsec1 (.ci/run installs them).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';
import { browserLogin } from './support/loopback-browser.ts';
import { debianPython } from './support/processes.ts';
import { interopScript, preparePysaml2Sp, startPysaml2Sp, type Pysaml2Sp } from './support/pysaml2.ts';

const spScript = interopScript('pysaml2_artifact_sp.py');
const citizen = testCitizens[0];
const middenCitizen = testCitizens[1];

/**
 * A reverse proxy that is the IdP's public URL for one test server: it passes every request through,
 * and while `tamper` is set it changes the answers of the ArtifactResolutionService (the back channel).
 */
async function startTamperingProxy(
  port: number,
  target: () => string,
): Promise<{ tamper?: (xml: string) => string; close(): Promise<void> }> {
  const proxy: { tamper?: (xml: string) => string; close(): Promise<void> } = { close: () => Promise.resolve() };
  const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(request.headers)
        .filter(([name]) => !['host', 'connection', 'content-length'].includes(name))
        .map(([name, value]) => [name, String(value)]),
    );
    const answer = await fetch(`${target()}${request.url}`, {
      method: request.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
      redirect: 'manual',
    });
    let body = Buffer.from(await answer.arrayBuffer());
    if (proxy.tamper && request.url === '/saml/artifact')
      body = Buffer.from(proxy.tamper(body.toString('utf8')), 'utf8');
    const out: Record<string, string | string[]> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'set-cookie'].includes(name))
        out[name] = value;
    });
    if (answer.headers.getSetCookie().length) out['set-cookie'] = answer.headers.getSetCookie();
    response.writeHead(answer.status, out);
    response.end(body);
  };
  // A rejection stays unhandled on purpose: mocha fails the running test on it.
  const http = createServer((request, response) => void forward(request, response));
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  proxy.close = () => new Promise<void>((resolve) => http.close(() => resolve()));
  return proxy;
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
    await preparePysaml2Sp(server, {
      script: spScript,
      work,
      env,
      registration: { organisationName: 'Gemeente Artefact', name: 'pysaml2 artifact SP', responseBinding: 'artifact' },
    });
    sp = spawn(debianPython, [spScript, 'serve'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sp.stdout!.on('data', (chunk) => (spLog += chunk));
    sp.stderr!.on('data', (chunk) => (spLog += chunk));
    for (let i = 0; i < 100; i += 1) {
      if (
        await fetch(`${spUrl}/`).then(
          () => true,
          () => false,
        )
      )
        break;
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
    const { page, passwordAsked } = await browserLogin(server, `${spUrl}/protected/whoami`, citizen);
    expect(passwordAsked).to.equal(true);
    expect(page.status, `${page.body.slice(0, 300)}\n--- SP log ---\n${spLog.slice(-2000)}`).to.equal(200);
    expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${citizen.bsn}\\b`));
    expect(spLog).to.include(`ACS accepted artifact: name_id=s00000000:${citizen.bsn}`);

    // The same SAMLart again (a replayed browser URL): the IdP answers RequestDenied, pysaml2 refuses.
    const artifactPath = spLog.match(/"GET (\/acs-artifact\?SAMLart=[^ ]+) HTTP/)?.[1];
    expect(artifactPath, spLog.slice(-1000)).to.be.a('string');
    const replay = await fetch(`${spUrl}${artifactPath}`, { redirect: 'manual' });
    expect(replay.status).to.equal(403);
    expect(await replay.text()).to.include('SAML artifact rejected');
  });

  describe('Midden, and a tampered ArtifactResponse', () => {
    let proxied: TestServer;
    let proxy: Awaited<ReturnType<typeof startTamperingProxy>>;
    let middenSp: Pysaml2Sp;
    before(async () => {
      // A server whose public URL is the proxy, so every endpoint in its metadata (and every
      // Destination pysaml2 signs) goes through the proxy.
      const proxyPort = await freePort();
      const serverPort = await freePort();
      proxy = await startTamperingProxy(proxyPort, () => `http://127.0.0.1:${serverPort}`);
      proxied = await startTestServer({ overrides: { port: serverPort, publicUrl: `http://127.0.0.1:${proxyPort}` } });
      middenSp = await startPysaml2Sp(proxied, { script: spScript, level: 'midden', responseBinding: 'artifact' });
    });
    after(async () => {
      await middenSp?.stop();
      await proxy?.close();
      await proxied?.stop();
    });

    it('logs test-midden in: password and SMS code; pysaml2 resolves the artifact and sees NameID s00000000:<BSN>', async () => {
      const { page, codeAsked } = await browserLogin(proxied, `${middenSp.url}/protected/whoami`, {
        username: middenCitizen.username,
        password: middenCitizen.password,
        smsTo: middenCitizen.phone,
      });
      expect(codeAsked, 'the SMS code was asked').to.equal(true);
      expect(page.status, `${page.body.slice(0, 300)}\n${middenSp.process.log().slice(-1500)}`).to.equal(200);
      expect(page.body).to.match(new RegExp(`AUTHENTICATED-AS: s00000000:${middenCitizen.bsn}\\b`));
      expect(middenSp.process.log()).to.include(`ACS accepted artifact: name_id=s00000000:${middenCitizen.bsn}`);
    });

    it('refuses an ArtifactResponse whose BSN was changed on the back channel', async () => {
      let changed = 0;
      proxy.tamper = (xml) =>
        xml.replaceAll(middenCitizen.bsn, () => {
          changed += 1;
          return '999990027';
        });
      try {
        const { page } = await browserLogin(proxied, `${middenSp.url}/protected/whoami`, {
          username: middenCitizen.username,
          password: middenCitizen.password,
          smsTo: middenCitizen.phone,
        });
        expect(changed, 'the BSN was in the ArtifactResponse and was changed').to.be.at.least(1);
        expect(page.status).to.equal(403);
        expect(page.body).to.include('SAML artifact rejected').and.not.include('AUTHENTICATED-AS');
        expect(middenSp.process.log()).to.not.include('name_id=s00000000:999990027');
      } finally {
        delete proxy.tamper;
      }
    });
  });
});
