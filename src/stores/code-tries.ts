// Counting a try on a stored code (an SMS code, a letter code) while it is alive: one conditional
// update that returns the count it wrote, so parallel tries can never count past maxTries and each
// try learns its own count, not one a parallel try wrote after it.
import type { Database } from './database.ts';

type CountedRecord = { wrong_tries: number | string };

export async function countCodeTry(
  db: Database,
  table: 'one_time_codes' | 'letter_codes',
  id: string,
  maxTries: number,
  /** Columns that are NULL while the code is alive (used_at, revoked_at). */
  unsetWhileAlive: Array<'used_at' | 'revoked_at'>,
): Promise<{ counted: boolean; tries: number | undefined }> {
  const alive = unsetWhileAlive.map((column) => ` and ${column} is null`).join('');
  // Raw: knex writes no RETURNING for a sqlite UPDATE; both databases have it (sqlite since 3.35).
  const result = (await db.raw(
    `update ${table} set wrong_tries = wrong_tries + 1 where id = ? and wrong_tries < ?${alive} returning wrong_tries`,
    [id, maxTries],
  )) as CountedRecord[] | { rows: CountedRecord[] };
  const [counted] = Array.isArray(result) ? result : result.rows;
  if (counted) return { counted: true, tries: Number(counted.wrong_tries) };
  const record = (await db(table).select('wrong_tries').where({ id }).first()) as CountedRecord | undefined;
  return { counted: false, tries: record ? Number(record.wrong_tries) : undefined };
}
