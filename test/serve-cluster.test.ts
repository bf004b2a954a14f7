// `poortwachter serve --workers 2` (issue 6): two processes behind one port serve one OIDC login, the
// requests of the flow spread over both workers (every request on a new connection, which the
// primary hands to the workers in turn), and SIGTERM stops them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { testCitizens } from '../seeds/development.ts';
import { openStore } from '../src/stores/index.ts';
import { TestBrowser } from './support/browser.ts';
import { createTestDatabase, databaseKinds } from './support/databases.ts';
import { RelyingParty } from './support/relying-party.ts';
import { freePort, testConfig, type TestServer } from './support/server.ts';
import { stopSecondProcess } from './support/second-process.ts';

const citizen = testCitizens[0];

async function serveWorkers(databaseUrl: string, port: number): Promise<{ child: ChildProcess; output: () => string }> {
  let output = '';
  const child = spawn('node_modules/.bin/tsx', ['src/cli.ts', 'serve', '--workers', '2'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, POORTWACHTER_ENV: 'development', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 45_000;
  while (!output.includes('Poortwachter workers listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`serve --workers 2 did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { child, output: () => output };
}

for (const kind of databaseKinds) {
  describe(`poortwachter serve --workers 2 (${kind})`, function () {
    this.timeout(90_000);

    it('serves one OIDC login with its requests spread over both workers, and stops on SIGTERM', async () => {
      const database = await createTestDatabase(kind);
      const port = await freePort();
      const served = await serveWorkers(database.url, port);
      const config = await testConfig(database.url, { port });
      const store = openStore(database.url);
      try {
        const server = { config, store, url: config.publicUrl } as TestServer;
        const rp = await RelyingParty.register(server);
        const { tokens } = await rp.login(new TestBrowser({ connection: 'close' }), citizen.username, citizen.password);
        expect(tokens.claims()!.bsn).to.equal(citizen.bsn);

        const requests = served.output().split('\n').filter((line) => line.includes('"msg":"request"')).map((line) => JSON.parse(line) as { worker: number; path: string });
        const workersOfLogin = new Set(requests.filter((request) => /^\/(auth|inloggen|token)/.test(request.path)).map((request) => request.worker));
        expect([...workersOfLogin].sort()).to.deep.equal([1, 2]);

        const exited = new Promise((resolve) => served.child.once('exit', (code) => resolve(code)));
        process.kill(-served.child.pid!, 'SIGTERM');
        expect(await exited).to.equal(0);
      } finally {
        await stopSecondProcess(served.child);
        await store.close();
        await database.drop();
      }
    });
  });
}
