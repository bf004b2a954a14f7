import type { Database } from './database.ts';

export type AccountRequestStatus = 'pending' | 'activated' | 'superseded' | 'expired';

export interface AccountRequestRow {
  id: string;
  bsn: string;
  username: string;
  passwordHash: string;
  locale: string;
  status: AccountRequestStatus;
  /** The active account of the BSN when the request was made: it ends when this one activates. */
  replacesCitizenId: string | null;
  /** The account this request became. */
  citizenId: string | null;
  createdAt: number;
  expiresAt: number;
  updatedAt: number;
}

interface AccountRequestRecord {
  id: string;
  bsn: string;
  username: string;
  password_hash: string;
  locale: string;
  status: AccountRequestStatus;
  replaces_citizen_id: string | null;
  citizen_id: string | null;
  created_at: number;
  expires_at: number;
  updated_at: number;
}

function toRow(record: AccountRequestRecord): AccountRequestRow {
  return {
    id: record.id,
    bsn: record.bsn,
    username: record.username,
    passwordHash: record.password_hash,
    locale: record.locale,
    status: record.status,
    replacesCitizenId: record.replaces_citizen_id,
    citizenId: record.citizen_id,
    createdAt: Number(record.created_at),
    expiresAt: Number(record.expires_at),
    updatedAt: Number(record.updated_at),
  };
}

export function accountRequestStore(db: Database) {
  const table = () => db<AccountRequestRecord>('account_requests');
  return {
    async insertAccountRequest(request: AccountRequestRow): Promise<void> {
      await table().insert({
        id: request.id,
        bsn: request.bsn,
        username: request.username,
        password_hash: request.passwordHash,
        locale: request.locale,
        status: request.status,
        replaces_citizen_id: request.replacesCitizenId,
        citizen_id: request.citizenId,
        created_at: request.createdAt,
        expires_at: request.expiresAt,
        updated_at: request.updatedAt,
      });
    },
    async findPendingAccountRequestByUsername(username: string): Promise<AccountRequestRow | undefined> {
      const record = await table().where({ username, status: 'pending' }).first();
      return record && toRow(record);
    },
    /** The newest request that chose this username, whatever became of it. */
    async findLatestAccountRequestByUsername(username: string): Promise<AccountRequestRow | undefined> {
      const record = await table()
        .where({ username })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first();
      return record && toRow(record);
    },
    async findPendingAccountRequestByBsn(bsn: string): Promise<AccountRequestRow | undefined> {
      const record = await table().where({ bsn, status: 'pending' }).first();
      return record && toRow(record);
    },
    async findAccountRequest(id: string): Promise<AccountRequestRow | undefined> {
      const record = await table().where({ id }).first();
      return record && toRow(record);
    },
    /** Pending requests past their time become expired (their BSN and username are free again); returns how many. */
    async expireAccountRequests(now: number): Promise<number> {
      return table()
        .where({ status: 'pending' })
        .andWhere('expires_at', '<=', now)
        .update({ status: 'expired', updated_at: now });
    },
    /** The pending request of the BSN, if any, gives way to a newer one; returns its id. */
    async supersedePendingAccountRequest(bsn: string, now: number): Promise<string | undefined> {
      const pending = await table().where({ bsn, status: 'pending' }).first();
      if (!pending) return undefined;
      await table().where({ id: pending.id, status: 'pending' }).update({ status: 'superseded', updated_at: now });
      return pending.id;
    },
    /** pending -> activated, once: false when the request was no longer pending (another activation won). */
    async markAccountRequestActivated(id: string, citizenId: string, now: number): Promise<boolean> {
      const changed = await table()
        .where({ id, status: 'pending' })
        .update({ status: 'activated', citizen_id: citizenId, updated_at: now });
      return changed === 1;
    },
    async markAccountRequestExpired(id: string, now: number): Promise<void> {
      await table().where({ id, status: 'pending' }).update({ status: 'expired', updated_at: now });
    },
  };
}
