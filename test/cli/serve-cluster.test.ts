// Several processes on one database.
// - `poortwachter serve --workers 2`: two processes behind one port serve one OIDC login, the
//   requests of the flow spread over both workers (every request on a new connection, which the
//   primary hands to the workers in turn), and SIGTERM stops them all.
// - Two `poortwachter serve` processes behind a load balancer that alternates strictly (request k to
//   process k mod 2, test/support/alternating-proxy.ts): a full OIDC login and a full SAML login
//   (signed AuthnRequest by Redirect, password, artifact resolved by SOAP) where every request of
//   the flow reaches the other process than the request before it.
import { availableParallelism } from 'node:os';
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { testCitizens } from '../../seeds/development.ts';
import { loadConfig } from '../../config/index.ts';
import { workerEnvironment } from '../../src/cli/serve-cluster.ts';
import { openStore } from '../../src/stores/index.ts';
import { TestBrowser } from '../support/browser.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { freePort, testConfig, type TestServer } from '../support/server.ts';
import { startCli, stopCli, waitForOutput, type CliProcess } from '../support/cli.ts';
import { startSecondProcess, stopSecondProcess, type SecondProcess } from '../support/second-process.ts';
import { startAlternatingProxy, type AlternatingProxy, type ProxiedRequest } from '../support/alternating-proxy.ts';
import {
  artifactFrom,
  first,
  idpCertificate,
  ns,
  responseFromArtifactResponse,
  TestSp,
} from '../frontends/saml/test-sp.ts';

const citizen = testCitizens[0];

describe('poortwachter serve --workers N: what each worker is given', () => {
  it('a share of the cores for argon2id, so the workers together hash on as many threads as there are cores', () => {
    expect(workerEnvironment(loadConfig({}), 2)).to.deep.equal({
      PASSWORD_HASH_CONCURRENCY: String(Math.max(1, Math.floor(availableParallelism() / 2))),
    });
    expect(workerEnvironment(loadConfig({}), 64), 'never less than one').to.deep.equal({
      PASSWORD_HASH_CONCURRENCY: '1',
    });
  });

  it("nothing when PASSWORD_HASH_CONCURRENCY is configured: the operator's number holds in every worker", () => {
    expect(workerEnvironment(loadConfig({ PASSWORD_HASH_CONCURRENCY: '3' }), 2)).to.deep.equal({});
  });
});

function serveWorkers(databaseUrl: string, port: number): CliProcess {
  return startCli(['serve', '--workers', '2'], {
    POORTWACHTER_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
  });
}

for (const kind of databaseKinds) {
  describe(`poortwachter serve --workers 2 (${kind})`, function () {
    this.timeout(90_000);

    it('serves one OIDC login with its requests spread over both workers, and stops on SIGTERM', async () => {
      const database = await createTestDatabase(kind);
      const port = await freePort();
      const served = serveWorkers(database.url, port);
      await waitForOutput(served, 'Poortwachter workers listening');
      await waitForOutput(served, `Poortwachter is running: open http://127.0.0.1:${port}/ and log in as test citizen`);
      const config = await testConfig(database.url, { port });
      const store = openStore(database.url);
      try {
        const server = { config, store, url: config.publicUrl } as TestServer;
        const rp = await RelyingParty.register(server);
        const { tokens } = await rp.login(new TestBrowser({ connection: 'close' }), citizen.username, citizen.password);
        expect(tokens.claims()!.bsn).to.equal(citizen.bsn);

        const requests = served
          .output()
          .split('\n')
          .filter((line) => line.includes('"msg":"request"'))
          .map((line) => JSON.parse(line) as { worker: number; path: string });
        const workersOfLogin = new Set(
          requests.filter((request) => /^\/(auth|inloggen|token)/.test(request.path)).map((request) => request.worker),
        );
        expect([...workersOfLogin].sort()).to.deep.equal([1, 2]);

        process.kill(-served.child.pid!, 'SIGTERM');
        expect(await served.exited, served.output()).to.equal(0);
      } finally {
        await stopCli(served.child);
        await store.close();
        await database.drop();
      }
    });
  });
}

for (const kind of databaseKinds) {
  describe(`poortwachter serve: SIGTERM while it starts (${kind})`, function () {
    this.timeout(90_000);

    for (const workers of [1, 2]) {
      it(`with ${workers} worker${workers > 1 ? 's' : ''}: finishes the start, then stops cleanly with exit status 0`, async () => {
        const database = await createTestDatabase(kind);
        const port = await freePort();
        // On a fresh database the start logs the migrations it applied, before keys, seed and listen.
        const served = startCli(['serve', '--workers', String(workers)], {
          POORTWACHTER_ENV: 'development',
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          DATABASE_URL: database.url,
          LOG_LEVEL: 'info',
        });
        try {
          await waitForOutput(served, 'migrations applied');
          process.kill(-served.child.pid!, 'SIGTERM');
          expect(await served.exited, served.output()).to.equal(0);
          expect(served.output()).to.not.match(/"level":(50|60)/);
        } finally {
          await stopCli(served.child);
          await database.drop();
        }
      });
    }
  });
}

