import type { Knex } from 'knex';

// A citizen's e-mail address, for notifications (a change of password, phone or app, a recovery, the
// end of the account). Kept beside the citizens table: most accounts have none.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('citizen_contacts', (t) => {
    t.string('citizen_id', 36).primary();
    t.string('email', 254).notNullable();
    t.bigInteger('verified_at').nullable();
    t.bigInteger('updated_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('citizen_contacts');
}
