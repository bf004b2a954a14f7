// Disruptions on the public status page: numbered, listed earliest first, the ended ones left out.
import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const hour = 3_600_000;
const now = 1_800_000_000_000;
const disruption = (startsAt: number, endsAt: number, title: string) => ({
  startsAt,
  endsAt,
  titleNl: title,
  titleEn: `${title} (en)`,
  descriptionNl: null,
  descriptionEn: 'Details',
  createdAt: now,
});

for (const kind of databaseKinds) {
  describe(`status disruption store (${kind})`, () => {
    let opened: TestStore;
    before(async () => {
      opened = await openTestStore(kind);
    });
    after(() => opened.close());

    it('numbers new disruptions and lists those not yet ended, earliest first', async () => {
      const later = await opened.store.insertStatusDisruption(disruption(now + 48 * hour, now + 50 * hour, 'later'));
      const ended = await opened.store.insertStatusDisruption(disruption(now - 5 * hour, now - hour, 'ended'));
      const current = await opened.store.insertStatusDisruption(disruption(now - hour, now + hour, 'current'));
      expect(new Set([later.id, ended.id, current.id]).size).to.equal(3);
      expect(current).to.deep.include({ titleNl: 'current', descriptionEn: 'Details', descriptionNl: null });
      const open = await opened.another().listStatusDisruptions({ endingAfter: now });
      expect(open.map((row) => row.titleNl)).to.deep.equal(['current', 'later']);
      expect(open[0]).to.deep.equal(current);
      expect((await opened.store.listStatusDisruptions()).map((row) => row.titleNl)).to.deep.equal([
        'ended',
        'current',
        'later',
      ]);
    });

    it('removes a disruption by id, and says so when there is none', async () => {
      const [first] = await opened.store.listStatusDisruptions();
      expect(await opened.store.deleteStatusDisruption(first!.id)).to.equal(true);
      expect(await opened.store.deleteStatusDisruption(first!.id)).to.equal(false);
      expect(await opened.store.listStatusDisruptions()).to.have.length(2);
    });
  });
}
