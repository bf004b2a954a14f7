import { expect } from 'chai';
import { compiledQuery } from '../../src/stores/compiled-query.ts';
import { openDatabase, type Database } from '../../src/stores/database.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.ts';

interface Row {
  id: string;
  kind: string;
  value: number | null;
}

for (const kind of databaseKinds) {
  describe(`compiled queries (${kind})`, () => {
    let database: TestDatabase;
    let db: Database;
    beforeEach(async () => {
      database = await createTestDatabase(kind);
      db = openDatabase(database.url);
      await db.schema.createTable('things', (t) => {
        t.string('id').primary();
        t.string('kind').notNullable();
        t.integer('value').nullable();
      });
    });
    afterEach(async () => {
      await db.destroy();
      await database.drop();
    });

    const queries = (on: Database) => ({
      insert: compiledQuery<Row>(on, (param) =>
        on<Row>('things').insert({ id: param('id'), kind: param('kind'), value: param('value') }),
      ),
      byId: compiledQuery<{ id: string }>(on, (param) =>
        on<Row>('things')
          .where({ id: param('id') })
          .first(),
      ),
      byKind: compiledQuery<{ kind: string }>(on, (param) =>
        on<Row>('things')
          .where({ kind: param('kind') })
          .orderBy('id'),
      ),
      setValue: compiledQuery<{ kind: string; value: number }>(on, (param) =>
        on<Row>('things')
          .where({ kind: param('kind') })
          .update({ value: param('value') }),
      ),
      remove: compiledQuery<{ id: string }>(on, (param) =>
        on<Row>('things')
          .where({ id: param('id') })
          .delete(),
      ),
    });

    it('binds fresh values on every call of a query knex compiled once', async () => {
      const { insert, byId, byKind } = queries(db);
      await insert.changes({ id: 'a', kind: 'x', value: 1 });
      await insert.changes({ id: 'b', kind: 'x', value: null });
      await insert.changes({ id: 'c', kind: 'y', value: 3 });
      expect(await byId.first<Row>({ id: 'b' })).to.deep.equal({ id: 'b', kind: 'x', value: null });
      expect(await byId.first<Row>({ id: 'c' })).to.deep.equal({ id: 'c', kind: 'y', value: 3 });
      expect(await byId.first<Row>({ id: 'nope' })).to.equal(undefined);
      expect((await byKind.rows<Row>({ kind: 'x' })).map((row) => row.id)).to.deep.equal(['a', 'b']);
    });

    it('counts the rows an update or a delete changed', async () => {
      const { insert, setValue, remove } = queries(db);
      for (const id of ['a', 'b', 'c']) await insert.changes({ id, kind: id === 'c' ? 'y' : 'x', value: 0 });
      expect(await setValue.changes({ kind: 'x', value: 7 })).to.equal(2);
      expect(await setValue.changes({ kind: 'none', value: 7 })).to.equal(0);
      expect(await remove.changes({ id: 'c' })).to.equal(1);
      expect(await remove.changes({ id: 'c' })).to.equal(0);
    });

    it('refuses a call without a value for one of its parameters, instead of matching anything', async () => {
      const { byId } = queries(db);
      let error: Error | undefined;
      await byId.first({} as { id: string }).catch((caught: Error) => (error = caught));
      expect(error?.message).to.match(/no value for id/);
    });

    // PostgreSQL runs a compiled query as a named prepared statement; a column added while a process
    // runs (a rolling upgrade's migration) must not break the process's prepared `select *`.
    it('keeps answering, with the new column, after the table changed under it', async () => {
      const { insert, byId } = queries(db);
      await insert.changes({ id: 'a', kind: 'x', value: 1 });
      expect(await byId.first<Row>({ id: 'a' })).to.include({ id: 'a', value: 1 });
      await db.schema.alterTable('things', (t) => {
        t.string('note').nullable();
      });
      expect(await byId.first<Row & { note: string | null }>({ id: 'a' })).to.deep.include({
        id: 'a',
        value: 1,
        note: null,
      });
      expect(await byId.first<Row & { note: string | null }>({ id: 'a' })).to.deep.include({ note: null });
    });

    it('runs on the connection of the transaction it was made for', async () => {
      await db
        .transaction(async (trx) => {
          const inside = queries(trx);
          await inside.insert.changes({ id: 'a', kind: 'x', value: 1 });
          expect(await inside.byId.first<Row>({ id: 'a' })).to.deep.include({ id: 'a' });
          throw new Error('roll back');
        })
        .catch(() => undefined);
      expect(await queries(db).byId.first({ id: 'a' })).to.equal(undefined);
    });
  });
}
