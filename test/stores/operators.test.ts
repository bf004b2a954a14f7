import { expect } from 'chai';
import type { OperatorRow, OperatorSessionRow } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { auditEvent } from './audit-event-fixture.ts';

const now = 1_700_000_000_000;
const operator = (id: string, username: string): OperatorRow => ({
  id,
  username,
  displayName: `Beheerder ${username}`,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
  totpSecret: 'v1.k.iv.ct.tag',
  totpKeyId: 'k',
  disabledAt: null,
  createdAt: now,
  updatedAt: now,
});
const session = (id: string, operatorId: string, expiresAt = now + 1000): OperatorSessionRow => ({
  id,
  operatorId,
  createdAt: now,
  expiresAt,
});

for (const kind of databaseKinds) {
  describe(`operator store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('keeps operators by username, one per name, listed in order', async () => {
      await opened.store.insertOperator(operator('o2', 'zeger'));
      await opened.store.insertOperator(operator('o1', 'anna'));
      expect(await opened.another().findOperatorByUsername('anna')).to.deep.equal(operator('o1', 'anna'));
      expect(await opened.store.findOperatorById('o2')).to.deep.equal(operator('o2', 'zeger'));
      expect(await opened.store.findOperatorByUsername('bert')).to.equal(undefined);
      expect((await opened.store.listOperators()).map((row) => row.username)).to.deep.equal(['anna', 'zeger']);
      let refused = false;
      await opened.store.insertOperator(operator('o3', 'anna')).catch(() => (refused = true));
      expect(refused).to.equal(true);
    });

    it('disables an operator once', async () => {
      await opened.store.insertOperator(operator('o1', 'anna'));
      expect(await opened.store.disableOperator('o1', now + 5)).to.equal(true);
      expect(await opened.store.disableOperator('o1', now + 9)).to.equal(false);
      expect(await opened.store.findOperatorById('o1')).to.deep.include({ disabledAt: now + 5, updatedAt: now + 5 });
    });

    it('claims a time step once, also from another process, and never an older one', async () => {
      await opened.store.insertOperator(operator('o1', 'anna'));
      const claims = await Promise.all([
        opened.store.claimOperatorTotpStep('o1', 100),
        opened.another().claimOperatorTotpStep('o1', 100),
      ]);
      expect(claims.filter(Boolean)).to.have.length(1);
      expect(await opened.store.claimOperatorTotpStep('o1', 99)).to.equal(false);
      expect(await opened.store.claimOperatorTotpStep('o1', 101)).to.equal(true);
    });

    it('finds a session until its expiry, from any process, and ends all sessions of an operator', async () => {
      await opened.store.insertOperator(operator('o1', 'anna'));
      await opened.store.insertOperator(operator('o2', 'bert'));
      await opened.store.insertOperatorSession(session('s1', 'o1'));
      await opened.store.insertOperatorSession(session('s2', 'o1'));
      await opened.store.insertOperatorSession(session('s3', 'o2'));
      expect(await opened.another().findOperatorSession('s1', now + 999)).to.deep.equal(session('s1', 'o1'));
      expect(await opened.store.findOperatorSession('s1', now + 1000)).to.equal(undefined);
      await opened.store.touchOperatorSession('s1', now + 5000);
      expect(await opened.store.findOperatorSession('s1', now + 4000)).to.deep.include({ expiresAt: now + 5000 });
      expect(await opened.store.deleteOperatorSessionsOf('o1')).to.equal(2);
      expect(await opened.store.findOperatorSession('s1', now)).to.equal(undefined);
      expect(await opened.store.findOperatorSession('s3', now)).to.deep.equal(session('s3', 'o2'));
      await opened.store.deleteOperatorSession('s3');
      expect(await opened.store.findOperatorSession('s3', now)).to.equal(undefined);
    });

    it('lists the latest audit events of the given kinds, newest first', async () => {
      await opened.store.insertAuditEvent(auditEvent(1, { type: 'admin.organisation_added' }));
      await opened.store.insertAuditEvent(auditEvent(2, { type: 'login.password' }));
      await opened.store.insertAuditEvent(auditEvent(3, { type: 'operator.login' }));
      await opened.store.insertAuditEvent(auditEvent(4, { type: 'admin.webdienst_added' }));
      await opened.store.insertAuditEvent(auditEvent(5, { type: 'administrator' }));
      const types = (await opened.store.listRecentAuditEventsOfTypes(['admin.', 'operator.'], 10)).map(
        (event) => event.type,
      );
      expect(types).to.deep.equal(['admin.webdienst_added', 'operator.login', 'admin.organisation_added']);
      expect(await opened.store.listRecentAuditEventsOfTypes(['admin.', 'operator.'], 2)).to.have.length(2);
    });
  });
}
