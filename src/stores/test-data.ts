import type { Database } from './database.ts';

/** What the development seed left in a database: the rows marked test_data (migration 014). */
export interface TestDataRows {
  citizens: Array<{ username: string }>;
  organisations: Array<{ oin: string; name: string }>;
  webdiensten: Array<{ clientId: string; name: string }>;
}

export function testDataStore(db: Database) {
  return {
    /** At most `limit` rows of each kind, enough to name them in a message. */
    async listTestData(limit = 20): Promise<TestDataRows> {
      const [citizens, organisations, webdiensten] = await Promise.all([
        db('citizens')
          .where('test_data', true)
          .orderBy('username')
          .limit(limit)
          .select<{ username: string }[]>('username'),
        db('organisations')
          .where('test_data', true)
          .orderBy('oin')
          .limit(limit)
          .select<{ oin: string; name: string }[]>('oin', 'name'),
        db('webdiensten')
          .where('test_data', true)
          .orderBy('client_id')
          .limit(limit)
          .select<{ client_id: string; name: string }[]>('client_id', 'name'),
      ]);
      return {
        citizens,
        organisations,
        webdiensten: webdiensten.map((row) => ({ clientId: row.client_id, name: row.name })),
      };
    },
  };
}
