import { expect } from 'chai';
import type { SsoSessionRow } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_800_000_000_000;
const session = (
  id: string,
  citizenId = 'c1',
  changes: Partial<SsoSessionRow> = {},
): Omit<SsoSessionRow, 'endedAt'> => ({
  id,
  browserId: 'b1',
  federation: 'belastingen',
  citizenId,
  level: 'basis',
  authenticatedAt: now,
  startedAt: now,
  lastActivityAt: now,
  clientAddress: '192.0.2.1',
  ...changes,
});

for (const kind of databaseKinds) {
  describe(`SSO session store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('keeps a session with its participants, readable from another process', async () => {
      await opened.store.saveSsoAuthentication(session('s1'));
      await opened.store.addSsoParticipant({
        sessionId: 's1',
        webdienstId: 'w1',
        protocol: 'oidc',
        sessionRef: 'sid-1',
        joinedAt: now,
      });
      await opened.store.addSsoParticipant({
        sessionId: 's1',
        webdienstId: 'w2',
        protocol: 'saml',
        sessionRef: 'idx-2',
        joinedAt: now + 1,
      });
      const other = opened.another();
      expect(await other.findSsoSession('s1')).to.deep.equal({ ...session('s1'), endedAt: null });
      expect((await other.listSsoParticipants('s1')).map((p) => p.webdienstId)).to.deep.equal(['w1', 'w2']);
      expect((await other.findSsoSessionByParticipant('w2', 'idx-2'))?.id).to.equal('s1');
      expect(await other.findSsoSessionByParticipant('w2', 'idx-other')).to.equal(undefined);
    });

    it('a participant joining again replaces its session reference', async () => {
      await opened.store.saveSsoAuthentication(session('s1'));
      await opened.store.addSsoParticipant({
        sessionId: 's1',
        webdienstId: 'w1',
        protocol: 'saml',
        sessionRef: 'old',
        joinedAt: now,
      });
      await opened.store.addSsoParticipant({
        sessionId: 's1',
        webdienstId: 'w1',
        protocol: 'saml',
        sessionRef: 'new',
        joinedAt: now + 5,
      });
      expect(await opened.store.listSsoParticipants('s1')).to.deep.equal([
        { sessionId: 's1', webdienstId: 'w1', protocol: 'saml', sessionRef: 'new', joinedAt: now + 5 },
      ]);
    });

    it('a step-up keeps the participants; another citizen in the same browser starts clean', async () => {
      await opened.store.saveSsoAuthentication(session('s1'));
      await opened.store.addSsoParticipant({
        sessionId: 's1',
        webdienstId: 'w1',
        protocol: 'oidc',
        sessionRef: 'sid',
        joinedAt: now,
      });
      await opened.store.saveSsoAuthentication(session('s1', 'c1', { level: 'midden', authenticatedAt: now + 10 }));
      expect(await opened.store.findSsoSession('s1')).to.deep.include({ level: 'midden', authenticatedAt: now + 10 });
      expect(await opened.store.listSsoParticipants('s1')).to.have.length(1);
      await opened.store.saveSsoAuthentication(session('s1', 'c2'));
      expect(await opened.store.findSsoSession('s1')).to.deep.include({ citizenId: 'c2', level: 'basis' });
      expect(await opened.store.listSsoParticipants('s1')).to.deep.equal([]);
    });

    it("lists the open sessions of one browser, one per federation, and no other browser's", async () => {
      await opened.store.saveSsoAuthentication(session('f1'));
      await opened.store.saveSsoAuthentication(session('f2', 'c1', { federation: 'toeslagen' }));
      await opened.store.saveSsoAuthentication(session('other', 'c1', { browserId: 'b2' }));
      await opened.store.saveSsoAuthentication(session('ended', 'c1', { federation: 'gemeente' }));
      await opened.store.endSsoSession('ended', now + 1);
      expect((await opened.store.listOpenSsoSessionsOfBrowser('b1')).map((s) => s.id).sort()).to.deep.equal([
        'f1',
        'f2',
      ]);
    });

    it('ends a session once: a second end reports that it had ended; touches after the end change nothing', async () => {
      await opened.store.saveSsoAuthentication(session('s1'));
      await opened.store.touchSsoSession('s1', now + 100);
      expect(await opened.store.endSsoSession('s1', now + 200)).to.equal(true);
      expect(await opened.another().endSsoSession('s1', now + 300)).to.equal(false);
      await opened.store.touchSsoSession('s1', now + 400);
      expect(await opened.store.findSsoSession('s1')).to.deep.include({
        lastActivityAt: now + 100,
        endedAt: now + 200,
      });
      expect(await opened.store.findSsoSessionByParticipant('w1', 'sid')).to.equal(undefined);
    });
  });
}
