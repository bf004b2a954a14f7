import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const minute = 60_000;
const start = 1_700_000_000_000;

for (const kind of databaseKinds) {
  describe(`throttle store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('starts a new key at one failure in a window that starts now', async () => {
      const row = await opened.store.incrementThrottleFailures('account:a', start, start - 60 * minute);
      expect(row).to.deep.equal({
        key: 'account:a',
        failures: 1,
        consecutiveFailures: 1,
        windowStartedAt: start,
        blockedUntil: 0,
      });
      expect(await opened.store.findThrottle('account:a')).to.deep.equal(row);
    });

    it('counts every one of 20 parallel failures, also from two processes', async () => {
      const other = opened.another();
      const rows = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? other : opened.store).incrementThrottleFailures(
            'account:parallel',
            start + index,
            start - 60 * minute,
          ),
        ),
      );
      // Each increment saw its own count: no two read the same value and wrote the same next one.
      expect(rows.map((row) => row.failures).sort((a, b) => a - b)).to.deep.equal(
        Array.from({ length: 20 }, (_, index) => index + 1),
      );
      const stored = await opened.store.findThrottle('account:parallel');
      expect(stored?.failures).to.equal(20);
      expect(stored?.consecutiveFailures).to.equal(20);
    });

    it('keeps counting within the window and starts again at one after it, keeping the consecutive count', async () => {
      const windowMs = 60 * minute;
      await opened.store.incrementThrottleFailures('address:x', start, start - windowMs);
      const second = await opened.store.incrementThrottleFailures(
        'address:x',
        start + 30 * minute,
        start + 30 * minute - windowMs,
      );
      expect(second.failures).to.equal(2);
      expect(second.windowStartedAt).to.equal(start);
      const later = start + 61 * minute;
      const reset = await opened.store.incrementThrottleFailures('address:x', later, later - windowMs);
      expect(reset.failures).to.equal(1);
      expect(reset.windowStartedAt).to.equal(later);
      expect(reset.consecutiveFailures).to.equal(3);
    });

    it('keeps keys apart', async () => {
      await opened.store.incrementThrottleFailures('account:a', start, start - minute);
      await opened.store.incrementThrottleFailures('account:a', start, start - minute);
      const other = await opened.store.incrementThrottleFailures('account:b', start, start - minute);
      expect(other.failures).to.equal(1);
      expect((await opened.store.findThrottle('account:a'))?.failures).to.equal(2);
    });

    it('blocks until a time, keeps the block through further failures, and forgets the key when cleared', async () => {
      await opened.store.incrementThrottleFailures('account:c', start, start - minute);
      await opened.store.blockThrottleUntil('account:c', start + 4000);
      expect((await opened.store.findThrottle('account:c'))?.blockedUntil).to.equal(start + 4000);
      const next = await opened.store.incrementThrottleFailures('account:c', start + 1000, start + 1000 - minute);
      expect(next.blockedUntil).to.equal(start + 4000);
      await opened.store.clearThrottle('account:c');
      expect(await opened.store.findThrottle('account:c')).to.equal(undefined);
      expect(
        (await opened.store.incrementThrottleFailures('account:c', start + 2000, start + 2000 - minute)).failures,
      ).to.equal(1);
    });

    it('reads several keys in one statement, leaving out the absent ones, and clears several at once', async () => {
      await opened.store.incrementThrottleFailures('account:d', start, start - minute);
      await opened.store.incrementThrottleFailures('network:d', start, start - minute);
      const before = opened.store.statements().select;
      const found = await opened.store.findThrottles(['account:d', 'network:d', 'absent:d']);
      expect(opened.store.statements().select - before).to.equal(1);
      expect([...found.keys()].sort()).to.deep.equal(['account:d', 'network:d']);
      expect(found.get('account:d')).to.deep.equal(await opened.store.findThrottle('account:d'));
      await opened.store.incrementThrottleFailures('other:d', start, start - minute);
      await opened.store.clearThrottles(['account:d', 'network:d']);
      expect(await opened.store.findThrottles(['account:d', 'network:d'])).to.have.property('size', 0);
      expect(await opened.store.findThrottle('other:d')).to.not.equal(undefined);
    });
  });
}
