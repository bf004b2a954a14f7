import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

for (const kind of databaseKinds) {
  describe(`store migrations (${kind})`, () => {
    let opened: TestStore | undefined;
    afterEach(async () => {
      await opened?.close();
      opened = undefined;
    });

    it('applies every migration, in name order, to a fresh database', async () => {
      opened = await openTestStore(kind, { migrate: false });
      const pending = await opened.store.pendingMigrations();
      expect(pending).to.include('001-foundation');
      expect(pending).to.deep.equal([...pending].sort());
      expect(await opened.store.migrate()).to.deep.equal(pending);
      expect(await opened.store.pendingMigrations()).to.deep.equal([]);
      expect(await opened.store.countCitizens()).to.equal(0);
      expect(await opened.store.listOrganisations()).to.deep.equal([]);
    });

    it('applies nothing the second time, from the same or another process', async () => {
      opened = await openTestStore(kind, { migrate: false });
      expect(await opened.store.migrate()).to.not.deep.equal([]);
      expect(await opened.store.migrate()).to.deep.equal([]);
      expect(await opened.another().migrate()).to.deep.equal([]);
      expect(await opened.store.pendingMigrations()).to.deep.equal([]);
    });

    it('lets two processes that start together on a fresh database both migrate it', async () => {
      opened = await openTestStore(kind, { migrate: false });
      const results = await Promise.all([opened.store.migrate(), opened.another().migrate()]);
      // One of them applied everything, the other nothing; neither failed.
      const [none, all] = results.sort((a, b) => a.length - b.length);
      expect(none).to.deep.equal([]);
      expect(all).to.include('001-foundation');
      expect(await opened.store.pendingMigrations()).to.deep.equal([]);
    });
  });
}
