import type { Knex } from 'knex';

// Aansluiten after the first registration: an organisation's legal basis for the BSN, suspension of an
// organisation or a webdienst (its logins answered with the protocol's error), and removal of a
// webdienst (kept for the audit trail, its client_id freed).
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('organisations', (t) => {
    t.string('bsn_legal_basis', 500).nullable();
    t.bigInteger('suspended_at').nullable();
  });
  await db.schema.alterTable('webdiensten', (t) => {
    t.bigInteger('suspended_at').nullable();
    t.bigInteger('removed_at').nullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('webdiensten', (t) => {
    t.dropColumn('removed_at');
    t.dropColumn('suspended_at');
  });
  await db.schema.alterTable('organisations', (t) => {
    t.dropColumn('suspended_at');
    t.dropColumn('bsn_legal_basis');
  });
}
