// Housekeeping: one purge job deletes what has expired (throttles, login attempts, codes, SAML state,
// SSO sessions, oidc-provider payloads, account sessions) and nothing else, in bounded batches, one
// process at a time, counted per kind.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createAuditLog } from '../../../src/core/audit.ts';
import type { Clock } from '../../../src/core/clock.ts';
import {
  purgeExpiredRows,
  purgeKinds,
  type PurgeKind,
  type PurgeSettings,
} from '../../../src/core/housekeeping/purge-expired.ts';
import type { LoginAttemptRow, Store } from '../../../src/stores/index.ts';
import { databaseKinds } from '../../support/databases.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

const minute = 60_000;
const hour = 60 * minute;
const now = Date.UTC(2026, 5, 1, 12, 0, 0);
const clock: Clock = { now: () => now };

const settings: PurgeSettings = {
  batchSize: 10,
  timeBudgetMs: 60_000,
  throttleRetentionMs: 7 * 24 * hour,
  throttleWindowMs: 24 * hour,
  ssoIdleMs: 15 * minute,
  ssoAbsoluteMs: 3 * hour,
};

function attempt(id: string, expiresAt: number): LoginAttemptRow {
  return {
    id,
    browserBinding: randomUUID(),
    protocol: 'oidc',
    protocolRef: `interaction-${id}`,
    webdienstId: randomUUID(),
    requiredLevel: 'basis',
    forceAuthentication: false,
    resumeUrl: 'http://127.0.0.1:3000/interaction/abc',
    status: 'pending',
    citizenId: null,
    levelReached: null,
    authenticatedAt: null,
    createdAt: expiresAt - 15 * minute,
    expiresAt,
    stage: 'password',
    secondFactorMethod: null,
  };
}

/** One expired and one live row of every kind; the ids say which is which. */
async function seed(store: Store): Promise<void> {
  for (const [state, expiresAt] of [
    ['expired', now - 1000],
    ['live', now + 10 * minute],
  ] as const) {
    await store.insertLoginAttempt(attempt(`attempt-${state}`, expiresAt));
    await store.insertOneTimeCode({
      id: `code-${state}`,
      attemptId: `attempt-${state}`,
      citizenId: 'citizen-1',
      codeHash: 'hash',
      wrongTries: 0,
      createdAt: expiresAt - 5 * minute,
      expiresAt,
      usedAt: null,
    });
    await store.insertSamlRequest({
      id: `request-${state}`,
      webdienstId: 'webdienst-1',
      requestId: `_${state}`,
      browserBinding: 'binding',
      payload: {},
      createdAt: expiresAt - 5 * minute,
      expiresAt,
    });
    await store.insertSamlArtifact({
      id: `artifact-${state}`,
      webdienstId: 'webdienst-1',
      responseXml: '<Response/>',
      createdAt: expiresAt - minute,
      expiresAt,
    });
    await store.upsertOidcPayload('AccessToken', `token-${state}`, {}, expiresAt);
    await store.insertAccountSession({
      id: `account-${state}`,
      citizenId: 'citizen-1',
      level: 'basis',
      createdAt: expiresAt - 15 * minute,
      expiresAt,
      pendingPhone: null,
      pendingPhoneRef: null,
    });
  }
  await store.upsertOidcPayload('Grant', 'grant-forever', {}, null);
  // SSO: one live, one past its idle timeout, one past its absolute timeout, one ended.
  const sso = async (id: string, authenticatedAt: number, lastActivityAt: number, ended: boolean) => {
    await store.saveSsoAuthentication({
      id,
      browserId: `browser-${id}`,
      federation: 'gemeente',
      citizenId: 'citizen-1',
      level: 'basis',
      authenticatedAt,
      startedAt: authenticatedAt,
      lastActivityAt,
      clientAddress: '192.0.2.1',
    });
    await store.addSsoParticipant({
      sessionId: id,
      webdienstId: 'webdienst-1',
      protocol: 'oidc',
      sessionRef: `sid-${id}`,
      joinedAt: authenticatedAt,
    });
    if (ended) await store.endSsoSession(id, now - minute);
  };
  await sso('sso-live', now - hour, now - minute, false);
  await sso('sso-idle', now - hour, now - 20 * minute, false);
  await sso('sso-absolute', now - 4 * hour, now - minute, false);
  await sso('sso-ended', now - hour, now - minute, true);
  // Throttles: quiet for over a week (window started 9 days ago, so the last failure is 8+ days old),
  // quiet for less (window started 2 days ago), and one still delaying the next attempt.
  await store.incrementThrottleFailures('account:quiet', now - 9 * 24 * hour, 0);
  await store.incrementThrottleFailures('account:recent', now - 2 * 24 * hour, 0);
  await store.incrementThrottleFailures('account:blocked', now - 9 * 24 * hour, 0);
  await store.blockThrottleUntil('account:blocked', now + minute);
}

async function remaining(store: Store) {
  return {
    attempts: [await store.findLoginAttempt('attempt-expired'), await store.findLoginAttempt('attempt-live')].map(
      (row) => row?.id,
    ),
    codes: [
      (await store.findLatestOneTimeCode('attempt-expired', 'citizen-1'))?.id,
      (await store.findLatestOneTimeCode('attempt-live', 'citizen-1'))?.id,
    ],
    requests: [(await store.findSamlRequest('request-expired'))?.id, (await store.findSamlRequest('request-live'))?.id],
    // findOidcPayload hides expired rows anyway; look one millisecond before their expiry.
    payloads: [
      (await store.findOidcPayload('AccessToken', 'token-expired', now - 2000)) !== undefined,
      (await store.findOidcPayload('AccessToken', 'token-live', now)) !== undefined,
      (await store.findOidcPayload('Grant', 'grant-forever', now)) !== undefined,
    ],
    accounts: [
      (await store.findAccountSession('account-expired', now - 2000))?.id,
      (await store.findAccountSession('account-live', now))?.id,
    ],
    sso: await Promise.all(
      ['sso-live', 'sso-idle', 'sso-absolute', 'sso-ended'].map(async (id) => ({
        id,
        session: (await store.findSsoSession(id)) !== undefined,
        participants: (await store.listSsoParticipants(id)).length,
      })),
    ),
    throttles: {
      quiet: (await store.findThrottle('account:quiet')) !== undefined,
      recent: (await store.findThrottle('account:recent')) !== undefined,
      blocked: (await store.findThrottle('account:blocked')) !== undefined,
    },
  };
}

