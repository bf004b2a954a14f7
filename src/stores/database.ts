// Opens the database named by DATABASE_URL and applies the migrations.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import { NodeSqliteClient } from './node-sqlite-client.ts';
import { isPostgres } from './dialect.ts';
import * as foundation from './migrations/001-foundation.ts';
import * as smsOutbox from './migrations/002-sms-outbox.ts';
import * as secondFactor from './migrations/003-second-factor.ts';
import * as accountArea from './migrations/004-account-area.ts';
import * as saml from './migrations/005-saml.ts';
import * as samlMetadataSources from './migrations/036-saml-metadata-sources.ts';
import * as auditChain from './migrations/007-audit-chain.ts';
import * as ssoSessions from './migrations/008-sso-sessions.ts';
import * as maintenanceAndStatus from './migrations/009-maintenance-and-status.ts';
import * as accountRequests from './migrations/021-account-requests.ts';
import * as auditSealing from './migrations/050-audit-sealing.ts';
import * as citizenContacts from './migrations/022-citizen-contacts.ts';
import * as connectionObservations from './migrations/031-connection-observations.ts';
import * as organisationContacts from './migrations/034-organisation-contacts.ts';
import * as contactMails from './migrations/035-contact-mails.ts';
import * as letterOutbox from './migrations/020-letter-outbox.ts';
import * as pendingAppLinks from './migrations/023-pending-app-links.ts';
import * as registrationChanges from './migrations/030-registration-changes.ts';
import * as testData from './migrations/014-test-data.ts';
import * as totpKeyId from './migrations/017-totp-key-id.ts';
import * as operators from './migrations/032-operators.ts';
import * as sealedPendingAppLinks from './migrations/024-sealed-pending-app-links.ts';

export type Database = Knex;

// PostgreSQL returns bigint columns as strings; every time here is epoch milliseconds, well within 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const migrations: Record<string, Knex.Migration> = {
  '001-foundation': foundation,
  '002-sms-outbox': smsOutbox,
  '003-second-factor': secondFactor,
  '004-account-area': accountArea,
  '005-saml': saml,
  '007-audit-chain': auditChain,
  '008-sso-sessions': ssoSessions,
  '009-maintenance-and-status': maintenanceAndStatus,
  '014-test-data': testData,
  '017-totp-key-id': totpKeyId,
  '020-letter-outbox': letterOutbox,
  '021-account-requests': accountRequests,
  '022-citizen-contacts': citizenContacts,
  '023-pending-app-links': pendingAppLinks,
  '024-sealed-pending-app-links': sealedPendingAppLinks,
  '030-registration-changes': registrationChanges,
  '031-connection-observations': connectionObservations,
  '032-operators': operators,
  '034-organisation-contacts': organisationContacts,
  '035-contact-mails': contactMails,
  '036-saml-metadata-sources': samlMetadataSources,
  '050-audit-sealing': auditSealing,
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(Object.keys(migrations).sort()),
  getMigrationName: (name) => name,
  getMigration: (name) => Promise.resolve(migrations[name]!),
};

export function openDatabase(url: string, options: { poolSize?: number } = {}): Database {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length) || './data/poortwachter.sqlite';
    if (filename !== ':memory:') mkdirSync(dirname(resolve(filename)), { recursive: true });
    return knex({
      client: NodeSqliteClient as unknown as typeof Knex.Client,
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        // WAL lets a second process read while one writes. busy_timeout waits for the other writer
        // while the connection is set up; queries then wait in node-sqlite-client.ts, off the event loop.
        afterCreate: (conn: { exec(sql: string): void }, done: (error: Error | null, conn: unknown) => void) => {
          try {
            conn.exec(
              'PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 0;',
            );
            done(null, conn);
          } catch (error) {
            done(error as Error, conn);
          }
        },
      },
    });
  }
  return knex({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: options.poolSize ?? 10 },
  });
}

// knex creates its own bookkeeping tables (knex_migrations, knex_migrations_lock) before it takes its
// migration lock, so two processes starting together on a fresh database (any
// number of processes share one database) race on them and one of them fails to start. We create
// them first, exactly as knex would, one process at a time: PostgreSQL serialises on an advisory
// lock; sqlite runs each statement on its own, and sqlite's write lock makes each one atomic.
const migrationLockKey = 0x706f_6f72_7477; // "poortw"

async function createMigrationTables(db: Database): Promise<void> {
  const statements = db.schema
    .createTable('knex_migrations', (t) => {
      t.increments();
      t.string('name');
      t.integer('batch');
      t.timestamp('migration_time');
    })
    .createTable('knex_migrations_lock', (t) => {
      t.increments('index').primary();
      t.integer('is_locked');
    })
    .toSQL()
    .map((statement) => statement.sql.replace(/^create table /i, 'create table if not exists '));
  const run = async (q: Knex | Knex.Transaction) => {
    for (const sql of statements) await q.raw(sql);
    // knex expects exactly one lock row; a second one would make every later migration "already locked".
    await q.raw('insert into ?? (??, ??) select 1, 0 where not exists (select 1 from ??)', [
      'knex_migrations_lock',
      'index',
      'is_locked',
      'knex_migrations_lock',
    ]);
  };
  if (isPostgres(db)) {
    await db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [migrationLockKey]);
      await run(trx);
    });
  } else {
    await run(db);
  }
}

export async function migrateToLatest(db: Database): Promise<string[]> {
  await createMigrationTables(db);
  // Two processes starting together: the loser finds the lock taken (or, on sqlite, the database
  // busy inside its transaction) and tries again once the winner is done.
  for (let attempt = 1; ; attempt += 1) {
    try {
      const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
      return applied;
    } catch (error) {
      const retryable =
        (error as Error).name === 'MigrationLocked' ||
        /database is locked|SQLITE_BUSY/.test(String((error as Error).message));
      if (!retryable || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.floor(Math.random() * 100)));
    }
  }
}

export async function pendingMigrations(db: Database): Promise<string[]> {
  await createMigrationTables(db);
  // knex lists the pending migrations as migrationSource.getMigrations named them: by their names.
  const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown, string[]];
  return pending;
}
