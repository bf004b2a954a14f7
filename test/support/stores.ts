// A store on a fresh test database, opened straight through openStore (no server), for the tests of
// src/stores. `another()` opens a second store on the same database: a second process as far as the
// database can tell (its own connections), for the races  says every process survives.
import { openStore, type Store } from '../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export interface TestStore {
  store: Store;
  database: TestDatabase;
  another(): Store;
  close(): Promise<void>;
}

export async function openTestStore(
  kind: 'sqlite' | 'postgres',
  options: { migrate?: boolean } = {},
): Promise<TestStore> {
  const database = await createTestDatabase(kind);
  const store = openStore(database.url);
  const others: Store[] = [];
  if (options.migrate ?? true) await store.migrate();
  return {
    store,
    database,
    another() {
      const other = openStore(database.url);
      others.push(other);
      return other;
    },
    async close() {
      await Promise.all([store, ...others].map((opened) => opened.close()));
      await database.drop();
    },
  };
}