for (const kind of databaseKinds) {
  describe(`purge of expired rows (src/core/housekeeping/purge-expired.ts, ${kind})`, function () {
    this.timeout(30_000);
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(async () => {
      await opened.close();
    });

    it('deletes every expired row of every kind and keeps every live one', async () => {
      await seed(opened.store);
      const counted: Partial<Record<PurgeKind, number>> = {};
      const report = await purgeExpiredRows({
        store: opened.store,
        clock,
        settings,
        onPurged: (purged, rows) => (counted[purged] = (counted[purged] ?? 0) + rows),
      });
      expect(report).to.deep.include({ ran: true, complete: true });
      expect(report.purged).to.deep.equal({
        login_attempts: 1,
        one_time_codes: 1,
        saml_requests: 1,
        saml_artifacts: 1,
        sso_sessions: 3,
        oidc_payloads: 1,
        account_sessions: 1,
        throttles: 1,
      });
      expect(counted).to.deep.equal(report.purged);
      const left = await remaining(opened.store);
      expect(left.attempts).to.deep.equal([undefined, 'attempt-live']);
      expect(left.codes).to.deep.equal([undefined, 'code-live']);
      expect(left.requests).to.deep.equal([undefined, 'request-live']);
      expect(left.payloads).to.deep.equal([false, true, true]);
      expect(left.accounts).to.deep.equal([undefined, 'account-live']);
      expect(left.sso).to.deep.equal([
        { id: 'sso-live', session: true, participants: 1 },
        { id: 'sso-idle', session: false, participants: 0 },
        { id: 'sso-absolute', session: false, participants: 0 },
        { id: 'sso-ended', session: false, participants: 0 },
      ]);
      expect(left.throttles).to.deep.equal({ quiet: false, recent: true, blocked: true });
      expect(await opened.store.takeSamlArtifact('artifact-live', 'webdienst-1', now)).to.equal('<Response/>');
    });

    it('deletes in batches of the configured size until all are gone', async () => {
      const statements: number[] = [];
      const store = opened.store;
      for (let index = 0; index < 25; index += 1)
        await store.insertLoginAttempt(attempt(`old-${String(index).padStart(2, '0')}`, now - 1000));
      const counting: Store = {
        ...store,
        purgeExpiredLoginAttempts: async (at, limit) => {
          const rows = await store.purgeExpiredLoginAttempts(at, limit);
          statements.push(rows);
          return rows;
        },
      };
      const report = await purgeExpiredRows({ store: counting, clock, settings });
      expect(report.purged.login_attempts).to.equal(25);
      expect(statements).to.deep.equal([10, 10, 5]);
    });

    it('stops at the time budget and leaves the rest for the next run', async () => {
      for (let index = 0; index < 3; index += 1)
        await opened.store.insertLoginAttempt(attempt(`old-${index}`, now - 1));
      const report = await purgeExpiredRows({
        store: opened.store,
        clock,
        settings: { ...settings, timeBudgetMs: -1 },
      });
      expect(report).to.deep.include({ ran: true, complete: false });
      expect(report.purged.login_attempts).to.equal(0);
      expect((await purgeExpiredRows({ store: opened.store, clock, settings })).purged.login_attempts).to.equal(3);
    });

    it('lets only one process purge at a time; the other does nothing and says so', async () => {
      await opened.store.insertLoginAttempt(attempt('old', now - 1));
      // A second process (its own connections on PostgreSQL; on sqlite, the same process) tries while the first runs.
      const other = kind === 'postgres' ? opened.another() : opened.store;
      let inner: Awaited<ReturnType<typeof purgeExpiredRows>> | undefined;
      const holder = await opened.store.withPurgeLock(async () => {
        inner = await purgeExpiredRows({ store: other, clock, settings });
        return 'held';
      });
      expect(holder).to.deep.equal({ value: 'held' });
      expect(inner).to.deep.include({ ran: false, complete: false });
      expect(Object.values(inner!.purged).every((rows) => rows === 0)).to.equal(true);
      expect(await opened.store.findLoginAttempt('old'), 'nothing deleted by the refused run').to.not.equal(undefined);
      const after = await purgeExpiredRows({ store: other, clock, settings });
      expect(after).to.deep.include({ ran: true, complete: true });
      expect(after.purged.login_attempts, 'the lock is free again afterwards').to.equal(1);
    });

    it('audits a run an operator started, with the rows per kind', async () => {
      await opened.store.insertLoginAttempt(attempt('old', now - 1));
      const audit = createAuditLog(opened.store, clock);
      await purgeExpiredRows({ store: opened.store, clock, settings, audit });
      const [event] = await opened.store.listAuditEvents({ type: 'housekeeping.purge' });
      expect(event).to.deep.include({ outcome: 'success' });
      expect(event!.details).to.deep.include({ complete: true, login_attempts: 1, throttles: 0 });
      expect(Object.keys(event!.details)).to.include.members([...purgeKinds]);
    });
  });
}
