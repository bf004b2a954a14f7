import type { Knex } from 'knex';

// Level Midden: authenticator apps, "always ask the second factor", one-time codes, and
// the stage a login attempt is in.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('citizens', (t) => {
    t.string('totp_secret', 200).nullable();
    t.bigInteger('totp_last_step').nullable();
    t.boolean('always_second_factor').notNullable().defaultTo(false);
  });
  await db.schema.alterTable('login_attempts', (t) => {
    t.string('stage', 20).notNullable().defaultTo('password');
    t.string('second_factor_method', 10).nullable();
  });
  await db.schema.createTable('one_time_codes', (t) => {
    t.string('id', 64).primary();
    t.string('attempt_id', 64).notNullable().index();
    t.string('citizen_id', 36).notNullable();
    t.string('code_hash', 128).notNullable();
    t.integer('wrong_tries').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
    t.bigInteger('used_at').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('one_time_codes');
  await db.schema.alterTable('login_attempts', (t) => {
    t.dropColumn('stage');
    t.dropColumn('second_factor_method');
  });
  await db.schema.alterTable('citizens', (t) => {
    t.dropColumn('totp_secret');
    t.dropColumn('totp_last_step');
    t.dropColumn('always_second_factor');
  });
}
