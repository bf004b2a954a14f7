// HTTPS on the front channel without a proxy (TLS_CERT_FILE, TLS_KEY_FILE): the service answers over
// TLS with the configured certificate, and a renewed certificate put in place of the files is served
// to new connections within TLS_RELOAD_SECONDS, without a restart; a broken file keeps the old one.
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { capturedLogLines, freePort, startTestServer, type TestServer } from '../support/server.ts';
import { testPki, type TestPki } from '../support/test-pki.ts';

/** The status of GET path and the fingerprint of the certificate the server presented. */
function get(url: string, ca: string): Promise<{ status: number; fingerprint: string; hsts?: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { ca, agent: false, checkServerIdentity: () => undefined }, (response) => {
      response.resume();
      const certificate = (response.socket as import('node:tls').TLSSocket).getPeerX509Certificate()!;
      resolve({
        status: response.statusCode ?? 0,
        fingerprint: certificate.fingerprint256,
        ...(response.headers['strict-transport-security']
          ? { hsts: String(response.headers['strict-transport-security']) }
          : {}),
      });
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const waitFor = async (condition: () => Promise<boolean>, ms: number) => {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
};

describe('HTTPS front channel (TLS_CERT_FILE, TLS_KEY_FILE)', function () {
  this.timeout(120_000);
  let pki: TestPki;
  let server: TestServer;
  let dir: string;
  let ca: string;

  before(async () => {
    pki = testPki();
    ca = pki.root.certificatePem + pki.intermediate.certificatePem;
    dir = mkdtempSync(join(tmpdir(), 'poortwachter-tls-'));
    copyFileSync(pki.server.certificateFile, join(dir, 'server.pem'));
    copyFileSync(pki.server.keyFile, join(dir, 'server.key'));
    const port = await freePort();
    server = await startTestServer({
      overrides: {
        port,
        publicUrl: `https://127.0.0.1:${port}`,
        tls: { certificateFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), reloadSeconds: 1 },
      },
    });
  });
  after(() => server.stop());

  it('serves over TLS with the configured certificate', async () => {
    const answer = await get(`${server.url}/healthz`, ca);
    expect(answer.status).to.equal(200);
    expect(answer.fingerprint).to.equal(new X509Certificate(pki.server.certificatePem).fingerprint256);
  });

  it('serves a renewed certificate without a restart, and keeps it when a broken file appears', async () => {
    const renewed = new X509Certificate(pki.rolledOver.certificatePem).fingerprint256;
    copyFileSync(pki.rolledOver.keyFile, join(dir, 'server.key'));
    copyFileSync(pki.rolledOver.certificateFile, join(dir, 'server.pem'));
    expect(
      await waitFor(async () => (await get(`${server.url}/healthz`, ca)).fingerprint === renewed, 10_000),
      'the renewed certificate is served',
    ).to.equal(true);
    writeFileSync(join(dir, 'server.pem'), 'broken');
    expect(
      await waitFor(
        () =>
          Promise.resolve(
            capturedLogLines.some((line) => line.includes('TLS certificate files could not be read again')),
          ),
        10_000,
      ),
    ).to.equal(true);
    const answer = await get(`${server.url}/healthz`, ca);
    expect([answer.status, answer.fingerprint]).to.deep.equal([200, renewed]);
  });

  it('refuses to start with a certificate file it cannot read, naming it', async () => {
    const missing = join(dir, 'missing.pem');
    try {
      await startTestServer({ overrides: { tls: { certificateFile: missing, keyFile: join(dir, 'server.key') } } });
    } catch (error) {
      expect((error as Error).message).to.equal(
        `Invalid configuration: tls (TLS_CERT_FILE, TLS_KEY_FILE): cannot read ${missing}: ENOENT`,
      );
      return;
    }
    throw new Error('started');
  });
});
