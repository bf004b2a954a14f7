import type { Knex } from 'knex';

// The secret of an authenticator app being linked is sealed like citizens.totp_secret (AES-256-GCM
// under a configured TOTP key, NIST SP 800-63B 5.1.4.1), with the key's id beside it. Pending links
// live at most 15 minutes and are only a QR code waiting for its first code, so the rows from before
// are dropped rather than sealed: a citizen in the middle of linking scans a fresh QR code.
export async function up(db: Knex): Promise<void> {
  await db.schema.dropTable('pending_app_links');
  await db.schema.createTable('pending_app_links', (t) => {
    t.string('session_id', 64).primary();
    t.string('citizen_id', 36).notNullable();
    t.string('sealed_secret', 200).notNullable();
    t.string('key_id', 32).notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('pending_app_links');
  await db.schema.createTable('pending_app_links', (t) => {
    t.string('session_id', 64).primary();
    t.string('citizen_id', 36).notNullable();
    t.string('secret', 100).notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
}
