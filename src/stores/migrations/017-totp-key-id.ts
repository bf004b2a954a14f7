import type { Knex } from 'knex';

// Authenticator-app secrets are stored sealed (AES-256-GCM); totp_key_id names the key each one is
// sealed under, NULL for a secret still in the clear from before. The core seals those clear secrets
// at start, and re-seals secrets under an older key after a key rotation; the partial index finds
// both without reading every citizen.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('citizens', (t) => {
    t.string('totp_key_id', 32).nullable();
  });
  await db.schema.alterTable('citizens', (t) => {
    t.index(['totp_key_id', 'id'], 'citizens_totp_key_id', { predicate: db.whereNotNull('totp_secret') });
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('citizens', (t) => {
    t.dropIndex(['totp_key_id', 'id'], 'citizens_totp_key_id');
  });
  await db.schema.alterTable('citizens', (t) => {
    t.dropColumn('totp_key_id');
  });
}
