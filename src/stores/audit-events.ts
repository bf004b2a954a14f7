import { auditContent, chainHash, type AuditContentColumns } from './audit-chain.ts';
import type { Knex } from 'knex';
import type { Database } from './database.ts';
import { isPostgres } from './dialect.ts';
import type { AuditEventRow } from './rows.ts';

interface AuditEventRecord extends AuditContentColumns {
  id: number;
  at: number;
  chain_hash: string | null;
}

/** One link of the audit chain: what `audit verify` recomputes. */
export interface AuditChainLink {
  id: number;
  content: string;
  chainHash: string | null;
}

export interface AuditChainHead {
  lastId: number;
  lastHash: string;
}

export type ChainedAuditEventRow = AuditEventRow & { chainHash: string | null };

function toRow(record: AuditEventRecord): AuditEventRow {
  return {
    id: Number(record.id),
    at: Number(record.at),
    type: record.type,
    outcome: record.outcome,
    reason: record.reason,
    citizenId: record.citizen_id,
    webdienstId: record.webdienst_id,
    clientAddress: record.client_address,
    details: JSON.parse(record.details) as Record<string, unknown>,
  };
}

function toColumns(event: Omit<AuditEventRow, 'id'>): AuditContentColumns & { at: number } {
  return {
    at: event.at,
    type: event.type,
    outcome: event.outcome,
    reason: event.reason,
    citizen_id: event.citizenId,
    webdienst_id: event.webdienstId,
    client_address: event.clientAddress,
    details: JSON.stringify(event.details),
  };
}

// PostgreSQL: one statement takes the next id and hash from the chain head and inserts the row. The
// UPDATE locks the head row until commit, and a writer that waited for that lock re-reads the head
// it changed (READ COMMITTED), so processes writing at once append one after the other: one round
// trip per event, as before the chain. chainHash() in audit-chain.ts is the same formula in TypeScript.
const appendOnPostgres = `
with head as (
  update audit_chain_head
     set last_id = last_id + 1,
         last_hash = encode(sha256(convert_to(last_hash || ':' || cast(last_id + 1 as text) || ':' || ?, 'UTF8')), 'hex')
   where chain = 'audit'
  returning last_id, last_hash
)
insert into audit_events (id, at, type, outcome, reason, citizen_id, webdienst_id, client_address, details, chain_hash)
select last_id, cast(? as bigint), ?, ?, ?, ?, ?, ?, ?, last_hash from head`;

const appendOnSqlite = `
insert into audit_events (id, at, type, outcome, reason, citizen_id, webdienst_id, client_address, details, chain_hash)
select ?, ?, ?, ?, ?, ?, ?, ?, ?, ? where (select last_hash from audit_chain_head where chain = 'audit') = ?
returning id`;

function readHead(db: Database): Promise<{ last_id: number | string; last_hash: string } | undefined> {
  return db('audit_chain_head').where('chain', 'audit').first();
}

/** This store's view of the sqlite chain: the last head it saw, and its appends one at a time. */
interface SqliteAppender {
  head?: AuditChainHead;
  queue: Promise<unknown>;
}

async function appendChained(
  db: Database,
  columns: AuditContentColumns & { at: number },
  appender: SqliteAppender,
): Promise<void> {
  const content = auditContent(columns);
  const values = [
    columns.at,
    columns.type,
    columns.outcome,
    columns.reason,
    columns.citizen_id,
    columns.webdienst_id,
    columns.client_address,
    columns.details,
  ];
  if (isPostgres(db)) {
    const result = await db.raw<{ rowCount: number }>(appendOnPostgres, [content, ...values]);
    if (result.rowCount !== 1) throw new Error('audit chain head missing: run the migrations');
    return;
  }
  // sqlite has no SHA-256 in SQL: the hash is computed here from the head this process saw last, and
  // the INSERT only happens if the head is still that one (a trigger then advances it, in the same
  // statement). No transaction holds the write lock across awaits; another process having appended
  // in between means one more read and a retry. This process's own appends queue up (its sqlite pool
  // has one connection anyway), so they never race each other into retries.
  const append = appender.queue.then(() => appendToSqlite(db, content, values, appender));
  appender.queue = append.catch(() => undefined);
  await append;
}

