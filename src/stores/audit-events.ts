import { auditContent, chainHash, type AuditContentColumns } from './audit-chain.ts';
import { compiledQuery } from './compiled-query.ts';
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

function toColumns(event: Omit<AuditEventRow, 'id'>): AuditContentColumns {
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

// Appending and sealing are apart. An append is one INSERT into audit_pending: no lock, no wait for
// other writers. The sealer takes the pending events in their order, gives each the next chain id and
// its hash (audit-chain.ts), moves them into audit_events and advances the head, all in one
// transaction: a batch is chained entirely or not at all, and nothing is lost in between. One sealer
// at a time: PostgreSQL holds a transaction-level advisory lock; sqlite's write lock, taken by the
// sealer's first statement, makes other processes wait. Until it is sealed (within a second, see
// src/server.ts) an event is in audit_pending, where the chain does not cover it yet.
const sealLockKey = 0x6175_6469_7421; // "audit!"
const sealBatchSize = 500;

interface PendingRecord extends AuditContentColumns {
  id: number | string;
}

function readHead(
  db: Database,
  forUpdate: boolean,
): Promise<{ last_id: number | string; last_hash: string } | undefined> {
  const query = db('audit_chain_head').where('chain', 'audit');
  return (forUpdate ? query.forUpdate() : query).first();
}

/** Seals up to one batch: the number sealed, or 'busy' when another process is sealing. */
async function sealBatch(db: Database, wait: boolean): Promise<number | 'busy'> {
  return db.transaction(async (trx) => {
    if (isPostgres(trx)) {
      if (wait) await trx.raw('select pg_advisory_xact_lock(?)', [sealLockKey]);
      else {
        const result = await trx.raw<{ rows: Array<{ locked: boolean }> }>(
          'select pg_try_advisory_xact_lock(?) as locked',
          [sealLockKey],
        );
        if (!result.rows[0]?.locked) return 'busy';
      }
    } else {
      // A write first: this transaction holds sqlite's write lock before it reads anything.
      await trx.raw(`update audit_chain_head set last_id = last_id where chain = 'audit'`);
    }
    const pending = (await trx('audit_pending').orderBy('id', 'asc').limit(sealBatchSize)) as PendingRecord[];
    if (pending.length === 0) return 0;
    const head = await readHead(trx, isPostgres(trx));
    if (!head) throw new Error('audit chain head missing: run the migrations');
    let lastId = Number(head.last_id);
    let lastHash = head.last_hash;
    const rows = pending.map((record) => {
      const columns = {
        at: Number(record.at),
        type: record.type,
        outcome: record.outcome,
        reason: record.reason,
        citizen_id: record.citizen_id,
        webdienst_id: record.webdienst_id,
        client_address: record.client_address,
        details: record.details,
      };
      lastId += 1;
      lastHash = chainHash(lastHash, lastId, auditContent(columns));
      return { id: lastId, ...columns, chain_hash: lastHash };
    });
    await trx('audit_events').insert(rows);
    await trx('audit_pending')
      .whereIn(
        'id',
        pending.map((record) => record.id),
      )
      .delete();
    await trx('audit_chain_head').where('chain', 'audit').update({ last_id: lastId, last_hash: lastHash });
    return pending.length;
  });
}

export function auditEventStore(db: Database) {
  const append = compiledQuery<AuditContentColumns>(db, (param) =>
    db('audit_pending').insert({
      at: param('at'),
      type: param('type'),
      outcome: param('outcome'),
      reason: param('reason'),
      citizen_id: param('citizen_id'),
      webdienst_id: param('webdienst_id'),
      client_address: param('client_address'),
      details: param('details'),
    }),
  );
  const anyPending = compiledQuery<Record<string, never>>(db, () => db('audit_pending').select('id').limit(1));
  // This store's seals run one after the other (the timer and a reader may ask at once).
  let sealing: Promise<unknown> = Promise.resolve();

  /** Seals every pending event; without wait it leaves them when another process is sealing. */
  function seal(wait: boolean): Promise<number> {
    const run = sealing.then(async () => {
      if ((await anyPending.rows({})).length === 0) return 0;
      let sealed = 0;
      for (;;) {
        const batch = await sealBatch(db, wait);
        if (batch === 'busy') return sealed;
        sealed += batch;
        if (batch < sealBatchSize) return sealed;
      }
    });
    sealing = run.catch(() => undefined);
    return run;
  }

  /** Readers see every event appended before they asked: pending ones are sealed first (not inside a transaction). */
  const sealBeforeReading = async () => {
    if (!db.isTransaction) await seal(true);
  };

  return {
    /** Appends an event (without waiting for other writers); the sealer chains it (audit-chain.ts). */
    async insertAuditEvent(event: Omit<AuditEventRow, 'id'>): Promise<void> {
      await append.changes(toColumns(event));
    },
    /** Appends several events of one request in one statement, in the order given. */
    async insertAuditEvents(events: Array<Omit<AuditEventRow, 'id'>>): Promise<void> {
      if (events.length === 1) await append.changes(toColumns(events[0]!));
      else if (events.length > 1) await db('audit_pending').insert(events.map(toColumns));
    },
    /**
     * Chains the pending events into the audit trail, in order; returns how many. Another process
     * sealing at the time is left to it; `wait` waits for it and then seals what is left.
     */
    sealAuditEvents(options: { wait?: boolean } = {}): Promise<number> {
      return seal(options.wait ?? false);
    },
    async listAuditEvents(
      filter: { type?: string; citizenId?: string; sinceId?: number; limit?: number } = {},
    ): Promise<AuditEventRow[]> {
      await sealBeforeReading();
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
      await sealBeforeReading();
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
      await sealBeforeReading();
      const records = await db<AuditEventRecord>('audit_events')
        .where('at', '>=', filter.from)
        .andWhere('at', '<', filter.to)
        .andWhere('id', '>', filter.afterId)
        .orderBy('id', 'asc')
        .limit(filter.limit);
      return records.map((record) => ({ ...toRow(record), chainHash: record.chain_hash }));
    },
    /** The chain a page at a time, from the row after `afterId`: the content exactly as it was hashed (sealed events only). */
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
      const head = await readHead(db, false);
      return head && { lastId: Number(head.last_id), lastHash: head.last_hash };
    },
  };
}
export type AuditEventStore = ReturnType<typeof auditEventStore>;
