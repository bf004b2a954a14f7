import type { Knex } from 'knex';

// Mail to organisation contacts, queued in the same transaction as what it tells (a certificate
// warning recorded, maintenance switched on, a disruption added), so a crash before the send loses
// nothing; one row per recipient and notice (dedupe_key), so nothing is sent twice. A process claims a
// row before it sends (claimed_at), so two processes never send the same row.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('contact_mails', (t) => {
    t.string('id', 36).primary();
    t.string('dedupe_key', 300).notNullable().unique();
    t.string('kind', 40).notNullable();
    t.string('organisation_id', 36).notNullable().references('organisations.id');
    t.string('recipient', 254).notNullable();
    t.string('subject', 300).notNullable();
    t.text('body').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('claimed_at').nullable();
    t.bigInteger('sent_at').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('last_error', 200).nullable();
    t.index(['sent_at', 'created_at']);
  });
  // One warning per webdienst, certificate and threshold (days before notAfter; 0: expired), ever.
  await db.schema.createTable('certificate_expiry_warnings', (t) => {
    t.string('webdienst_id', 36).notNullable().references('webdiensten.id');
    t.string('fingerprint', 100).notNullable();
    t.integer('threshold_days').notNullable();
    t.bigInteger('warned_at').notNullable();
    t.primary(['webdienst_id', 'fingerprint', 'threshold_days']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('certificate_expiry_warnings');
  await db.schema.dropTableIfExists('contact_mails');
}
