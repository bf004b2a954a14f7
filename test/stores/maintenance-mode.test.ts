// The maintenance switch in the database: one row while on, seen by every process.
import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_800_000_000_000;

for (const kind of databaseKinds) {
  describe(`maintenance mode store (${kind})`, () => {
    let opened: TestStore;
    before(async () => {
      opened = await openTestStore(kind);
    });
    after(() => opened.close());

    it('is off on a new database', async () => {
      expect(await opened.store.findMaintenanceMode()).to.equal(undefined);
    });

    it('switches on for every process, and keeps the first start when the texts change', async () => {
      await opened.store.upsertMaintenanceMode({
        messageNl: 'Onderhoud',
        messageEn: null,
        expectedEndAt: now + 3_600_000,
        startedAt: now,
        updatedAt: now,
      });
      await opened.another().upsertMaintenanceMode({
        messageNl: 'Langer onderhoud',
        messageEn: 'Longer maintenance',
        expectedEndAt: null,
        startedAt: now + 60_000,
        updatedAt: now + 60_000,
      });
      expect(await opened.another().findMaintenanceMode()).to.deep.equal({
        messageNl: 'Langer onderhoud',
        messageEn: 'Longer maintenance',
        expectedEndAt: null,
        startedAt: now,
        updatedAt: now + 60_000,
      });
    });

    it('switches off once: a second off says it was not on', async () => {
      expect(await opened.store.deleteMaintenanceMode()).to.equal(true);
      expect(await opened.store.deleteMaintenanceMode()).to.equal(false);
      expect(await opened.another().findMaintenanceMode()).to.equal(undefined);
    });
  });
}
