import type { Knex } from 'knex';

// SAML metadata read from a URL and refreshed on a schedule: where it comes from, the certificate
// that must have signed it, and the state of its refresh (last success, last error, next attempt),
// so that every process and the command line see the same. `lease_until` is the claim of the one
// process fetching it now.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('saml_metadata_sources', (t) => {
    t.string('webdienst_id', 36).primary().references('webdiensten.id');
    t.string('url', 2000).notNullable();
    t.text('signing_certificate').notNullable();
    t.string('etag', 200).nullable();
    t.string('last_modified', 100).nullable();
    t.bigInteger('valid_until').nullable();
    t.bigInteger('cache_duration_ms').nullable();
    t.bigInteger('last_success_at').nullable();
    t.bigInteger('last_attempt_at').nullable();
    t.bigInteger('last_error_at').nullable();
    t.string('last_error', 500).nullable();
    t.integer('consecutive_failures').notNullable().defaultTo(0);
    t.bigInteger('next_attempt_at').notNullable().index();
    t.bigInteger('lease_until').nullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('saml_metadata_sources');
}
