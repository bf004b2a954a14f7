import type { Knex } from 'knex';

// Times are epoch milliseconds (bigint) so sqlite and PostgreSQL behave the same.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('organisations', (t) => {
    t.string('id', 36).primary();
    t.string('oin', 20).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('public_task', 500).notNullable().defaultTo('');
    t.boolean('bsn_entitled').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable('webdiensten', (t) => {
    t.string('id', 36).primary();
    t.string('organisation_id', 36).notNullable().references('organisations.id');
    t.string('name', 200).notNullable();
    t.string('protocol', 10).notNullable();
    t.string('client_id', 200).notNullable().unique();
    t.string('minimum_level', 20).notNullable().defaultTo('basis');
    t.string('federation', 100).nullable();
    t.text('protocol_metadata').notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable('citizens', (t) => {
    t.string('id', 36).primary();
    t.string('username', 200).notNullable().unique();
    t.string('password_hash', 300).notNullable();
    t.string('bsn', 9).notNullable().index();
    t.string('phone', 20).nullable();
    t.string('status', 20).notNullable();
    t.string('locale', 5).notNullable().defaultTo('nl');
    t.boolean('password_recovery_required').notNullable().defaultTo(false);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  // One account per BSN that is not revoked.
  await db.raw(`CREATE UNIQUE INDEX citizens_one_account_per_bsn ON citizens (bsn) WHERE status <> 'revoked'`);

  await db.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('at').notNullable().index();
    t.string('type', 60).notNullable();
    t.string('outcome', 20).notNullable();
    t.string('reason', 60).nullable();
    t.string('citizen_id', 36).nullable().index();
    t.string('webdienst_id', 36).nullable();
    t.string('client_address', 64).nullable();
    t.text('details').notNullable().defaultTo('{}');
  });

  await db.schema.createTable('throttles', (t) => {
    t.string('key', 300).primary();
    t.integer('failures').notNullable();
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    t.bigInteger('window_started_at').notNullable();
    t.bigInteger('blocked_until').notNullable().defaultTo(0);
  });

  await db.schema.createTable('login_attempts', (t) => {
    t.string('id', 64).primary();
    t.string('browser_binding', 64).notNullable();
    t.string('protocol', 10).notNullable();
    t.string('protocol_ref', 200).notNullable().index();
    t.string('webdienst_id', 36).notNullable();
    t.string('required_level', 20).notNullable();
    t.boolean('force_authentication').notNullable().defaultTo(false);
    t.string('resume_url', 500).notNullable();
    t.string('status', 20).notNullable();
    t.string('citizen_id', 36).nullable();
    t.string('level_reached', 20).nullable();
    t.bigInteger('authenticated_at').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });

  await db.schema.createTable('oidc_payloads', (t) => {
    t.string('id', 200).notNullable();
    t.string('type', 40).notNullable();
    t.text('payload').notNullable();
    t.string('grant_id', 200).nullable().index();
    t.string('user_code', 200).nullable().index();
    t.string('uid', 200).nullable().index();
    t.bigInteger('expires_at').nullable().index();
    t.bigInteger('consumed_at').nullable();
    t.primary(['type', 'id']);
  });

  await db.schema.createTable('signing_keys', (t) => {
    t.string('kid', 100).primary();
    t.text('private_jwk').notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable('instance_secrets', (t) => {
    t.string('name', 60).primary();
    t.text('value').notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  for (const table of [
    'instance_secrets',
    'signing_keys',
    'oidc_payloads',
    'login_attempts',
    'throttles',
    'audit_events',
    'citizens',
    'webdiensten',
    'organisations',
  ]) {
    await db.schema.dropTableIfExists(table);
  }
}
