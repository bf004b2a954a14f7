// Migration 004: the built-in organisation and webdienst of the citizen's own pages (product data,
// in every environment, but never listed as connected), account sessions, and the citizen of
// stored oidc-provider payloads, also for sessions stored before the migration.
import { expect } from 'chai';
import * as foundation from '../../../src/stores/migrations/001-foundation.ts';
import * as smsOutbox from '../../../src/stores/migrations/002-sms-outbox.ts';
import * as secondFactor from '../../../src/stores/migrations/003-second-factor.ts';
import * as accountArea from '../../../src/stores/migrations/004-account-area.ts';
import { openDatabase } from '../../../src/stores/database.ts';
import { accountWebdienstClientId, builtInOrganisationOin } from '../../../src/stores/index.ts';
import { createTestDatabase, databaseKinds } from '../../support/databases.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

for (const kind of databaseKinds) {
  describe(`migration 004-account-area (${kind})`, () => {
    let opened: TestStore | undefined;
    afterEach(async () => {
      await opened?.close();
      opened = undefined;
    });

    it('writes the built-in webdienst "Mijn Poortwachter" of an organisation that may not have the BSN', async () => {
      opened = await openTestStore(kind);
      const webdienst = await opened.store.findWebdienstByClientId(accountWebdienstClientId);
      expect(webdienst).to.deep.include({
        name: 'Mijn Poortwachter',
        protocol: 'account',
        minimumLevel: 'basis',
        federation: null,
      });
      expect(webdienst!.organisation).to.deep.include({
        oin: builtInOrganisationOin,
        name: 'Poortwachter',
        bsnEntitled: false,
      });
    });

    it('leaves the built-in rows out of the lists of connected organisations and webdiensten', async () => {
      opened = await openTestStore(kind);
      expect(await opened.store.listOrganisations()).to.deep.equal([]);
      expect(await opened.store.listWebdiensten()).to.deep.equal([]);
      expect(await opened.store.findOrganisationByOin(builtInOrganisationOin), 'the OIN stays taken').to.not.equal(
        undefined,
      );
    });

    it('fills account_id of oidc sessions stored before it', async () => {
      const database = await createTestDatabase(kind);
      const db = openDatabase(database.url);
      try {
        for (const migration of [foundation, smsOutbox, secondFactor]) await migration.up(db);
        await db('oidc_payloads').insert([
          {
            id: 'before',
            type: 'Session',
            payload: JSON.stringify({ accountId: 'citizen-1', uid: 'u1' }),
            expires_at: null,
          },
          { id: 'anonymous', type: 'Session', payload: JSON.stringify({ uid: 'u2' }), expires_at: null },
        ]);
        await accountArea.up(db);
        const rows = await db('oidc_payloads').select('id', 'account_id').orderBy('id');
        expect(rows).to.deep.equal([
          { id: 'anonymous', account_id: null },
          { id: 'before', account_id: 'citizen-1' },
        ]);
      } finally {
        await db.destroy();
        await database.drop();
      }
    });
  });
}
