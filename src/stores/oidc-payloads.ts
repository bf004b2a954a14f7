// Storage for every oidc-provider model (sessions, interactions, codes, tokens, grants) in one table,
// so that any process can serve any request (its "Adapter" interface).
import { compiledQuery } from './compiled-query.ts';
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
  // Every login reads and writes these several times: compiled once (compiled-query.ts).
  const upsert = compiledQuery<Omit<PayloadRecord, 'consumed_at'>>(db, (param) =>
    table()
      .insert({
        id: param('id'),
        type: param('type'),
        payload: param('payload'),
        grant_id: param('grant_id'),
        user_code: param('user_code'),
        uid: param('uid'),
        account_id: param('account_id'),
        expires_at: param('expires_at'),
        consumed_at: null,
      })
      .onConflict(['type', 'id'])
      .merge(['payload', 'grant_id', 'user_code', 'uid', 'account_id', 'expires_at']),
  );
  const findById = compiledQuery<{ type: string; id: string }>(db, (param) =>
    table()
      .where({ type: param('type'), id: param('id') })
      .first(),
  );
  const findByUid = compiledQuery<{ type: string; uid: string }>(db, (param) =>
    table()
      .where({ type: param('type'), uid: param('uid') })
      .first(),
  );
  const consume = compiledQuery<{ type: string; id: string; at: number }>(db, (param) =>
    table()
      .where({ type: param('type'), id: param('id') })
      .update({ consumed_at: param('at') }),
  );
  const remove = compiledQuery<{ type: string; id: string }>(db, (param) =>
    table()
      .where({ type: param('type'), id: param('id') })
      .delete(),
  );
  const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  return {
    async upsertOidcPayload(
      type: string,
      id: string,
      payload: Record<string, unknown>,
      expiresAt: number | null,
    ): Promise<void> {
      await upsert.changes({
        id,
        type,
        payload: JSON.stringify(payload),
        grant_id: stringOrNull(payload.grantId),
        user_code: stringOrNull(payload.userCode),
        uid: stringOrNull(payload.uid),
        account_id: stringOrNull(payload.accountId),
        expires_at: expiresAt,
      });
    },
    async findOidcPayload(type: string, id: string, now: number): Promise<StoredOidcPayload | undefined> {
      return toStored(await findById.first<PayloadRecord>({ type, id }), now);
    },
    async findOidcPayloadByUid(type: string, uid: string, now: number): Promise<StoredOidcPayload | undefined> {
      return toStored(await findByUid.first<PayloadRecord>({ type, uid }), now);
    },
    async findOidcPayloadByUserCode(
      type: string,
      userCode: string,
      now: number,
    ): Promise<StoredOidcPayload | undefined> {
      return toStored(await table().where({ type, user_code: userCode }).first(), now);
    },
    async consumeOidcPayload(type: string, id: string, at: number): Promise<void> {
      await consume.changes({ type, id, at });
    },
    async deleteOidcPayload(type: string, id: string): Promise<void> {
      await remove.changes({ type, id });
    },
    async deleteOidcPayloadsByGrantId(type: string, grantId: string): Promise<void> {
      await table().where({ type, grant_id: grantId }).delete();
    },
    /** Ends every oidc-provider Session of a citizen (a changed phone number): no more SSO. */
    async deleteOidcSessionsOfAccount(accountId: string): Promise<number> {
      return table().where({ type: 'Session', account_id: accountId }).delete();
    },
  };
}
export type OidcPayloadStore = ReturnType<typeof oidcPayloadStore>;
