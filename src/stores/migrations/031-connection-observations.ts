import type { Knex } from 'knex';

// The automated connection checklist: what Poortwachter observes of a webdienst's traffic outside
// production (a signed request, a registered redirect URI, PKCE, a resolved artifact, a logout...),
// one row per observation, read back as a pass/fail report with the evidence.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('connection_observations', (t) => {
    t.increments('id').primary();
    t.string('webdienst_id', 36).notNullable().references('webdiensten.id');
    t.bigInteger('at').notNullable();
    t.string('item', 60).notNullable();
    t.boolean('ok').notNullable();
    t.string('evidence', 500).notNullable();
    t.index(['webdienst_id', 'at']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTableIfExists('connection_observations');
}
