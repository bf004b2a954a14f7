// Sessions of the citizen's own pages, in the database so any process serves the next request
//. The id is a hash of the cookie's token: a copy of this table opens nothing.
import type { Database } from './database.ts';
import type { AccountSessionRow } from './rows.ts';

interface AccountSessionRecord {
  id: string;
  citizen_id: string;
  level: string;
  created_at: number;
  expires_at: number;
  pending_phone: string | null;
  pending_phone_ref: string | null;
}

function toRow(record: AccountSessionRecord): AccountSessionRow {
  return {
    id: record.id,
    citizenId: record.citizen_id,
    level: record.level,
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    pendingPhone: record.pending_phone,
    pendingPhoneRef: record.pending_phone_ref,
  };
}

export function accountSessionStore(db: Database) {
  const table = () => db<AccountSessionRecord>('account_sessions');
  return {
    async insertAccountSession(session: AccountSessionRow): Promise<void> {
      await table().insert({
        id: session.id,
        citizen_id: session.citizenId,
        level: session.level,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        pending_phone: session.pendingPhone,
        pending_phone_ref: session.pendingPhoneRef,
      });
    },
    /** The live session with this id, or undefined (unknown or idle too long). */
    async findAccountSession(id: string, now: number): Promise<AccountSessionRow | undefined> {
      const record = await table().where({ id }).andWhere('expires_at', '>', now).first();
      return record && toRow(record);
    },
    async touchAccountSession(id: string, expiresAt: number): Promise<void> {
      await table().where({ id }).update({ expires_at: expiresAt });
    },
    async updateAccountSessionPendingPhone(
      id: string,
      pendingPhone: string | null,
      pendingPhoneRef: string | null,
    ): Promise<void> {
      await table().where({ id }).update({ pending_phone: pendingPhone, pending_phone_ref: pendingPhoneRef });
    },
    async deleteAccountSession(id: string): Promise<void> {
      await table().where({ id }).delete();
    },
    /** Ends every account session of a citizen but one (the one making the change); returns how many ended. */
    async deleteAccountSessionsOfCitizen(citizenId: string, exceptId?: string): Promise<number> {
      const query = table().where({ citizen_id: citizenId });
      if (exceptId) query.whereNot({ id: exceptId });
      return query.delete();
    },
  };
}
export type AccountSessionStore = ReturnType<typeof accountSessionStore>;