/** Every request after the first went to the other process than the one before it, and both took part. */
function expectAlternated(requests: ProxiedRequest[]): void {
  const trace = requests
    .map((request) => `${request.backend} ${request.method} ${request.path} -> ${request.status}`)
    .join('\n');
  for (let i = 1; i < requests.length; i += 1)
    expect(requests[i]!.backend, trace).to.not.equal(requests[i - 1]!.backend);
  expect(new Set(requests.map((request) => request.backend)).size, trace).to.equal(2);
}

for (const kind of databaseKinds) {
  describe(`two processes on one database, every request to the other one (${kind})`, function () {
    this.timeout(120_000);
    let database: TestDatabase;
    let proxy: AlternatingProxy;
    const processes: SecondProcess[] = [];
    let server: TestServer;

    before(async () => {
      database = await createTestDatabase(kind);
      proxy = await startAlternatingProxy();
      // Both processes have the proxy's address as PUBLIC_URL (issuer, SAML entityID, Origin check).
      // The first starts alone: it migrates, seeds and creates the keys the second one then loads.
      const publicFace = { url: proxy.url, database } as TestServer;
      for (let i = 0; i < 2; i += 1) processes.push(await startSecondProcess(publicFace));
      proxy.backends.push(...processes.map((process) => process.url));
      const config = await testConfig(database.url, { port: proxy.port });
      server = { config, store: openStore(database.url), url: proxy.url, database } as TestServer;
    });
    after(async () => {
      await Promise.all(processes.map((process) => stopSecondProcess(process.child)));
      await proxy?.close();
      await server?.store.close();
      await database?.drop();
    });

    it('serves a full OIDC login: authorize, login page, password, resume, token, userinfo', async () => {
      const rp = await RelyingParty.register(server);
      const from = proxy.log.length;
      const { tokens } = await rp.login(new TestBrowser(), citizen.username, citizen.password);
      expect(tokens.claims()!.bsn).to.equal(citizen.bsn);
      const userinfo = await oidc.fetchUserInfo(rp.configuration, tokens.access_token, tokens.claims()!.sub);
      expect(userinfo.sub).to.equal(tokens.claims()!.sub);
      const flow = proxy.log.slice(from);
      expect(
        flow.map((request) => `${request.method} ${request.path.replace(/\/[^/]{16,}/g, '/:id')}`),
      ).to.include.members([
        'GET /auth',
        'GET /inloggen/:id',
        'POST /inloggen/:id',
        'GET /auth/:id',
        'POST /token',
        'GET /me',
      ]);
      expectAlternated(flow);
    });

    it('serves a full SAML login: signed AuthnRequest by Redirect, password, artifact issued by one process and resolved at the other', async () => {
      const sp = await TestSp.register(server);
      const certificate = await idpCertificate(server);
      const from = proxy.log.length;
      const browser = new TestBrowser();
      const start = await browser.get(sp.redirectUrl(sp.authnRequest().xml, { relayState: 'aanvraag-42' }));
      const atAcs = await sp.login(browser, start, citizen.username, citizen.password);
      const { artifact, relayState } = artifactFrom(atAcs);
      expect(relayState).to.equal('aanvraag-42');
      const resolved = responseFromArtifactResponse((await sp.resolve(artifact)).xml, certificate);
      expect(resolved.status).to.equal('urn:oasis:names:tc:SAML:2.0:status:Success');
      expect(first(first(resolved.response!, ns.saml, 'Assertion')!, ns.saml, 'NameID')!.textContent).to.equal(
        `s00000000:${citizen.bsn}`,
      );

      const flow = proxy.log.slice(from);
      expect(flow.map((request) => `${request.method} ${request.path.replace(/\/[^/]{16,}$/, '/:id')}`)).to.deep.equal([
        'GET /saml/sso',
        'GET /inloggen/:id',
        'POST /inloggen/:id',
        'GET /saml/resume/:id',
        'POST /saml/artifact',
      ]);
      expectAlternated(flow);
      const [issued, resolvedAt] = flow.slice(-2);
      expect(
        resolvedAt!.backend,
        'the artifact is resolved at the other process than the one that issued it',
      ).to.not.equal(issued!.backend);
    });
  });
}
