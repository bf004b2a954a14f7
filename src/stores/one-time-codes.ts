import { countCodeTry } from './code-tries.ts';
import type { Database } from './database.ts';

export interface OneTimeCodeRow {
  id: string;
  attemptId: string;
  citizenId: string;
  codeHash: string;
  wrongTries: number;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

interface OneTimeCodeRecord {
  id: string;
  attempt_id: string;
  citizen_id: string;
  code_hash: string;
  wrong_tries: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

function toRow(record: OneTimeCodeRecord): OneTimeCodeRow {
  return {
    id: record.id,
    attemptId: record.attempt_id,
    citizenId: record.citizen_id,
    codeHash: record.code_hash,
    wrongTries: Number(record.wrong_tries),
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    usedAt: record.used_at === null ? null : Number(record.used_at),
  };
}

export function oneTimeCodeStore(db: Database) {
  const table = () => db<OneTimeCodeRecord>('one_time_codes');
  return {
    async insertOneTimeCode(code: OneTimeCodeRow): Promise<void> {
      await table().insert({
        id: code.id,
        attempt_id: code.attemptId,
        citizen_id: code.citizenId,
        code_hash: code.codeHash,
        wrong_tries: code.wrongTries,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        used_at: code.usedAt,
      });
    },
    async findLatestOneTimeCode(attemptId: string, citizenId: string): Promise<OneTimeCodeRow | undefined> {
      const record = await table()
        .where({ attempt_id: attemptId, citizen_id: citizenId })
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .first();
      return record && toRow(record);
    },
    /** Counts a wrong try unless the code is already used or dead; returns the tries after counting. */
    async countWrongOneTimeCodeTry(id: string, maxTries: number): Promise<number | undefined> {
      return (await countCodeTry(db, 'one_time_codes', id, maxTries, ['used_at'])).tries;
    },
    /** Single use, also under parallel submissions: only one conditional update can win. */
    async useOneTimeCode(id: string, at: number, maxTries: number): Promise<boolean> {
      const changed = await table()
        .where({ id })
        .whereNull('used_at')
        .andWhere('wrong_tries', '<', maxTries)
        .andWhere('expires_at', '>', at)
        .update({ used_at: at });
      return changed === 1;
    },
  };
}
export type OneTimeCodeStore = ReturnType<typeof oneTimeCodeStore>;
