// A reservation may start from a row read a moment earlier (a password check reads its three keys in
// one statement): the write is still a compare-and-set, so a stale row never lets a guess past the limit.
import { expect } from 'chai';
import { createThrottle, type ThrottleRule } from '../../src/core/throttle.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const rule: ThrottleRule = { freeFailures: 3, baseDelaySeconds: 10, maxDelaySeconds: 600, windowSeconds: 3600 };

for (const kind of databaseKinds) {
  describe(`throttle reservations from a row read earlier (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('reads again when the row changed since it was read, and counts every reservation', async () => {
      const clock = new FakeClock(1_700_000_000_000);
      const throttle = createThrottle(opened.store, clock);
      const stale = await throttle.read(['pw:account:a', 'pw:network:a']);
      expect(stale.get('pw:account:a')).to.equal(null);
      // Another request reserves in between: the row read above is out of date.
      expect((await throttle.reserve('pw:account:a', rule)).allowed).to.equal(true);
      const reservation = await throttle.reserve('pw:account:a', rule, stale.get('pw:account:a'));
      expect(reservation).to.deep.include({ allowed: true, consecutiveFailures: 2 });
      expect((await opened.store.findThrottle('pw:account:a'))?.failures).to.equal(2);
    });

    it('refuses once the limit is reached, whatever row the reservation was handed', async () => {
      const clock = new FakeClock(1_700_000_000_000);
      const throttle = createThrottle(opened.store, clock);
      const empty = (await throttle.read(['pw:account:b'])).get('pw:account:b');
      for (let guess = 0; guess < rule.freeFailures; guess += 1)
        expect((await throttle.reserve('pw:account:b', rule)).allowed).to.equal(true);
      const late = await throttle.reserve('pw:account:b', rule, empty);
      expect(late.allowed).to.equal(false);
      expect((await opened.store.findThrottle('pw:account:b'))?.failures).to.equal(rule.freeFailures);
    });

    it('uses the row it was handed without reading it again', async () => {
      const clock = new FakeClock(1_700_000_000_000);
      const throttle = createThrottle(opened.store, clock);
      const read = await throttle.read(['pw:account:c', 'pw:network:c']);
      const before = opened.store.statements().select;
      await throttle.reserve('pw:account:c', rule, read.get('pw:account:c'));
      await throttle.reserve('pw:network:c', rule, read.get('pw:network:c'));
      expect(opened.store.statements().select - before).to.equal(0);
    });
  });
}
