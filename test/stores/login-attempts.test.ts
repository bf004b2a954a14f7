import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { LoginAttemptRow } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const start = 1_700_000_000_000;

function attempt(overrides: Partial<LoginAttemptRow> = {}): LoginAttemptRow {
  return {
    id: randomUUID(),
    browserBinding: randomUUID(),
    protocol: 'oidc',
    protocolRef: `interaction-${randomUUID()}`,
    webdienstId: randomUUID(),
    requiredLevel: 'basis',
    forceAuthentication: false,
    resumeUrl: 'http://127.0.0.1:3000/interaction/abc',
    status: 'pending',
    citizenId: null,
    levelReached: null,
    authenticatedAt: null,
    createdAt: start,
    expiresAt: start + 900_000,
    stage: 'password',
    secondFactorMethod: null,
    ...overrides,
  };
}

for (const kind of databaseKinds) {
  describe(`login attempt store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('finds an inserted attempt as the same plain row', async () => {
      const row = attempt({ forceAuthentication: true });
      await opened.store.insertLoginAttempt(row);
      expect(await opened.store.findLoginAttempt(row.id)).to.deep.equal(row);
      expect(await opened.store.findLoginAttempt(randomUUID())).to.equal(undefined);
    });

    it('moves an attempt on with its result, only from the status it is in', async () => {
      const row = attempt();
      await opened.store.insertLoginAttempt(row);
      expect(await opened.store.transitionLoginAttempt(row.id, 'authenticated', 'finished')).to.equal(false);
      expect(
        await opened.store.transitionLoginAttempt(row.id, 'pending', 'authenticated', {
          citizenId: 'citizen-1',
          levelReached: 'basis',
          authenticatedAt: start + 5000,
        }),
      ).to.equal(true);
      expect(await opened.store.findLoginAttempt(row.id)).to.deep.include({
        status: 'authenticated',
        citizenId: 'citizen-1',
        levelReached: 'basis',
        authenticatedAt: start + 5000,
      });
      expect(await opened.store.transitionLoginAttempt(row.id, 'pending', 'cancelled')).to.equal(false);
      expect(await opened.store.transitionLoginAttempt(row.id, 'authenticated', 'finished')).to.equal(true);
      expect((await opened.store.findLoginAttempt(row.id))?.status).to.equal('finished');
    });

    it('lets exactly one of 20 parallel transitions win, also across two processes', async () => {
      const row = attempt();
      await opened.store.insertLoginAttempt(row);
      const other = opened.another();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? other : opened.store).transitionLoginAttempt(row.id, 'pending', 'authenticated', {
            citizenId: `citizen-${index}`,
            levelReached: 'basis',
            authenticatedAt: start + index,
          }),
        ),
      );
      expect(results.filter(Boolean)).to.have.length(1);
      const winner = results.indexOf(true);
      expect(await opened.store.findLoginAttempt(row.id)).to.deep.include({
        status: 'authenticated',
        citizenId: `citizen-${winner}`,
        authenticatedAt: start + winner,
      });
    });

    it('lets a cancel and an authentication race with one winner', async () => {
      const row = attempt();
      await opened.store.insertLoginAttempt(row);
      const [cancelled, authenticated] = await Promise.all([
        opened.another().transitionLoginAttempt(row.id, 'pending', 'cancelled'),
        opened.store.transitionLoginAttempt(row.id, 'pending', 'authenticated', {
          citizenId: 'citizen-1',
          levelReached: 'basis',
          authenticatedAt: start,
        }),
      ]);
      expect([cancelled, authenticated].filter(Boolean)).to.have.length(1);
      expect((await opened.store.findLoginAttempt(row.id))?.status).to.equal(cancelled ? 'cancelled' : 'authenticated');
    });

    it('finds the latest attempt for a protocol reference', async () => {
      const protocolRef = `interaction-${randomUUID()}`;
      const older = attempt({ protocolRef, createdAt: start });
      const newer = attempt({ protocolRef, createdAt: start + 1000 });
      await opened.store.insertLoginAttempt(newer);
      await opened.store.insertLoginAttempt(older);
      expect((await opened.store.findLatestLoginAttemptByProtocolRef('oidc', protocolRef))?.id).to.equal(newer.id);
      expect(await opened.store.findLatestLoginAttemptByProtocolRef('saml', protocolRef)).to.equal(undefined);
    });

    it('deletes only attempts that have expired', async () => {
      const expired = attempt({ expiresAt: start + 1000 });
      const live = attempt({ expiresAt: start + 3000 });
      await opened.store.insertLoginAttempt(expired);
      await opened.store.insertLoginAttempt(live);
      expect(await opened.store.purgeExpiredLoginAttempts(start + 2000, 1000)).to.equal(1);
      expect(await opened.store.findLoginAttempt(expired.id)).to.equal(undefined);
      expect(await opened.store.findLoginAttempt(live.id)).to.not.equal(undefined);
    });
  });
}
