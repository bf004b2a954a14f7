// Housekeeping: rows whose time is over are deleted, so that tables a stranger can fill (throttles
// for made-up usernames, login attempts, oidc-provider payloads) do not grow without end. One process
// at a time (the store's purge lock), in bounded batches, within a time budget: a run that meets the
// budget stops and the next run goes on where it left off.
import type { Config } from '../../../config/index.ts';
import type { Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import type { Clock } from '../clock.ts';

export const purgeKinds = [
  'login_attempts',
  'one_time_codes',
  'saml_requests',
  'saml_artifacts',
  'sso_sessions',
  'oidc_payloads',
  'account_sessions',
  'throttles',
] as const;
export type PurgeKind = (typeof purgeKinds)[number];

export interface PurgeSettings {
  /** Rows one statement deletes at most. */
  batchSize: number;
  /** A run starts no new batch after this long. */
  timeBudgetMs: number;
  /** A throttle goes once its last failure is at least this long ago. */
  throttleRetentionMs: number;
  /** The longest throttle window: a throttle's last failure is at most this long after its window started. */
  throttleWindowMs: number;
  ssoIdleMs: number;
  ssoAbsoluteMs: number;
}

export function purgeSettings(
  config: Pick<Config, 'housekeeping' | 'throttle' | 'sso' | 'secondFactor' | 'login'>,
): PurgeSettings {
  const { account, accountNetwork, network, device } = config.throttle;
  const { wrongCodesPerCitizen, sendsPerAccount, sendsPerAddress } = config.secondFactor;
  return {
    batchSize: config.housekeeping.batchSize,
    timeBudgetMs: config.housekeeping.timeBudgetSeconds * 1000,
    throttleRetentionMs: config.housekeeping.throttleRetentionSeconds * 1000,
    throttleWindowMs:
      Math.max(
        ...[account, accountNetwork, network, device, wrongCodesPerCitizen, sendsPerAccount, sendsPerAddress].map(
          (limit) => limit.windowSeconds,
        ),
        config.login.attemptTtlSeconds,
      ) * 1000,
    ssoIdleMs: config.sso.idleTimeoutSeconds * 1000,
    ssoAbsoluteMs: config.sso.absoluteTimeoutSeconds * 1000,
  };
}

type PurgeStore = Pick<
  Store,
  | 'withPurgeLock'
  | 'purgeIdleThrottles'
  | 'purgeExpiredLoginAttempts'
  | 'purgeExpiredOneTimeCodes'
  | 'purgeExpiredSamlRequests'
  | 'purgeExpiredSamlArtifacts'
  | 'purgeExpiredSsoSessions'
  | 'purgeExpiredOidcPayloads'
  | 'purgeExpiredAccountSessions'
>;

export interface PurgeDeps {
  store: PurgeStore;
  clock: Clock;
  settings: PurgeSettings;
  /** Told after every batch that deleted rows (the /metrics counter). */
  onPurged?: (kind: PurgeKind, rows: number) => void;
  /** Set when an operator runs the purge: the run is audited. */
  audit?: AuditLog;
}

export interface PurgeReport {
  /** False when another process was purging: this run did nothing. */
  ran: boolean;
  /** False when the time budget ended the run before every kind was done. */
  complete: boolean;
  purged: Record<PurgeKind, number>;
}

export async function purgeExpiredRows(deps: PurgeDeps): Promise<PurgeReport> {
  const { store, settings } = deps;
  const purged = Object.fromEntries(purgeKinds.map((kind) => [kind, 0])) as Record<PurgeKind, number>;
  const now = deps.clock.now();
  const batch: Record<PurgeKind, (limit: number) => Promise<number>> = {
    login_attempts: (limit) => store.purgeExpiredLoginAttempts(now, limit),
    one_time_codes: (limit) => store.purgeExpiredOneTimeCodes(now, limit),
    saml_requests: (limit) => store.purgeExpiredSamlRequests(now, limit),
    saml_artifacts: (limit) => store.purgeExpiredSamlArtifacts(now, limit),
    sso_sessions: (limit) =>
      store.purgeExpiredSsoSessions(
        { authenticatedBefore: now - settings.ssoAbsoluteMs, activeBefore: now - settings.ssoIdleMs },
        limit,
      ),
    oidc_payloads: (limit) => store.purgeExpiredOidcPayloads(now, limit),
    account_sessions: (limit) => store.purgeExpiredAccountSessions(now, limit),
    // NIST SP 800-63B 5.2.2 counts consecutive failures: a throttle is kept until its last failure
    // (at most one window after the window started) is the retention time ago.
    throttles: (limit) =>
      store.purgeIdleThrottles(now - settings.throttleRetentionMs - settings.throttleWindowMs, now, limit),
  };
  const started = performance.now();
  const locked = await store.withPurgeLock(async () => {
    for (const kind of purgeKinds) {
      for (;;) {
        if (performance.now() - started > settings.timeBudgetMs) return false;
        const rows = await batch[kind](settings.batchSize);
        purged[kind] += rows;
        if (rows > 0) deps.onPurged?.(kind, rows);
        if (rows < settings.batchSize) break;
      }
    }
    return true;
  });
  const report: PurgeReport = { ran: locked !== undefined, complete: locked?.value ?? false, purged };
  if (deps.audit)
    await deps.audit.record({
      type: 'housekeeping.purge',
      outcome: report.ran ? 'success' : 'info',
      ...(report.ran ? {} : { reason: 'another_process_purging' }),
      details: { complete: report.complete, ...purged },
    });
  return report;
}
