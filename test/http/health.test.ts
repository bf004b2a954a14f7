// /healthz and /readyz: the process is up; the process can serve logins
// (database, keys, migrations) or says, without secrets, which check fails. Readiness fails when
// the database goes away after start, and comes back with it.
import { expect } from 'chai';
import Koa from 'koa';
import pino from 'pino';
import { healthRoutes, type Lifecycle } from '../../src/http/health.ts';
import { readinessChecks, type ReadinessCheck } from '../../src/http/health-checks.ts';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startTestServerBehindRelay } from '../support/tcp-relay.ts';

async function readyz(url: string) {
  const response = await fetch(`${url}/readyz`);
  return {
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
    body: (await response.json()) as {
      status: string;
      checks?: Record<string, { ok: boolean; reason?: string }>;
      reason?: string;
    },
  };
}

/** The health routes alone on a port, with checks and a lifecycle the test controls. */
async function healthApp(checks: ReadinessCheck[], lifecycle: Lifecycle = { draining: false }) {
  const app = new Koa();
  app.use(healthRoutes({ checks, lifecycle, logger: pino({ level: 'silent' }) }).routes());
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}

const keys = { signingKeys: [{ kid: 'k1' }], cookieKeys: ['c'.repeat(32)] };

describe('health routes (src/http/health.ts)', () => {
  it('answers /readyz 503 with "draining" once shutdown has started, without running the checks', async () => {
    let ran = false;
    const check: ReadinessCheck = {
      name: 'database',
      run: () => {
        ran = true;
        return Promise.resolve();
      },
    };
    const app = await healthApp([check], { draining: true });
    try {
      const { status, body } = await readyz(app.url);
      expect(status).to.equal(503);
      expect(body.status).to.equal('draining');
      expect(ran).to.equal(false);
    } finally {
      await app.close();
    }
  });

  it('names each failing check with its reason, and the passing ones as ok', async () => {
    const checks = readinessChecks({
      store: {
        ping: () =>
          Promise.reject(
            Object.assign(new Error('password authentication failed for user "poortwachter" (geheim-wachtwoord)'), {
              code: '28P01',
            }),
          ),
        pendingMigrations: () => Promise.resolve(['009-next']),
      },
      keys,
    });
    const app = await healthApp(checks);
    try {
      const { status, body, cacheControl } = await readyz(app.url);
      expect(status).to.equal(503);
      expect(cacheControl).to.equal('no-store');
      expect(body).to.deep.equal({
        status: 'not_ready',
        checks: {
          database: { ok: false, reason: 'the database does not answer (28P01)' },
          keys: { ok: true },
          migrations: { ok: false, reason: '1 migration(s) pending: run poortwachter migrate' },
        },
      });
    } finally {
      await app.close();
    }
  });

  it('fails the keys check when no signing key is loaded', async () => {
    const [, keysCheck] = readinessChecks({
      store: { ping: async () => {}, pendingMigrations: () => Promise.resolve([]) },
      keys: { signingKeys: [], cookieKeys: [] },
    });
    await keysCheck!.run().then(
      () => expect.fail('the keys check passed without keys'),
      (error: Error) => expect(error.message).to.equal('no signing or cookie keys loaded'),
    );
  });

  it('gives up on a check that hangs, within the probe timeout', async function () {
    this.timeout(10_000);
    const app = await healthApp([{ name: 'database', run: () => new Promise(() => {}) }]);
    try {
      const started = Date.now();
      const { status, body } = await readyz(app.url);
      expect(status).to.equal(503);
      expect(body.checks!.database!.reason).to.match(/no answer within \d+ ms/);
      expect(Date.now() - started).to.be.below(5000);
    } finally {
      await app.close();
    }
  });
});

for (const kind of databaseKinds) {
  describe(`health endpoints of a running server (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('answers /healthz 200 with a tiny JSON body', async () => {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(await response.json()).to.deep.equal({ status: 'ok' });
    });

    it('answers /readyz 200 when the database answers, the keys are loaded and the migrations are current', async () => {
      const { status, body } = await readyz(server.url);
      expect(status).to.equal(200);
      expect(body).to.deep.equal({
        status: 'ready',
        checks: { database: { ok: true }, keys: { ok: true }, migrations: { ok: true } },
      });
    });
  });
}

describe('readiness when the database goes away after start (sqlite)', () => {
  it('answers /readyz 503 naming the database once the store is closed, and nothing secret', async () => {
    const server = await startTestServer({ kind: 'sqlite' });
    try {
      await server.store.close();
      const { status, body } = await readyz(server.url);
      expect(status).to.equal(503);
      expect(body.checks!.database).to.deep.include({ ok: false });
      expect(body.checks!.database!.reason).to.match(/^the database does not answer/);
      expect(JSON.stringify(body)).to.not.include(server.database.url.slice('sqlite:'.length));
      const healthz = await fetch(`${server.url}/healthz`);
      expect(healthz.status, '/healthz: the process itself is still up').to.equal(200);
    } finally {
      // The store is closed already, so stop() may fail before it drops the database.
      await server.stop().catch(() => undefined);
      await server.database.drop();
    }
  });
});

if (databaseKinds.includes('postgres')) {
  describe('readiness when the database goes away after start (postgres)', () => {
    it('answers /readyz 503 naming the database while PostgreSQL is unreachable, and 200 again when it is back', async function () {
      this.timeout(60_000);
      const { server, relay, databasePassword, stop } = await startTestServerBehindRelay();
      try {
        expect((await readyz(server.url)).status).to.equal(200);
        await relay.cut();
        const down = await readyz(server.url);
        expect(down.status).to.equal(503);
        expect(down.body.status).to.equal('not_ready');
        expect(down.body.checks!.database!.ok).to.equal(false);
        expect(down.body.checks!.database!.reason).to.match(/the database does not answer|no answer within/);
        expect(JSON.stringify(down.body)).to.not.include(databasePassword);
        expect(down.body.checks!.keys).to.deep.equal({ ok: true });
        await relay.open();
        let back = await readyz(server.url);
        for (let tries = 0; back.status !== 200 && tries < 20; tries += 1) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          back = await readyz(server.url);
        }
        expect(back.status).to.equal(200);
      } finally {
        await stop();
      }
    });
  });
}
