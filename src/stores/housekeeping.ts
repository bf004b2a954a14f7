// Purging rows whose time is over, in bounded batches: every statement deletes at most `limit` rows
// (one short lock, one short transaction, however much has piled up), and the caller loops. The
// purge lock keeps the job to one process at a time.
import type { Knex } from 'knex';
import type { Database } from './database.ts';
import { isPostgres } from './dialect.ts';

// pg_try_advisory_lock key of the purge job ("purge" in ASCII); the migration lock uses another.
const purgeLockKey = 0x7075_7267_65;

/** The rows of `table` picked by `where`, at most `limit` of them, deleted in one statement by their key. */
async function deleteBatch(
  db: Database,
  table: string,
  key: string | string[],
  where: (query: Knex.QueryBuilder) => Knex.QueryBuilder,
  limit: number,
): Promise<number> {
  const picked = where(db(table).select(key)).limit(limit);
  return db(table)
    .whereIn(key as string, picked)
    .delete();
}

export interface SsoSessionExpiry {
  /** Sessions whose login is older than this are over (absolute timeout). */
  authenticatedBefore: number;
  /** Sessions without activity since this are over (idle timeout). */
  activeBefore: number;
}

export function housekeepingStore(db: Database) {
  let purging = false;
  return {
    /**
     * Runs fn unless another purge holds the lock: on PostgreSQL a session advisory lock on a
     * connection of its own (released when fn ends, or by PostgreSQL when the process dies); on
     * sqlite, which one machine's processes share, this process's own flag. Undefined when taken.
     */
    async withPurgeLock<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
      if (purging) return undefined;
      purging = true;
      try {
        if (!isPostgres(db)) return { value: await fn() };
        const client = db.client as Knex.Client;
        const connection = (await client.acquireConnection()) as unknown;
        try {
          const result = (await db
            .raw('select pg_try_advisory_lock(?) as locked', [purgeLockKey])
            .connection(connection)) as { rows: Array<{ locked: boolean }> };
          if (!result.rows[0]?.locked) return undefined;
          try {
            return { value: await fn() };
          } finally {
            await db.raw('select pg_advisory_unlock(?)', [purgeLockKey]).connection(connection);
          }
        } finally {
          await client.releaseConnection(connection);
        }
      } finally {
        purging = false;
      }
    },

    /** Throttles with no failure counted since idleBefore (their window long over) and no delay running. */
    purgeIdleThrottles: (idleBefore: number, now: number, limit: number): Promise<number> =>
      deleteBatch(
        db,
        'throttles',
        'key',
        (query) => query.where('window_started_at', '<', idleBefore).andWhere('blocked_until', '<', now),
        limit,
      ),

    purgeExpiredLoginAttempts: (now: number, limit: number): Promise<number> =>
      deleteBatch(db, 'login_attempts', 'id', (query) => query.where('expires_at', '<', now), limit),

    purgeExpiredOneTimeCodes: (now: number, limit: number): Promise<number> =>
      deleteBatch(db, 'one_time_codes', 'id', (query) => query.where('expires_at', '<', now), limit),

    purgeExpiredSamlRequests: (now: number, limit: number): Promise<number> =>
      deleteBatch(db, 'saml_requests', 'id', (query) => query.where('expires_at', '<=', now), limit),

    purgeExpiredSamlArtifacts: (now: number, limit: number): Promise<number> =>
      deleteBatch(db, 'saml_artifacts', 'id', (query) => query.where('expires_at', '<=', now), limit),

    purgeExpiredAccountSessions: (now: number, limit: number): Promise<number> =>
      deleteBatch(db, 'account_sessions', 'id', (query) => query.where('expires_at', '<', now), limit),

    purgeExpiredOidcPayloads: (now: number, limit: number): Promise<number> =>
      deleteBatch(
        db,
        'oidc_payloads',
        ['type', 'id'],
        (query) => query.whereNotNull('expires_at').andWhere('expires_at', '<', now),
        limit,
      ),

    /** Ended SSO sessions and those past their absolute or idle timeout, with their participants. */
    async purgeExpiredSsoSessions(expiry: SsoSessionExpiry, limit: number): Promise<number> {
      return db.transaction(async (trx) => {
        const ids = (
          (await trx('sso_sessions')
            .select('id')
            .whereNotNull('ended_at')
            .orWhere('authenticated_at', '<', expiry.authenticatedBefore)
            .orWhere('last_activity_at', '<', expiry.activeBefore)
            .limit(limit)) as Array<{ id: string }>
        ).map((row) => row.id);
        if (ids.length === 0) return 0;
        await trx('sso_participants').whereIn('session_id', ids).delete();
        return Number(await trx('sso_sessions').whereIn('id', ids).delete());
      });
    },
  };
}
export type HousekeepingStore = ReturnType<typeof housekeepingStore>;
