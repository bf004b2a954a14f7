import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { CitizenRow, CitizenStatus } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

type NewCitizenRow = Parameters<TestStore['store']['insertCitizen']>[0];

function citizen(overrides: Partial<NewCitizenRow> = {}): NewCitizenRow {
  return {
    id: randomUUID(),
    username: `burger-${randomUUID().slice(0, 8)}`,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g',
    bsn: '999993653',
    phone: null,
    status: 'active',
    locale: 'nl',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...overrides,
  };
}

for (const kind of databaseKinds) {
  describe(`citizen store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('finds an inserted citizen by username and by id, with the same plain row', async () => {
      const row = citizen({ phone: '+31612345678', locale: 'en' });
      await opened.store.insertCitizen(row);
      const byUsername = await opened.store.findCitizenByUsername(row.username);
      const byId = await opened.store.findCitizenById(row.id);
      expect(byUsername).to.deep.include({ ...row, passwordRecoveryRequired: false });
      expect(byId).to.deep.equal(byUsername);
      expect(byUsername!.createdAt).to.be.a('number');
      expect(await opened.store.countCitizens()).to.equal(1);
    });

    it('finds nothing for an unknown username, id or BSN', async () => {
      await opened.store.insertCitizen(citizen());
      expect(await opened.store.findCitizenByUsername('niemand')).to.equal(undefined);
      expect(await opened.store.findCitizenById(randomUUID())).to.equal(undefined);
      expect(await opened.store.findActiveCitizenByBsn('999990019')).to.equal(undefined);
    });

    it('refuses a second account with a username already taken', async () => {
      const first = citizen();
      await opened.store.insertCitizen(first);
      let error: unknown;
      await opened.store
        .insertCitizen(citizen({ username: first.username, bsn: '999990019' }))
        .catch((caught: unknown) => (error = caught));
      expect((error as Error)?.message, 'second insert with the same username').to.match(/unique/i);
      expect(await opened.store.countCitizens()).to.equal(1);
    });

    it('keeps one account that is not revoked per BSN', async () => {
      await opened.store.insertCitizen(citizen({ bsn: '999991905', status: 'active' }));
      for (const status of ['active', 'requested', 'suspended'] satisfies CitizenStatus[]) {
        let error: unknown;
        await opened.store
          .insertCitizen(citizen({ bsn: '999991905', status }))
          .catch((caught: unknown) => (error = caught));
        expect((error as Error)?.message, `a second ${status} account for one BSN`).to.match(/unique/i);
      }
      expect(await opened.store.countCitizens()).to.equal(1);
    });

    it('allows revoked accounts beside the one live account of a BSN, and finds only the live one', async () => {
      const live = citizen({ bsn: '999991905', status: 'suspended' });
      await opened.store.insertCitizen(citizen({ bsn: '999991905', status: 'revoked' }));
      await opened.store.insertCitizen(citizen({ bsn: '999991905', status: 'revoked' }));
      expect(await opened.store.findActiveCitizenByBsn('999991905')).to.equal(undefined);
      await opened.store.insertCitizen(live);
      expect((await opened.store.findActiveCitizenByBsn('999991905'))?.id).to.equal(live.id);
      expect(await opened.store.countCitizens()).to.equal(3);
    });

    it('lets only one of two parallel inserts for one BSN win', async () => {
      const results = await Promise.allSettled([
        opened.store.insertCitizen(citizen({ bsn: '999990019' })),
        opened.another().insertCitizen(citizen({ bsn: '999990019' })),
      ]);
      expect(results.map((result) => result.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      expect(String((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason)).to.match(
        /unique/i,
      );
      expect(await opened.store.countCitizens()).to.equal(1);
    });

    it('updates the password hash and marks password recovery', async () => {
      const row = citizen();
      await opened.store.insertCitizen(row);
      await opened.store.updatePasswordHash(row.id, '$argon2id$new', row.createdAt + 1000);
      await opened.store.markPasswordRecoveryRequired(row.id, row.createdAt + 2000);
      const found = (await opened.store.findCitizenById(row.id)) as CitizenRow;
      expect(found.passwordHash).to.equal('$argon2id$new');
      expect(found.passwordRecoveryRequired).to.equal(true);
      expect(found.updatedAt).to.equal(row.createdAt + 2000);
    });
  });
}