async function appendToSqlite(
  db: Database,
  content: string,
  values: unknown[],
  appender: SqliteAppender,
): Promise<void> {
  for (let attempt = 1; attempt <= 50; attempt += 1) {
    if (!appender.head) {
      const head = await readHead(db);
      if (!head) throw new Error('audit chain head missing: run the migrations');
      appender.head = { lastId: Number(head.last_id), lastHash: head.last_hash };
    }
    const id = appender.head.lastId + 1;
    const hash = chainHash(appender.head.lastHash, id, content);
    const inserted = (await db.raw(appendOnSqlite, [
      id,
      ...values,
      hash,
      appender.head.lastHash,
    ] as Knex.RawBinding[])) as unknown[];
    appender.head = inserted.length === 1 ? { lastId: id, lastHash: hash } : undefined;
    if (appender.head) return;
  }
  throw new Error('audit chain: could not append after 50 attempts');
}

export function auditEventStore(db: Database) {
  const appender: SqliteAppender = { queue: Promise.resolve() };
  return {
    /** Appends to the hash chain (audit-chain.ts); rows are never updated or deleted. */
    async insertAuditEvent(event: Omit<AuditEventRow, 'id'>): Promise<void> {
      await appendChained(db, toColumns(event), appender);
    },
    async listAuditEvents(
      filter: { type?: string; citizenId?: string; sinceId?: number; limit?: number } = {},
    ): Promise<AuditEventRow[]> {
      const query = db<AuditEventRecord>('audit_events')
        .orderBy('id', 'asc')
        .limit(filter.limit ?? 1000);
      if (filter.type) query.where('type', filter.type);
      if (filter.citizenId) query.where('citizen_id', filter.citizenId);
      if (filter.sinceId) query.where('id', '>', filter.sinceId);
      return (await query).map(toRow);
    },
    /** A citizen's latest events, newest first (the overview of the citizen's own pages). */
    async listRecentAuditEventsOfCitizen(citizenId: string, limit: number): Promise<AuditEventRow[]> {
      return (
        await db<AuditEventRecord>('audit_events').where('citizen_id', citizenId).orderBy('id', 'desc').limit(limit)
      ).map(toRow);
    },
    /** Events with from <= at < to, in chain order, a page after `afterId` (the export for auditors). */
    async listAuditEventsBetween(filter: {
      from: number;
      to: number;
      afterId: number;
      limit: number;
    }): Promise<ChainedAuditEventRow[]> {
      const records = await db<AuditEventRecord>('audit_events')
        .where('at', '>=', filter.from)
        .andWhere('at', '<', filter.to)
        .andWhere('id', '>', filter.afterId)
        .orderBy('id', 'asc')
        .limit(filter.limit);
      return records.map((record) => ({ ...toRow(record), chainHash: record.chain_hash }));
    },
    /** The chain a page at a time, from the row after `afterId`: the content exactly as it was hashed. */
    async listAuditChainLinks(afterId: number, limit: number): Promise<AuditChainLink[]> {
      const records = await db<AuditEventRecord>('audit_events')
        .where('id', '>', afterId)
        .orderBy('id', 'asc')
        .limit(limit);
      return records.map((record) => ({
        id: Number(record.id),
        content: auditContent(record),
        chainHash: record.chain_hash,
      }));
    },
    async findAuditChainHead(): Promise<AuditChainHead | undefined> {
      const head = (await db('audit_chain_head').where('chain', 'audit').first()) as
        { last_id: number | string; last_hash: string } | undefined;
      return head && { lastId: Number(head.last_id), lastHash: head.last_hash };
    },
  };
}
export type AuditEventStore = ReturnType<typeof auditEventStore>;
