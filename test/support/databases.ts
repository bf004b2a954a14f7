// The databases the suite runs against: always a fresh sqlite file; PostgreSQL too when
// TEST_POSTGRES_URL names a server (.ci/run starts one), each test server in a database of its own.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  kind: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

const tmpDir = join(process.cwd(), '.tmp');

export const databaseKinds: Array<'sqlite' | 'postgres'> = process.env.TEST_POSTGRES_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

export async function createTestDatabase(kind: 'sqlite' | 'postgres' = 'sqlite'): Promise<TestDatabase> {
  const name = `pw_test_${randomBytes(6).toString('hex')}`;
  if (kind === 'sqlite') {
    mkdirSync(tmpDir, { recursive: true });
    const file = join(tmpDir, `${name}.sqlite`);
    return {
      kind,
      url: `sqlite:${file}`,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
      },
    };
  }
  const adminUrl = process.env.TEST_POSTGRES_URL;
  if (!adminUrl) throw new Error('TEST_POSTGRES_URL is not set');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.href,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // An autovacuum worker in the database blocks FORCE for a role without pg_signal_backend
        // (.ci/run grants it); it is gone within moments.
        for (let attempt = 1; ; attempt += 1) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            break;
          } catch (error) {
            if ((error as { code?: string }).code !== '42501' || attempt === 10) throw error;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      } finally {
        await client.end();
      }
    },
  };
}
