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

    it('finishes the latest done attempt of a reference in one statement, once', async () => {
      const protocolRef = `interaction-${randomUUID()}`;
      const older = attempt({ protocolRef, createdAt: start, status: 'cancelled' });
      const newer = attempt({
        protocolRef,
        createdAt: start + 1000,
        status: 'authenticated',
        citizenId: 'citizen-1',
        levelReached: 'basis',
        authenticatedAt: start + 2000,
      });
      await opened.store.insertLoginAttempt(older);
      await opened.store.insertLoginAttempt(newer);
      const before = opened.store.statements();
      const finished = await opened.store.finishLatestLoginAttempt('oidc', protocolRef, start + 3000);
      const after = opened.store.statements();
      expect(after.update - before.update + after.select - before.select).to.equal(1);
      expect(finished).to.deep.equal({ ...newer, status: 'finished' });
      expect(await opened.store.finishLatestLoginAttempt('oidc', protocolRef, start + 3000)).to.equal(undefined);
      // The older attempt is not the latest: it is never taken.
      expect((await opened.store.findLoginAttempt(older.id))?.status).to.equal('cancelled');
    });

    it('finishes no attempt that is pending, expired, or authenticated without a level', async () => {
      const pending = attempt();
      const expired = attempt({ status: 'cancelled', expiresAt: start + 1000 });
      const incomplete = attempt({ status: 'authenticated', citizenId: 'citizen-1' });
      for (const row of [pending, expired, incomplete]) await opened.store.insertLoginAttempt(row);
      for (const row of [pending, expired, incomplete])
        expect(await opened.store.finishLatestLoginAttempt('oidc', row.protocolRef, start + 2000)).to.equal(undefined);
      expect((await opened.store.findLoginAttempt(expired.id))?.status).to.equal('cancelled');
      expect(await opened.store.finishLatestLoginAttempt('saml', pending.protocolRef, start)).to.equal(undefined);
    });

    it('lets exactly one of 10 parallel finishes take the result, also across two processes', async () => {
      const row = attempt({ status: 'unmet', stage: 'no_second_factor' });
      await opened.store.insertLoginAttempt(row);
      const other = opened.another();
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 ? other : opened.store).finishLatestLoginAttempt('oidc', row.protocolRef, start),
        ),
      );
      expect(taken.filter(Boolean)).to.have.length(1);
    });
  });
}
