// The statement counter behind the bench's "statements per flow" and the /metrics counter: every
// statement a store sends is counted once, by kind, inside transactions too.
import { expect } from 'chai';
import { statementKind } from '../../src/stores/statement-counter.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore } from '../support/stores.ts';

describe('statement kinds', () => {
  it('takes the kind from the query builder, and from the SQL of a raw statement', () => {
    expect(statementKind({ method: 'first', sql: 'select * from citizens limit ?' })).to.equal('select');
    expect(statementKind({ method: 'del', sql: 'delete from throttles' })).to.equal('delete');
    expect(statementKind({ method: 'raw', sql: '  UPDATE throttles set failures = 0' })).to.equal('update');
    expect(statementKind({ sql: 'BEGIN;' })).to.equal('transaction');
    expect(statementKind({ sql: 'COMMIT;' })).to.equal('transaction');
    expect(statementKind({ method: 'raw', sql: 'create table x (id int)' })).to.equal('other');
  });

  it('names a statement with a common table expression by what it finally does', () => {
    expect(
      statementKind({
        method: 'raw',
        sql: 'with head as (update h set n = n + 1 returning n) insert into e (id, at) select n, (1) from head',
      }),
    ).to.equal('insert');
  });
});

for (const kind of databaseKinds) {
  describe(`statement counter (${kind})`, () => {
    it('counts each statement of a store once, inside a transaction too', async () => {
      const opened = await openTestStore(kind);
      try {
        const before = opened.store.statements();
        await opened.store.findCitizenByUsername('nobody');
        await opened.store.inTransaction(async (store) => {
          await store.findCitizenByUsername('nobody');
        });
        const after = opened.store.statements();
        expect(after.select - before.select).to.equal(2);
        expect(after.transaction - before.transaction).to.equal(2);
        expect(after.insert - before.insert).to.equal(0);
      } finally {
        await opened.close();
      }
    });
  });
}
