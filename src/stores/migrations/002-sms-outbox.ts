import type { Knex } from 'knex';

// The SMS outbox: in development and preproduction one-time codes are "sent" into this
// table and read back with `poortwachter outbox sms`; production refuses the outbox gateway.
// The column is named "to" as the message field; knex quotes it (it is an SQL keyword).
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('sms_outbox', (t) => {
    t.bigIncrements('id').primary();
    t.string('to', 20).notNullable().index();
    t.text('text').notNullable();
    t.string('purpose', 60).notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('sms_outbox');
}
