// Migration 007: audit events written before the chain existed are chained in id order, gaps in the
// ids included, so that the verifier covers them and new events continue the chain.
import { expect } from 'chai';
import * as foundation from '../../../src/stores/migrations/001-foundation.ts';
import * as auditChain from '../../../src/stores/migrations/007-audit-chain.ts';
import * as auditSealing from '../../../src/stores/migrations/050-audit-sealing.ts';
import { openDatabase } from '../../../src/stores/database.ts';
import { openStore } from '../../../src/stores/index.ts';
import { verifyAuditChain } from '../../../src/core/audit-chain.ts';
import { createTestDatabase, databaseKinds } from '../../support/databases.ts';

for (const kind of databaseKinds) {
  describe(`migration 007-audit-chain (${kind})`, () => {
    it('chains the events written before it, and new events continue that chain', async () => {
      const database = await createTestDatabase(kind);
      const db = openDatabase(database.url);
      try {
        await foundation.up(db);
        const event = (id: number) => ({
          id,
          at: 1_700_000_000_000 + id,
          type: 'citizen.created',
          outcome: 'success',
          reason: null,
          citizen_id: `c${id}`,
          webdienst_id: null,
          client_address: null,
          details: '{}',
        });
        await db('audit_events').insert([event(1), event(2), event(5)]);
        await auditChain.up(db);
        await auditSealing.up(db); // where the store appends new events
        expect(await db('audit_events').whereNull('chain_hash').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
      } finally {
        await db.destroy();
      }
      const store = openStore(database.url);
      try {
        expect(await store.findAuditChainHead()).to.include({ lastId: 5 });
        await store.insertAuditEvent({
          at: Date.now(),
          type: 'citizen.created',
          outcome: 'success',
          reason: null,
          citizenId: 'c6',
          webdienstId: null,
          clientAddress: null,
          details: {},
        });
        const verdict = await verifyAuditChain(store);
        expect(verdict.breaks).to.deep.equal([]);
        expect(verdict).to.include({ ok: true, events: 4, lastId: 6 });
      } finally {
        await store.close();
        await database.drop();
      }
    });
  });
}
