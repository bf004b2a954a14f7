// /readyz in maintenance: 503 "maintenance" with the expected end, so a load balancer can
// drain or match on it; a failing check still wins, being the more urgent news; /healthz stays 200.
import { expect } from 'chai';
import Koa from 'koa';
import pino from 'pino';
import { healthRoutes, type MaintenanceProbe } from '../../src/http/health.ts';
import type { ReadinessCheck } from '../../src/http/health-checks.ts';

async function probe(checks: ReadinessCheck[], maintenance: MaintenanceProbe) {
  const app = new Koa();
  app.use(
    healthRoutes({ checks, lifecycle: { draining: false }, logger: pino({ level: 'silent' }), maintenance }).routes(),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const ready = await fetch(`${url}/readyz`);
    return {
      status: ready.status,
      body: (await ready.json()) as Record<string, unknown>,
      healthz: (await fetch(`${url}/healthz`)).status,
    };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const passing: ReadinessCheck = { name: 'database', run: async () => {} };

describe('/readyz in maintenance (src/http/health.ts)', () => {
  it('answers 503 "maintenance" with the reason and the expected end, the checks passing, /healthz 200', async () => {
    const until = Date.parse('2026-03-07T23:00:00Z');
    const answer = await probe([passing], () => Promise.resolve({ expectedEndAt: until }));
    expect(answer.status).to.equal(503);
    expect(answer.body).to.deep.equal({
      status: 'maintenance',
      reason: 'maintenance mode is on: `poortwachter maintenance off` ends it',
      until: '2026-03-07T23:00:00.000Z',
      checks: { database: { ok: true } },
    });
    expect(answer.healthz).to.equal(200);
  });

  it('reports a failing check as not_ready, not as maintenance', async () => {
    const failing: ReadinessCheck = {
      name: 'database',
      run: () => Promise.reject(new Error('the database does not answer')),
    };
    const answer = await probe([failing], () => Promise.resolve({ expectedEndAt: null }));
    expect(answer.status).to.equal(503);
    expect(answer.body.status).to.equal('not_ready');
  });

  it('is ready when maintenance is off', async () => {
    expect((await probe([passing], () => Promise.resolve(undefined))).status).to.equal(200);
  });
});
