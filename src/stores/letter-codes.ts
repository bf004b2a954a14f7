import { countCodeTry } from './code-tries.ts';
import type { Database } from './database.ts';

export type LetterCodePurpose = 'activation' | 'recovery';

export interface LetterCodeRow {
  id: string;
  purpose: LetterCodePurpose;
  requestId: string | null;
  citizenId: string | null;
  /** HMAC of the code under the instance's code-hash key; never the code. */
  codeHash: string;
  wrongTries: number;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

interface LetterCodeRecord {
  id: string;
  purpose: LetterCodePurpose;
  request_id: string | null;
  citizen_id: string | null;
  code_hash: string;
  wrong_tries: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  revoked_at: number | null;
}

function toRow(record: LetterCodeRecord): LetterCodeRow {
  return {
    id: record.id,
    purpose: record.purpose,
    requestId: record.request_id,
    citizenId: record.citizen_id,
    codeHash: record.code_hash,
    wrongTries: Number(record.wrong_tries),
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    usedAt: record.used_at === null ? null : Number(record.used_at),
    revokedAt: record.revoked_at === null ? null : Number(record.revoked_at),
  };
}

export function letterCodeStore(db: Database) {
  const table = () => db<LetterCodeRecord>('letter_codes');
  return {
    async insertLetterCode(code: LetterCodeRow): Promise<void> {
      await table().insert({
        id: code.id,
        purpose: code.purpose,
        request_id: code.requestId,
        citizen_id: code.citizenId,
        code_hash: code.codeHash,
        wrong_tries: code.wrongTries,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        used_at: code.usedAt,
        revoked_at: code.revokedAt,
      });
    },
    async findLetterCodeOfRequest(requestId: string): Promise<LetterCodeRow | undefined> {
      const record = await table()
        .where({ request_id: requestId, purpose: 'activation' })
        .orderBy('created_at', 'desc')
        .first();
      return record && toRow(record);
    },
    /** The citizen's newest recovery code that is neither used nor revoked. */
    async findLiveRecoveryCode(citizenId: string): Promise<LetterCodeRow | undefined> {
      const record = await table()
        .where({ citizen_id: citizenId, purpose: 'recovery' })
        .whereNull('used_at')
        .whereNull('revoked_at')
        .orderBy('created_at', 'desc')
        .first();
      return record && toRow(record);
    },
    /** Revokes the citizen's unused codes of a purpose (a newer letter replaces them); returns how many. */
    async revokeLetterCodesOfCitizen(citizenId: string, purpose: LetterCodePurpose, now: number): Promise<number> {
      return table()
        .where({ citizen_id: citizenId, purpose })
        .whereNull('used_at')
        .whereNull('revoked_at')
        .update({ revoked_at: now });
    },
    /**
     * Takes one try before the code is compared, while the code is alive (used, revoked and dead codes
     * give none): the try's new count, or undefined. Counting first keeps guesses sent in parallel
     * within maxTries; a right code gives its try back in useLetterCode.
     */
    async reserveLetterCodeTry(id: string, maxTries: number): Promise<number | undefined> {
      const { counted, tries } = await countCodeTry(db, 'letter_codes', id, maxTries, ['used_at', 'revoked_at']);
      return counted ? tries : undefined;
    },
    /** Marks the code used, once, and gives back the try its check reserved: false when it was used or revoked already (a parallel use lost). */
    async useLetterCode(id: string, now: number): Promise<boolean> {
      const changed = await table()
        .where({ id })
        .whereNull('used_at')
        .whereNull('revoked_at')
        .andWhere('wrong_tries', '>', 0)
        .update({ used_at: now, wrong_tries: db.raw('wrong_tries - 1') as unknown as number });
      return changed === 1;
    },
  };
}
