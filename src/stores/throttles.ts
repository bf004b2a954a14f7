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
  // ...in one statement: the address and the account throttle together.
  const findTwo = compiledQuery<{ first: string; second: string }>(db, (param) =>
    db<ThrottleRecord>('throttles').whereIn('key', [param('first'), param('second')]),
  );
  return {
    async findThrottle(key: string): Promise<ThrottleRow | undefined> {
      const record = await findByKey.first<ThrottleRecord>({ key });
      return record && toRow(record);
    },
    /** Two throttles in one round trip, in the order asked (undefined where none exists). */
    async findThrottles(keys: [string, string]): Promise<[ThrottleRow | undefined, ThrottleRow | undefined]> {
      const records = await findTwo.rows<ThrottleRecord>({ first: keys[0], second: keys[1] });
      const found = (key: string) => {
        const record = records.find((candidate) => candidate.key === key);
        return record && toRow(record);
      };
      return [found(keys[0]), found(keys[1])];
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
    async blockThrottleUntil(key: string, blockedUntil: number): Promise<void> {
      await db<ThrottleRecord>('throttles').where({ key }).update({ blocked_until: blockedUntil });
    },
    async clearThrottle(key: string): Promise<void> {
      await db<ThrottleRecord>('throttles').where({ key }).delete();
    },
  };
}
export type ThrottleStore = ReturnType<typeof throttleStore>;
