// Counting a try on a stored code (an SMS code, a letter code) while it is alive: one conditional
// update, so parallel tries can never count past maxTries, then the count as it now stands.
import type { Database } from './database.ts';

export async function countCodeTry(
  db: Database,
  table: 'one_time_codes' | 'letter_codes',
  id: string,
  maxTries: number,
  /** Columns that are NULL while the code is alive (used_at, revoked_at). */
  unsetWhileAlive: string[],
): Promise<{ counted: boolean; tries: number | undefined }> {
  let alive = db(table).where({ id }).andWhere('wrong_tries', '<', maxTries);
  for (const column of unsetWhileAlive) alive = alive.whereNull(column);
  const changed = await alive.update({ wrong_tries: db.raw('wrong_tries + 1') });
  const record = (await db(table).select('wrong_tries').where({ id }).first()) as { wrong_tries: number } | undefined;
  return { counted: changed === 1, tries: record ? Number(record.wrong_tries) : undefined };
}
