import { expect } from 'chai';
import { openDatabase, type Database } from '../../src/stores/database.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('the node:sqlite knex client', () => {
  let database: TestDatabase;
  let db: Database;
  const numbers = () => db<{ n: number }>('numbers');
  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
    db = openDatabase(database.url);
    await db.schema.createTable('numbers', (t) => {
      t.integer('n').primary();
    });
    await numbers().insert(Array.from({ length: 10 }, (_, n) => ({ n })));
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  // node-sqlite-client.ts writes an integer LIMIT into the SQL (a bound one makes SQLite compile the
  // statement again on every run); the answers must not change, whatever the limit and offset.
  it('answers first(), limit() and limit().offset() with each limit and offset asked for', async () => {
    expect(await numbers().where('n', '>', 4).orderBy('n').first()).to.deep.equal({ n: 5 });
    for (const limit of [1, 3, 1, 20]) {
      expect((await numbers().orderBy('n').limit(limit)).map((row) => row.n)).to.deep.equal([
        ...Array(Math.min(limit, 10)).keys(),
      ]);
    }
    for (const [limit, offset] of [
      [2, 3],
      [2, 8],
      [3, 0],
    ] as const) {
      expect((await numbers().orderBy('n').limit(limit).offset(offset)).map((row) => row.n)).to.deep.equal(
        [...Array(10).keys()].slice(offset, offset + limit),
      );
    }
  });

  it('keeps a limit in a subquery as a bound value', async () => {
    const rows = await numbers().whereIn('n', numbers().select('n').orderBy('n', 'desc').limit(2)).orderBy('n');
    expect(rows.map((row) => row.n)).to.deep.equal([8, 9]);
  });

  // Another process holding the write lock (serve --workers): the write waits for it without
  // blocking this event loop, and lands once the lock is free (node-sqlite-client.ts _query).
  it('waits for a write lock held by another connection, keeping the event loop free', async () => {
    const other = openDatabase(database.url);
    try {
      const holder = await other.transaction();
      await holder.raw('insert into numbers (n) values (100)'); // the write lock, until commit
      let ticks = 0;
      const ticker = setInterval(() => (ticks += 1), 2);
      const release = setTimeout(() => void holder.commit(), 60);
      const startedAt = Date.now();
      await numbers().insert({ n: 101 });
      const waitedMs = Date.now() - startedAt;
      clearInterval(ticker);
      clearTimeout(release);
      expect(waitedMs).to.be.at.least(50);
      expect(ticks, 'timers ran while the insert waited').to.be.at.least(5);
      expect((await numbers().whereIn('n', [100, 101]).orderBy('n')).map((row) => row.n)).to.deep.equal([100, 101]);
    } finally {
      await other.destroy();
    }
  });
});
