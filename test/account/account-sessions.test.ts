import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  accountSessionAbsoluteMs,
  accountSessionIdleMs,
  createAccountSessions,
} from '../../src/account/account-sessions.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

for (const kind of databaseKinds) {
  describe(`account sessions (src/account/account-sessions.ts, ${kind})`, () => {
    let opened: TestStore;
    let clock: FakeClock;
    beforeEach(async () => {
      opened = await openTestStore(kind);
      clock = new FakeClock(1_700_000_000_000);
    });
    afterEach(() => opened.close());

    it('stores the SHA-256 of the token as the id, never the token', async () => {
      const sessions = createAccountSessions(opened.store, clock);
      const { token, session } = await sessions.start('citizen-1', 'basis');
      expect(token).to.match(/^[\w-]{43}$/);
      expect(session.id).to.equal(createHash('sha256').update(token).digest('hex'));
      expect(await opened.store.findAccountSession(token, clock.now())).to.equal(undefined);
      expect((await sessions.find(token))?.citizenId).to.equal('citizen-1');
    });

    it('finds nothing for an unknown, missing or oversized token', async () => {
      const sessions = createAccountSessions(opened.store, clock);
      await sessions.start('citizen-1', 'basis');
      expect(await sessions.find(undefined)).to.equal(undefined);
      expect(await sessions.find('unknown')).to.equal(undefined);
      expect(await sessions.find('x'.repeat(5000))).to.equal(undefined);
    });

    it('moves the idle timeout on every find, and ends the session after the idle time', async () => {
      const sessions = createAccountSessions(opened.store, clock);
      const { token } = await sessions.start('citizen-1', 'basis');
      clock.advance(accountSessionIdleMs - 1);
      expect(await sessions.find(token), 'used within the idle time').to.not.equal(undefined);
      clock.advance(accountSessionIdleMs - 1);
      expect(await sessions.find(token), 'the find moved the timeout').to.not.equal(undefined);
      clock.advance(accountSessionIdleMs);
      expect(await sessions.find(token)).to.equal(undefined);
    });

    it('ends a session at the absolute timeout however busy it is, and deletes it', async () => {
      const sessions = createAccountSessions(opened.store, clock);
      const { token, session } = await sessions.start('citizen-1', 'basis');
      const step = 10 * 60 * 1000; // within the idle time
      for (let used = step; used < accountSessionAbsoluteMs; used += step) {
        clock.advance(step);
        expect(await sessions.find(token)).to.not.equal(undefined);
      }
      clock.advance(step);
      expect(await sessions.find(token)).to.equal(undefined);
      expect(await opened.store.findAccountSession(session.id, 0), 'deleted, not just hidden').to.equal(undefined);
    });

    it('keeps a pending phone number with its step-up reference until cleared', async () => {
      const sessions = createAccountSessions(opened.store, clock);
      const { token, session } = await sessions.start('citizen-1', 'basis');
      await sessions.setPendingPhone(session, '+31611111111', 'ref-1');
      expect(await sessions.find(token)).to.deep.include({ pendingPhone: '+31611111111', pendingPhoneRef: 'ref-1' });
      await sessions.clearPendingPhone(session);
      expect(await sessions.find(token)).to.deep.include({ pendingPhone: null, pendingPhoneRef: null });
    });
  });
}
