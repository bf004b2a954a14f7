import type { Knex } from 'knex';

// The operators of the admin console (/beheer): a password hash (argon2id) and an authenticator-app
// secret sealed like the citizens' ones, and their sessions, kept apart from the citizens' sessions.
// A session row holds only the SHA-256 of the cookie's token.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('operators', (t) => {
    t.string('id', 36).primary();
    t.string('username', 64).notNullable().unique();
    t.string('display_name', 200).notNullable();
    t.string('password_hash', 255).notNullable();
    t.string('totp_secret', 255).notNullable();
    t.string('totp_key_id', 32).notNullable();
    t.bigInteger('totp_last_step').nullable();
    t.bigInteger('disabled_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable('operator_sessions', (t) => {
    t.string('id', 64).primary();
    t.string('operator_id', 36).notNullable().references('operators.id');
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.index(['operator_id']);
    t.index(['expires_at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('operator_sessions');
  await db.schema.dropTableIfExists('operators');
}
