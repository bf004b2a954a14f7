import { compiledQuery } from './compiled-query.ts';
import type { Database } from './database.ts';
import type { ThrottleRow } from './rows.ts';

interface ThrottleRecord {
  key: string;
  failures: number;
  consecutive_failures: number;
  window_started_at: number;
  blocked_until: number;
}

function toRow(record: ThrottleRecord): ThrottleRow {
  return {
    key: record.key,
    failures: Number(record.failures),
    consecutiveFailures: Number(record.consecutive_failures),
    windowStartedAt: Number(record.window_started_at),
    blockedUntil: Number(record.blocked_until),
  };
}

export function throttleStore(db: Database) {
  // Every password check reads two throttles (address and account): compiled once.
  const findByKey = compiledQuery<{ key: string }>(db, (param) =>
    db<ThrottleRecord>('throttles')
      .where({ key: param('key') })
      .first(),
  );
  return {
    async findThrottle(key: string): Promise<ThrottleRow | undefined> {
      const record = await findByKey.first<ThrottleRecord>({ key });
      return record && toRow(record);
    },
    /** Several throttles in one statement (a password check reads three): absent keys are missing from the map. */
    async findThrottles(keys: readonly string[]): Promise<Map<string, ThrottleRow>> {
      const records = keys.length ? await db<ThrottleRecord>('throttles').whereIn('key', keys) : [];
      return new Map(records.map((record) => [record.key, toRow(record)]));
    },
    /**
     * Counts one failure atomically (one statement, so two processes never lose a count);
     * a window older than windowStartedBefore starts again at one.
     */
    async incrementThrottleFailures(key: string, now: number, windowStartedBefore: number): Promise<ThrottleRow> {
      // sqlite answers with the rows, PostgreSQL with a result that holds them.
      const result = await db.raw<ThrottleRecord[] | { rows: ThrottleRecord[] }>(
        `INSERT INTO throttles (key, failures, consecutive_failures, window_started_at, blocked_until)
         VALUES (?, 1, 1, ?, 0)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN throttles.window_started_at < ? THEN 1 ELSE throttles.failures + 1 END,
           window_started_at = CASE WHEN throttles.window_started_at < ? THEN ? ELSE throttles.window_started_at END,
           consecutive_failures = throttles.consecutive_failures + 1
         RETURNING key, failures, consecutive_failures, window_started_at, blocked_until`,
        [key, now, windowStartedBefore, windowStartedBefore, now],
      );
      const rows = Array.isArray(result) ? result : result.rows;
      return toRow(rows[0]!);
    },
    /** A new throttle row with this first reservation; false when another request created it first. */
    async insertThrottleIfAbsent(row: ThrottleRow): Promise<boolean> {
      // sqlite answers with the rows, PostgreSQL with a result that holds them.
      const result = await db.raw<Array<{ key: string }> | { rows: Array<{ key: string }> }>(
        `INSERT INTO throttles (key, failures, consecutive_failures, window_started_at, blocked_until)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING key`,
        [row.key, row.failures, row.consecutiveFailures, row.windowStartedAt, row.blockedUntil],
      );
      const inserted = Array.isArray(result) ? result : result.rows;
      return inserted.length === 1;
    },
    /** Replaces a throttle row only while it is still exactly `seen`: a compare-and-set. */
    async replaceThrottle(seen: ThrottleRow, next: ThrottleRow): Promise<boolean> {
      const changed = await db<ThrottleRecord>('throttles')
        .where({
          key: seen.key,
          failures: seen.failures,
          consecutive_failures: seen.consecutiveFailures,
          window_started_at: seen.windowStartedAt,
          blocked_until: seen.blockedUntil,
        })
        .update({
          failures: next.failures,
          consecutive_failures: next.consecutiveFailures,
          window_started_at: next.windowStartedAt,
          blocked_until: next.blockedUntil,
        });
      return changed === 1;
    },
    /**
     * Gives one reserved failure back (the attempt it was reserved for succeeded), and lifts the
     * delay that reservation set, unless a later one set another.
     */
    async releaseThrottleReservation(key: string, blockedUntilSet: number, blockedUntilBefore: number): Promise<void> {
      await db<ThrottleRecord>('throttles')
        .where({ key })
        .andWhere('failures', '>', 0)
        .update({
          failures: db.raw('failures - 1'),
          consecutive_failures: db.raw('CASE WHEN consecutive_failures > 0 THEN consecutive_failures - 1 ELSE 0 END'),
          blocked_until: db.raw('CASE WHEN blocked_until = ? THEN ? ELSE blocked_until END', [
            blockedUntilSet,
            blockedUntilBefore,
          ]),
        });
    },
    async blockThrottleUntil(key: string, blockedUntil: number): Promise<void> {
      await db<ThrottleRecord>('throttles').where({ key }).update({ blocked_until: blockedUntil });
    },
    async clearThrottle(key: string): Promise<void> {
      await db<ThrottleRecord>('throttles').where({ key }).delete();
    },
    async clearThrottles(keys: readonly string[]): Promise<void> {
      if (keys.length) await db<ThrottleRecord>('throttles').whereIn('key', keys).delete();
    },
  };
}
export type ThrottleStore = ReturnType<typeof throttleStore>;
