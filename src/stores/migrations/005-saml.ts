import type { Knex } from 'knex';

// SAML front-end: verified AuthnRequests waiting for the login layer (their IDs are also the
// replay store shared by every process: unique per webdienst), and artifacts waiting to be resolved.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('saml_requests', (t) => {
    t.string('id', 64).primary();
    t.string('webdienst_id', 36).notNullable();
    t.string('request_id', 256).notNullable();
    t.string('browser_binding', 64).notNullable();
    t.text('payload').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
    t.unique(['webdienst_id', 'request_id']);
  });
  await db.schema.createTable('saml_artifacts', (t) => {
    t.string('id', 64).primary(); // SHA-256 of the artifact: the artifact itself is never stored
    t.string('webdienst_id', 36).notNullable();
    t.text('response_xml').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
    t.bigInteger('resolved_at').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('saml_artifacts');
  await db.schema.dropTableIfExists('saml_requests');
}
