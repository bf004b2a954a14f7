import type { Knex } from 'knex';

// The citizen's own pages: the built-in organisation and webdienst the login
// layer shows ("U logt in bij Mijn Poortwachter"), account sessions, and the citizen of every stored
// oidc-provider payload, so a phone change can end the citizen's OIDC sessions.
// The values are literal on purpose: a migration must write the same rows whatever the code says
// later (src/stores/built-in.ts names them for the code).
const organisationId = '00000000-0000-4000-8000-000000000001';
const webdienstId = '00000000-0000-4000-8000-000000000002';

export async function up(db: Knex): Promise<void> {
  const now = Date.now();
  await db('organisations').insert({
    id: organisationId,
    oin: '00000000000000000000',
    name: 'Poortwachter',
    public_task: 'Inloggen bij de overheid; het eigen account van de burger',
    bsn_entitled: false,
    created_at: now,
  });
  await db('webdiensten').insert({
    id: webdienstId,
    organisation_id: organisationId,
    name: 'Mijn Poortwachter',
    protocol: 'account',
    client_id: 'poortwachter-account',
    minimum_level: 'basis',
    federation: null,
    protocol_metadata: '{}',
    created_at: now,
  });

  await db.schema.createTable('account_sessions', (t) => {
    t.string('id', 64).primary();
    t.string('citizen_id', 36).notNullable().index();
    t.string('level', 20).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
    t.string('pending_phone', 20).nullable();
    t.string('pending_phone_ref', 64).nullable();
  });

  await db.schema.alterTable('oidc_payloads', (t) => {
    t.string('account_id', 200).nullable().index();
  });
  // Sessions stored before this migration: their citizen is only inside the JSON payload.
  const sessions = await db('oidc_payloads').where({ type: 'Session' }).select('id', 'payload');
  for (const { id, payload } of sessions as Array<{ id: string; payload: string }>) {
    const accountId = (JSON.parse(payload) as { accountId?: unknown }).accountId;
    if (typeof accountId === 'string')
      await db('oidc_payloads').where({ type: 'Session', id }).update({ account_id: accountId });
  }
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('oidc_payloads', (t) => {
    t.dropIndex(['account_id']);
    t.dropColumn('account_id');
  });
  await db.schema.dropTableIfExists('account_sessions');
  await db('login_attempts').where({ protocol: 'account' }).delete();
  await db('webdiensten').where({ id: webdienstId }).delete();
  await db('organisations').where({ id: organisationId }).delete();
}
