// Opens the database named by DATABASE_URL (DESIGN.md section 9) and applies the migrations.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import * as foundation from './migrations/001-foundation.ts';

export type Database = Knex;

// PostgreSQL returns bigint columns as strings; every time here is epoch milliseconds, well within 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const migrations: Record<string, Knex.Migration> = {
  '001-foundation': foundation,
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};

export function openDatabase(url: string, options: { poolSize?: number } = {}): Database {
  if (url.startsWith('sqlite:')) {
    const filename = url.slice('sqlite:'.length) || './data/poortwachter.sqlite';
    if (filename !== ':memory:') mkdirSync(dirname(resolve(filename)), { recursive: true });
    return knex({
      client: 'sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      pool: {
        min: 1,
        max: 1,
        // WAL lets a second process read while one writes; busy_timeout waits for the other writer.
        afterCreate: (conn: { exec(sql: string, cb: (error: Error | null) => void): void }, done: (error: Error | null, conn: unknown) => void) => {
          conn.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;', (error) => done(error, conn));
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

export async function migrateToLatest(db: Database): Promise<string[]> {
  const [, applied] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

export async function pendingMigrations(db: Database): Promise<string[]> {
  const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown, Array<{ file?: string } | string>];
  return pending.map((entry) => (typeof entry === 'string' ? entry : entry.file ?? String(entry)));
}
