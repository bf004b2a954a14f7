import type { Knex } from 'knex';

// Rows written by the development seed are marked, so that a production start can refuse a database
// that still holds them (production has no test citizens, no demo webdienst).
const tables = ['citizens', 'organisations', 'webdiensten'];

export async function up(db: Knex): Promise<void> {
  for (const table of tables)
    await db.schema.alterTable(table, (t) => {
      t.boolean('test_data').notNullable().defaultTo(false);
    });
}

export async function down(db: Knex): Promise<void> {
  for (const table of tables)
    await db.schema.alterTable(table, (t) => {
      t.dropColumn('test_data');
    });
}
