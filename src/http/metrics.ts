// The Prometheus metrics of one running service. Each app has its own registry, never
// prom-client's global one: tests run several servers in one process, and each must count alone.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PasswordHasher } from '../core/passwords/hasher.ts';
import { statementKinds, type Store } from '../stores/index.ts';

export interface MetricsSources {
  hasher: Pick<PasswordHasher, 'queueLength'>;
  store: Pick<Store, 'poolUse' | 'statements'>;
}

export function createMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const statementsReported = new Map<string, number>();
  return {
    registry,
    logins: new Counter({
      name: 'poortwachter_logins_total',
      help: 'Login outcomes by level, protocol (oidc, saml, account) and outcome: success, sso_reused, failure (each wrong password or code), throttled, cancelled',
      labelNames: ['level', 'protocol', 'outcome'] as const,
      registers,
    }),
    smsSent: new Counter({
      name: 'poortwachter_sms_sent_total',
      help: 'SMS messages the gateway accepted',
      labelNames: ['gateway'] as const,
      registers,
    }),
    smsFailures: new Counter({
      name: 'poortwachter_sms_failures_total',
      help: 'SMS messages not accepted, by reason',
      labelNames: ['gateway', 'reason'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'poortwachter_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern (never the raw URL) and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    hashQueue: new Gauge({
      name: 'poortwachter_password_hash_queue_length',
      help: 'Password checks waiting for a hashing slot (one slot per core)',
      registers,
      collect() {
        this.set(sources.hasher.queueLength);
      },
    }),
    purgedRows: new Counter({
      name: 'poortwachter_purged_rows_total',
      help: 'Expired rows the purge job of this process deleted, by kind (throttles, login_attempts, one_time_codes, saml_requests, saml_artifacts, sso_sessions, oidc_payloads, account_sessions)',
      labelNames: ['kind'] as const,
      registers,
    }),
    samlMetadataRefreshes: new Counter({
      name: 'poortwachter_saml_metadata_refreshes_total',
      help: 'Refreshes of SAML metadata registered by URL that this process ran, by outcome (refreshed, not_modified, failed) and reason of a failure (signature, expired, entity_id_changed, too_large, timeout, http_status, unreachable, ...)',
      labelNames: ['outcome', 'reason'] as const,
      registers,
    }),
    databasePool: new Gauge({
      name: 'poortwachter_database_pool_connections',
      help: 'Database connections of this process: used, free, waiting (requests waiting for one), max',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const use = sources.store.poolUse();
        for (const state of ['used', 'free', 'waiting', 'max'] as const) this.set({ state }, use[state]);
      },
    }),
    databaseStatements: new Counter({
      name: 'poortwachter_database_statements_total',
      help: 'SQL statements this process sent to the database, by kind: select, insert, update, delete, transaction (begin, commit, rollback), other',
      labelNames: ['kind'] as const,
      registers,
      collect() {
        const counts = sources.store.statements();
        for (const kind of statementKinds) {
          this.inc({ kind }, counts[kind] - (statementsReported.get(kind) ?? 0));
          statementsReported.set(kind, counts[kind]);
        }
      },
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
