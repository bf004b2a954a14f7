import { expect } from 'chai';
import type { AccountSessionRow } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_700_000_000_000;
const session = (id: string, citizenId: string, expiresAt = now + 1000): AccountSessionRow => ({
  id,
  citizenId,
  level: 'basis',
  createdAt: now,
  expiresAt,
  pendingPhone: null,
  pendingPhoneRef: null,
});

for (const kind of databaseKinds) {
  describe(`account session store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('finds a session until the moment it expires, from any process', async () => {
      await opened.store.insertAccountSession(session('s1', 'c1'));
      expect(await opened.another().findAccountSession('s1', now + 999)).to.deep.equal(session('s1', 'c1'));
      expect(await opened.store.findAccountSession('s1', now + 1000)).to.equal(undefined);
    });

    it('moves the expiry and keeps a pending phone number', async () => {
      await opened.store.insertAccountSession(session('s1', 'c1'));
      await opened.store.touchAccountSession('s1', now + 5000);
      await opened.store.updateAccountSessionPendingPhone('s1', '+31611111111', 'ref');
      expect(await opened.store.findAccountSession('s1', now + 4000)).to.deep.include({
        expiresAt: now + 5000,
        pendingPhone: '+31611111111',
        pendingPhoneRef: 'ref',
      });
    });

    it("deletes the sessions of a citizen except one, and no one else's", async () => {
      for (const [id, citizen] of [
        ['a', 'c1'],
        ['b', 'c1'],
        ['c', 'c1'],
        ['d', 'c2'],
      ])
        await opened.store.insertAccountSession(session(id!, citizen!));
      expect(await opened.store.deleteAccountSessionsOfCitizen('c1', 'a')).to.equal(2);
      expect(await opened.store.findAccountSession('a', now)).to.not.equal(undefined);
      expect(await opened.store.findAccountSession('d', now)).to.not.equal(undefined);
      expect(await opened.store.deleteAccountSessionsOfCitizen('c1')).to.equal(1);
    });

    it('purges expired sessions and only those', async () => {
      await opened.store.insertAccountSession(session('old', 'c1', now - 1));
      await opened.store.insertAccountSession(session('live', 'c1', now + 1));
      expect(await opened.store.purgeExpiredAccountSessions(now, 1000)).to.equal(1);
      expect(await opened.store.findAccountSession('live', now)).to.not.equal(undefined);
    });
  });
}
