import type { Knex } from 'knex';

// Eenmalig inloggen: one SSO session per browser and federation,
// and every webdienst that received an authentication from it (for single logout).
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('sso_sessions', (t) => {
    t.string('id', 64).primary(); // SHA-256 of the browser's cookie token and the federation: a copy of this table opens nothing
    t.string('browser_id', 64).notNullable().index(); // SHA-256 of the cookie's token: all sessions of one browser
    t.string('federation', 140).notNullable();
    t.string('citizen_id', 36).notNullable().index();
    t.string('level', 20).notNullable();
    t.bigInteger('authenticated_at').notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('last_activity_at').notNullable();
    t.string('client_address', 64).notNullable();
    t.bigInteger('ended_at').nullable().index();
  });
  await db.schema.createTable('sso_participants', (t) => {
    t.string('session_id', 64).notNullable();
    t.string('webdienst_id', 36).notNullable();
    t.string('protocol', 10).notNullable();
    t.string('session_ref', 200).notNullable(); // OIDC sid or SAML SessionIndex
    t.bigInteger('joined_at').notNullable();
    t.primary(['session_id', 'webdienst_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('sso_participants');
  await db.schema.dropTableIfExists('sso_sessions');
}
