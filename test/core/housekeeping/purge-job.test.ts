// The purge job as it runs: every PURGE_INTERVAL_SECONDS in `serve`, counted in /metrics per kind,
// and on demand as `poortwachter maintenance purge`, audited.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { runCliOn } from '../../support/cli.ts';
import type { LoginAttemptRow, Store } from '../../../src/stores/index.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';

function expiredAttempt(): LoginAttemptRow {
  const now = Date.now();
  return {
    id: randomUUID(),
    browserBinding: randomUUID(),
    protocol: 'oidc',
    protocolRef: `interaction-${randomUUID()}`,
    webdienstId: randomUUID(),
    requiredLevel: 'basis',
    forceAuthentication: false,
    resumeUrl: 'http://127.0.0.1:3000/interaction/abc',
    status: 'pending',
    citizenId: null,
    levelReached: null,
    authenticatedAt: null,
    createdAt: now - 20 * 60_000,
    expiresAt: now - 60_000,
    stage: 'password',
    secondFactorMethod: null,
  };
}

async function addExpiredAttempts(store: Store, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const attempt = expiredAttempt();
    await store.insertLoginAttempt(attempt);
    ids.push(attempt.id);
  }
  return ids;
}

async function purgedMetric(server: TestServer, kind: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`poortwachter_purged_rows_total{kind="${kind}"}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('the purge job of serve (src/core/housekeeping/purge-schedule.ts)', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { PURGE_INTERVAL_SECONDS: '1' } });
  });
  after(() => server.stop());

  it('purges expired rows every interval and counts them in /metrics per kind', async () => {
    expect(await purgedMetric(server, 'throttles'), 'every kind is there from the start').to.equal(0);
    const before = (await purgedMetric(server, 'login_attempts')) ?? 0;
    const ids = await addExpiredAttempts(server.store, 3);
    const started = Date.now();
    while ((await server.store.findLoginAttempt(ids[2]!)) !== undefined) {
      expect(Date.now() - started, 'purged within a few intervals').to.be.below(10_000);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (const id of ids) expect(await server.store.findLoginAttempt(id)).to.equal(undefined);
    expect(await purgedMetric(server, 'login_attempts')).to.be.at.least(before + 3);
  });
});

describe('poortwachter maintenance purge (src/cli/maintenance.ts)', function () {
  this.timeout(120_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { PURGE_INTERVAL_SECONDS: '0' } });
  });
  after(() => server.stop());

  it('purges now, prints the rows per kind, and audits the run', async () => {
    const ids = await addExpiredAttempts(server.store, 2);
    const run = await runCliOn(server.database.url, ['maintenance', 'purge', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const printed = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(printed).to.deep.include({ ran: true, complete: true, login_attempts: 2 });
    for (const id of ids) expect(await server.store.findLoginAttempt(id)).to.equal(undefined);
    const [event] = await server.store.listAuditEvents({ type: 'housekeeping.purge' });
    expect(event).to.deep.include({ outcome: 'success' });
    expect(event!.details).to.deep.include({ login_attempts: 2 });
  });
});
