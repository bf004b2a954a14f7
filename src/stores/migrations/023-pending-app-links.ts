import type { Knex } from 'knex';

// An authenticator app being linked at Mijn Poortwachter: the secret shown as a QR code waits here,
// bound to the account session, until the app's first code confirms it (then it becomes the
// citizen's secret); it never replaces a linked app before that.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('pending_app_links', (t) => {
    t.string('session_id', 64).primary();
    t.string('citizen_id', 36).notNullable();
    t.string('secret', 100).notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('pending_app_links');
}
