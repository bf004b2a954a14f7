import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_700_000_000_000;

for (const kind of databaseKinds) {
  describe(`oidc payload store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('finds an upserted payload by type and id, not under another type', async () => {
      const payload = { accountId: 'citizen-1', grantId: 'grant-1', nested: { claims: ['acr', 'bsn'] } };
      await opened.store.upsertOidcPayload('AuthorizationCode', 'code-1', payload, now + 60_000);
      expect(await opened.store.findOidcPayload('AuthorizationCode', 'code-1', now)).to.deep.equal({
        payload,
        consumedAt: null,
        expiresAt: now + 60_000,
      });
      expect(await opened.store.findOidcPayload('AccessToken', 'code-1', now)).to.equal(undefined);
      expect(await opened.store.findOidcPayload('AuthorizationCode', 'code-2', now)).to.equal(undefined);
    });

    it('replaces the payload and expiry on a second upsert of the same id, from any process', async () => {
      await opened.store.upsertOidcPayload('Session', 'session-1', { uid: 'uid-1', accountId: 'a' }, now + 1000);
      await opened.another().upsertOidcPayload('Session', 'session-1', { uid: 'uid-2', accountId: 'b' }, now + 5000);
      expect(await opened.store.findOidcPayload('Session', 'session-1', now)).to.deep.equal({
        payload: { uid: 'uid-2', accountId: 'b' },
        consumedAt: null,
        expiresAt: now + 5000,
      });
      expect(await opened.store.findOidcPayloadByUid('Session', 'uid-2', now)).to.not.equal(undefined);
      expect(await opened.store.findOidcPayloadByUid('Session', 'uid-1', now)).to.equal(undefined);
    });

    it('finds by uid and by user code', async () => {
      await opened.store.upsertOidcPayload('Session', 'session-1', { uid: 'uid-1' }, now + 1000);
      await opened.store.upsertOidcPayload('DeviceCode', 'device-1', { userCode: 'ABCD-EFGH' }, now + 1000);
      expect((await opened.store.findOidcPayloadByUid('Session', 'uid-1', now))?.payload).to.deep.equal({
        uid: 'uid-1',
      });
      expect((await opened.store.findOidcPayloadByUserCode('DeviceCode', 'ABCD-EFGH', now))?.payload).to.deep.equal({
        userCode: 'ABCD-EFGH',
      });
      expect(await opened.store.findOidcPayloadByUid('Interaction', 'uid-1', now)).to.equal(undefined);
    });

    it('marks a payload consumed at a time, and a later upsert does not undo that', async () => {
      await opened.store.upsertOidcPayload('AuthorizationCode', 'code-1', { grantId: 'grant-1' }, now + 60_000);
      await opened.store.consumeOidcPayload('AuthorizationCode', 'code-1', now + 10);
      expect((await opened.store.findOidcPayload('AuthorizationCode', 'code-1', now + 20))?.consumedAt).to.equal(
        now + 10,
      );
      await opened.store.upsertOidcPayload(
        'AuthorizationCode',
        'code-1',
        { grantId: 'grant-1', extra: true },
        now + 60_000,
      );
      expect((await opened.store.findOidcPayload('AuthorizationCode', 'code-1', now + 20))?.consumedAt).to.equal(
        now + 10,
      );
    });

    it('hides a payload from the moment it expires, and keeps one without expiry', async () => {
      await opened.store.upsertOidcPayload(
        'Interaction',
        'interaction-1',
        { uid: 'uid-1', userCode: 'CODE' },
        now + 1000,
      );
      await opened.store.upsertOidcPayload('Grant', 'grant-1', { accountId: 'a' }, null);
      expect(await opened.store.findOidcPayload('Interaction', 'interaction-1', now + 999)).to.not.equal(undefined);
      expect(await opened.store.findOidcPayload('Interaction', 'interaction-1', now + 1000)).to.equal(undefined);
      expect(await opened.store.findOidcPayloadByUid('Interaction', 'uid-1', now + 1000)).to.equal(undefined);
      expect(await opened.store.findOidcPayloadByUserCode('Interaction', 'CODE', now + 1000)).to.equal(undefined);
      expect(await opened.store.findOidcPayload('Grant', 'grant-1', now + 10 ** 9)).to.deep.include({
        expiresAt: null,
      });
    });

    it('deletes every Session of an account, also after the account changed on a later upsert, and nothing else', async () => {
      await opened.store.upsertOidcPayload('Session', 'anonymous-then-citizen', { uid: 'uid-1' }, now + 1000);
      await opened.store.upsertOidcPayload(
        'Session',
        'anonymous-then-citizen',
        { uid: 'uid-1', accountId: 'citizen-1' },
        now + 1000,
      );
      await opened.store.upsertOidcPayload(
        'Session',
        'other-citizen',
        { uid: 'uid-2', accountId: 'citizen-2' },
        now + 1000,
      );
      await opened.store.upsertOidcPayload('AccessToken', 'token-1', { accountId: 'citizen-1' }, now + 1000);
      expect(await opened.another().deleteOidcSessionsOfAccount('citizen-1')).to.equal(1);
      expect(await opened.store.findOidcPayload('Session', 'anonymous-then-citizen', now)).to.equal(undefined);
      expect(await opened.store.findOidcPayload('Session', 'other-citizen', now)).to.not.equal(undefined);
      expect(await opened.store.findOidcPayload('AccessToken', 'token-1', now)).to.not.equal(undefined);
    });

    it('purges expired rows and only those', async () => {
      await opened.store.upsertOidcPayload('AccessToken', 'old', {}, now - 1);
      await opened.store.upsertOidcPayload('AccessToken', 'live', {}, now + 1000);
      await opened.store.upsertOidcPayload('Grant', 'forever', {}, null);
      expect(await opened.store.purgeExpiredOidcPayloads(now, 1000)).to.equal(1);
      expect(await opened.store.findOidcPayload('AccessToken', 'live', now)).to.not.equal(undefined);
      expect(await opened.store.findOidcPayload('Grant', 'forever', now)).to.not.equal(undefined);
    });

    it('deletes one payload, and by grant id only the rows of that grant and model', async () => {
      await opened.store.upsertOidcPayload('AccessToken', 'token-1', { grantId: 'grant-1' }, now + 1000);
      await opened.store.upsertOidcPayload('AccessToken', 'token-2', { grantId: 'grant-1' }, now + 1000);
      await opened.store.upsertOidcPayload('AccessToken', 'token-3', { grantId: 'grant-2' }, now + 1000);
      await opened.store.upsertOidcPayload('RefreshToken', 'refresh-1', { grantId: 'grant-1' }, now + 1000);
      await opened.store.deleteOidcPayloadsByGrantId('AccessToken', 'grant-1');
      expect(await opened.store.findOidcPayload('AccessToken', 'token-1', now)).to.equal(undefined);
      expect(await opened.store.findOidcPayload('AccessToken', 'token-2', now)).to.equal(undefined);
      expect(await opened.store.findOidcPayload('AccessToken', 'token-3', now)).to.not.equal(undefined);
      expect(await opened.store.findOidcPayload('RefreshToken', 'refresh-1', now)).to.not.equal(undefined);
      await opened.store.deleteOidcPayload('AccessToken', 'token-3');
      expect(await opened.store.findOidcPayload('AccessToken', 'token-3', now)).to.equal(undefined);
    });
  });
}
