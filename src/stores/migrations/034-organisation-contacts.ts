import type { Knex } from 'knex';

// The people of a connected organisation whom Poortwachter mails: the technical contact (certificate
// expiry warnings), the security contact, an administrative one; every contact gets the notices of
// maintenance and disruptions.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('organisation_contacts', (t) => {
    t.string('id', 36).primary();
    t.string('organisation_id', 36).notNullable().references('organisations.id');
    t.string('role', 20).notNullable();
    t.string('name', 200).notNullable();
    t.string('email', 254).notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['organisation_id', 'role', 'email']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('organisation_contacts');
}
