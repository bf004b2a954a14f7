import type { Knex } from 'knex';

// The citizen's own request for an account: the request waits, with the chosen
// username and password hash, until the activation code from the letter is used. Codes sent by
// letter (activation, recovery) are stored only as a keyed hash, single use, with a count of wrong tries.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('account_requests', (t) => {
    t.string('id', 36).primary();
    t.string('bsn', 9).notNullable();
    t.string('username', 200).notNullable();
    t.string('password_hash', 300).notNullable();
    t.string('locale', 5).notNullable().defaultTo('nl');
    // pending -> activated | superseded (a newer request for the BSN) | expired
    t.string('status', 20).notNullable();
    t.string('replaces_citizen_id', 36).nullable();
    t.string('citizen_id', 36).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
    t.bigInteger('updated_at').notNullable();
  });
  // One waiting request per BSN, and a username waits for one request at a time.
  await db.raw(
    `CREATE UNIQUE INDEX account_requests_one_pending_per_bsn ON account_requests (bsn) WHERE status = 'pending'`,
  );
  await db.raw(
    `CREATE UNIQUE INDEX account_requests_one_pending_per_username ON account_requests (username) WHERE status = 'pending'`,
  );

  await db.schema.createTable('letter_codes', (t) => {
    t.string('id', 36).primary();
    t.string('purpose', 20).notNullable();
    t.string('request_id', 36).nullable().index();
    t.string('citizen_id', 36).nullable().index();
    t.string('code_hash', 64).notNullable();
    t.integer('wrong_tries').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('used_at').nullable();
    // Set when a newer letter of the same purpose replaced this one.
    t.bigInteger('revoked_at').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('letter_codes');
  await db.schema.dropTableIfExists('account_requests');
}
