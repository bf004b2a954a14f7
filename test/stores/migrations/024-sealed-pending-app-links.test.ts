// Migration 024: pending app links keep their secret sealed; the rows from before, which held the
// secret in the clear, are dropped (a pending link lives 15 minutes; the citizen scans a new QR code).
import { expect } from 'chai';
import * as pendingAppLinks from '../../../src/stores/migrations/023-pending-app-links.ts';
import * as sealedPendingAppLinks from '../../../src/stores/migrations/024-sealed-pending-app-links.ts';
import { openDatabase } from '../../../src/stores/database.ts';
import { createTestDatabase, databaseKinds } from '../../support/databases.ts';

for (const kind of databaseKinds) {
  describe(`migration 024-sealed-pending-app-links (${kind})`, () => {
    it('drops the pending links whose secret was in the clear, and keeps sealed secrets with their key id', async () => {
      const database = await createTestDatabase(kind);
      const db = openDatabase(database.url);
      try {
        await pendingAppLinks.up(db);
        const clear = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
        await db('pending_app_links').insert({ session_id: 's1', citizen_id: 'c1', secret: clear, expires_at: 1 });
        await sealedPendingAppLinks.up(db);
        expect(await db('pending_app_links').select('*')).to.deep.equal([]);
        const columns = Object.keys(await db('pending_app_links').columnInfo()).sort();
        expect(columns).to.deep.equal(['citizen_id', 'expires_at', 'key_id', 'sealed_secret', 'session_id']);
        await sealedPendingAppLinks.down(db);
        expect(Object.keys(await db('pending_app_links').columnInfo())).to.include('secret');
      } finally {
        await db.destroy();
        await database.drop();
      }
    });
  });
}
