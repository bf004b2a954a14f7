import type { Knex } from 'knex';

// The letter outbox: in development and preproduction activation and recovery letters are "posted"
// into this table and read back with `poortwachter outbox letters`; production writes PDFs for the
// mail house instead and keeps no letter in the database.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('letter_outbox', (t) => {
    t.string('id', 64).primary();
    t.string('kind', 20).notNullable();
    t.string('recipient_name', 200).notNullable();
    t.text('address_lines').notNullable();
    t.string('code', 40).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.string('use_at', 500).notNullable();
    t.bigInteger('created_at').notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('letter_outbox');
}
