import type { Knex } from 'knex';
import { isPostgres } from '../dialect.ts';

// Audit events are appended to audit_pending without waiting for each other (no lock on the chain
// head), and one sealer at a time moves them into audit_events, chained in order (audit-events.ts).
// The sealer advances the head itself, so sqlite's trigger that did it on every insert goes.
const contentColumns = (t: Knex.CreateTableBuilder) => {
  t.bigInteger('at').notNullable();
  t.string('type', 60).notNullable();
  t.string('outcome', 20).notNullable();
  t.string('reason', 60).nullable();
  t.string('citizen_id', 36).nullable();
  t.string('webdienst_id', 36).nullable();
  t.string('client_address', 64).nullable();
  t.text('details').notNullable().defaultTo('{}');
};

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_pending', (t) => {
    t.bigIncrements('id').primary();
    contentColumns(t);
  });
  if (!isPostgres(db)) await db.raw('drop trigger if exists audit_chain_advance');
}

export async function down(db: Knex): Promise<void> {
  const pending = (await db('audit_pending').count({ n: '*' }).first()) as { n: number | string };
  if (Number(pending.n) > 0)
    throw new Error('audit events are waiting to be sealed: run `poortwachter audit verify` (it seals them) first');
  await db.schema.dropTable('audit_pending');
  if (!isPostgres(db))
    await db.raw(`create trigger audit_chain_advance after insert on audit_events
      begin update audit_chain_head set last_id = new.id, last_hash = new.chain_hash where chain = 'audit'; end`);
}
