import type { Knex } from 'knex';
import { auditContent, chainHash, genesisHash, type AuditContentColumns } from '../audit-chain.ts';
import { isPostgres } from '../dialect.ts';

// The audit events become a hash chain (audit-chain.ts). Events written before this migration
// are chained here, in id order, so `poortwachter audit verify` covers them too.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('audit_events', (t) => {
    t.string('chain_hash', 64).nullable();
  });
  await db.schema.createTable('audit_chain_head', (t) => {
    t.string('chain', 20).primary();
    t.bigInteger('last_id').notNullable();
    t.string('last_hash', 64).notNullable();
  });

  let lastId = 0;
  let lastHash = genesisHash;
  for (;;) {
    const rows = (await db('audit_events').where('id', '>', lastId).orderBy('id', 'asc').limit(1000)) as Array<
      AuditContentColumns & { id: number | string }
    >;
    if (rows.length === 0) break;
    for (const row of rows) {
      lastId = Number(row.id);
      lastHash = chainHash(lastHash, lastId, auditContent(row));
      await db('audit_events').where('id', lastId).update({ chain_hash: lastHash });
    }
  }
  await db('audit_chain_head').insert({ chain: 'audit', last_id: lastId, last_hash: lastHash });
  // sqlite appends with one conditional INSERT (audit-events.ts); the head follows it in the same statement.
  if (!isPostgres(db)) {
    await db.raw(`create trigger audit_chain_advance after insert on audit_events
      begin update audit_chain_head set last_id = new.id, last_hash = new.chain_hash where chain = 'audit'; end`);
  }
}

export async function down(db: Knex): Promise<void> {
  if (!isPostgres(db)) await db.raw('drop trigger if exists audit_chain_advance');
  await db.schema.dropTableIfExists('audit_chain_head');
  await db.schema.alterTable('audit_events', (t) => {
    t.dropColumn('chain_hash');
  });
}
