// Storage for every oidc-provider model (sessions, interactions, codes, tokens, grants) in one table,
// so that any process can serve any request (DESIGN.md section 1, STACK.md "Adapter").
import type { Database } from './database.ts';

interface PayloadRecord {
  id: string;
  type: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  account_id: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

export interface StoredOidcPayload {
  payload: Record<string, unknown>;
  consumedAt: number | null;
  expiresAt: number | null;
}

function toStored(record: PayloadRecord | undefined, now: number): StoredOidcPayload | undefined {
  if (!record) return undefined;
  if (record.expires_at !== null && Number(record.expires_at) <= now) return undefined;
  return {
    payload: JSON.parse(record.payload) as Record<string, unknown>,
    consumedAt: record.consumed_at === null ? null : Number(record.consumed_at),
    expiresAt: record.expires_at === null ? null : Number(record.expires_at),
  };
}

export function oidcPayloadStore(db: Database) {
  const table = () => db<PayloadRecord>('oidc_payloads');
  return {
    async upsertOidcPayload(type: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void> {
      await table()
        .insert({
          id,
          type,
          payload: JSON.stringify(payload),
          grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
          user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
          uid: typeof payload.uid === 'string' ? payload.uid : null,
          account_id: typeof payload.accountId === 'string' ? payload.accountId : null,
          expires_at: expiresAt,
          consumed_at: null,
        })
        .onConflict(['type', 'id'])
        .merge(['payload', 'grant_id', 'user_code', 'uid', 'account_id', 'expires_at']);
    },
    async findOidcPayload(type: string, id: string, now: number): Promise<StoredOidcPayload | undefined> {
      return toStored(await table().where({ type, id }).first(), now);
    },
    async findOidcPayloadByUid(type: string, uid: string, now: number): Promise<StoredOidcPayload | undefined> {
      return toStored(await table().where({ type, uid }).first(), now);
    },
    async findOidcPayloadByUserCode(type: string, userCode: string, now: number): Promise<StoredOidcPayload | undefined> {
      return toStored(await table().where({ type, user_code: userCode }).first(), now);
    },
    async consumeOidcPayload(type: string, id: string, at: number): Promise<void> {
      await table().where({ type, id }).update({ consumed_at: at });
    },
    async deleteOidcPayload(type: string, id: string): Promise<void> {
      await table().where({ type, id }).delete();
    },
    async deleteOidcPayloadsByGrantId(type: string, grantId: string): Promise<void> {
      await table().where({ type, grant_id: grantId }).delete();
    },
    /** Ends every oidc-provider Session of a citizen (a changed phone number, SECURITY-TESTS.md 13): no more SSO. */
    async deleteOidcSessionsOfAccount(accountId: string): Promise<number> {
      return table().where({ type: 'Session', account_id: accountId }).delete();
    },
    async deleteExpiredOidcPayloads(now: number): Promise<number> {
      return table().whereNotNull('expires_at').andWhere('expires_at', '<', now).delete();
    },
  };
}
export type OidcPayloadStore = ReturnType<typeof oidcPayloadStore>;
