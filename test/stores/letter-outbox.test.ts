import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

for (const kind of databaseKinds) {
  describe(`letter outbox store (${kind})`, () => {
    let opened: TestStore;
    before(async () => {
      opened = await openTestStore(kind);
    });
    after(() => opened.close());

    const letter = (id: string, name: string, addressLines: string[], createdAt: number) => ({
      id,
      kind: 'activation',
      recipientName: name,
      addressLines,
      code: `CODE-${id}`,
      expiresAt: createdAt + 1000,
      useAt: 'http://localhost/activeren',
      createdAt,
    });

    it('keeps letters and lists them newest first, filtered on part of the name or address', async () => {
      const { store } = opened;
      await store.insertOutboxLetter(letter('a', 'J. de Vries', ['Dorpsstraat 12', '1234 AB  VOORBEELDSTAD'], 1));
      await store.insertOutboxLetter(letter('b', 'K. 100%_Bakker', ['Stationsweg 101', '9711 AA  GRONINGEN'], 2));
      expect((await store.listOutboxLetters()).map((row) => row.id)).to.deep.equal(['b', 'a']);
      expect((await store.listOutboxLetters({ addressedTo: '1234 AB' })).map((row) => row.id)).to.deep.equal(['a']);
      expect((await store.listOutboxLetters({ addressedTo: 'de Vries' })).map((row) => row.id)).to.deep.equal(['a']);
      // % and _ are text, not wildcards.
      expect((await store.listOutboxLetters({ addressedTo: '100%_' })).map((row) => row.id)).to.deep.equal(['b']);
      expect((await store.listOutboxLetters({ addressedTo: '%' })).map((row) => row.id)).to.deep.equal(['b']);
      expect(await store.findOutboxLetter('a')).to.deep.equal(
        letter('a', 'J. de Vries', ['Dorpsstraat 12', '1234 AB  VOORBEELDSTAD'], 1),
      );
      expect(await store.findOutboxLetter('none')).to.equal(undefined);
    });
  });
}
