import type { Knex } from 'knex';

// Maintenance and status: the maintenance switch and the disruptions on the public status
// page live in the database, so one command reaches every process.
export async function up(db: Knex): Promise<void> {
  // At most one row: present while maintenance is on (`poortwachter maintenance on`), deleted by `off`.
  await db.schema.createTable('maintenance_mode', (t) => {
    t.integer('id').primary();
    t.text('message_nl').nullable();
    t.text('message_en').nullable();
    t.bigInteger('expected_end_at').nullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable('status_disruptions', (t) => {
    t.increments('id').primary();
    t.bigInteger('starts_at').notNullable();
    t.bigInteger('ends_at').notNullable().index();
    t.string('title_nl', 200).notNullable();
    t.string('title_en', 200).notNullable();
    t.text('description_nl').nullable();
    t.text('description_en').nullable();
    t.bigInteger('created_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('status_disruptions');
  await db.schema.dropTableIfExists('maintenance_mode');
}
