// `audit verify`: passes on an untouched chain and names the row after one
// row is changed or deleted, wherever it is in the chain; `audit export` pages through a period.
import { expect } from 'chai';
import { exportAuditEvents, verifyAuditChain } from '../../src/core/audit-chain.ts';
import { openDatabase, type Database } from '../../src/stores/database.ts';
import { databaseKinds } from '../support/databases.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { auditEvent } from '../stores/audit-event-fixture.ts';

for (const kind of databaseKinds) {
  describe(`audit chain verification (${kind})`, () => {
    let opened: TestStore;
    let db: Database;
    beforeEach(async () => {
      opened = await openTestStore(kind);
      for (let n = 1; n <= 6; n += 1) await opened.store.insertAuditEvent(auditEvent(n));
      // Chained into the trail, as the server's sealer does within a second, before anyone tampers.
      await opened.store.sealAuditEvents({ wait: true });
      db = openDatabase(opened.database.url);
    });
    afterEach(async () => {
      await db.destroy();
      await opened.close();
    });

    it('passes on an untouched chain', async () => {
      const verdict = await verifyAuditChain(opened.store);
      expect(verdict).to.deep.include({ ok: true, events: 6, lastId: 6, breaks: [] });
      expect(verdict.lastHash).to.equal((await opened.store.findAuditChainHead())!.lastHash);
    });

    it('names a row whose content was changed, and only that row', async () => {
      await db('audit_events').where('id', 3).update({ outcome: 'success' });
      const verdict = await verifyAuditChain(opened.store);
      expect(verdict.ok).to.equal(false);
      expect(verdict.breaks.map((found) => found.id)).to.deep.equal([3]);
      expect(verdict.breaks[0]!.problem).to.contain('row 3 was changed');
    });

    it('sees a change of the details text, even one that keeps the same JSON', async () => {
      await db('audit_events').where('id', 2).update({ details: '{"n": 2, "note": "één"}' });
      expect((await verifyAuditChain(opened.store)).breaks.map((found) => found.id)).to.deep.equal([2]);
    });

    it('names a deleted row in the middle of the chain', async () => {
      await db('audit_events').where('id', 4).delete();
      const verdict = await verifyAuditChain(opened.store);
      expect(verdict.ok).to.equal(false);
      expect(verdict.breaks.map((found) => found.id)).to.deep.equal([4]);
      expect(verdict.breaks[0]!.problem).to.contain('row 4 was deleted');
    });

    it('names the first row when it was deleted', async () => {
      await db('audit_events').where('id', 1).delete();
      expect((await verifyAuditChain(opened.store)).breaks)
        .to.have.length(1)
        .and.to.have.nested.property('[0].id', 1);
    });

    it('names the newest rows when they were deleted, from the chain head', async () => {
      await db('audit_events').where('id', '>=', 5).delete();
      const verdict = await verifyAuditChain(opened.store);
      expect(verdict.ok).to.equal(false);
      expect(verdict.breaks).to.have.length(1);
      expect(verdict.breaks[0]).to.include({ id: 5 });
      expect(verdict.breaks[0]!.problem).to.contain('rows 5 to 6 were deleted');
    });

    it('names a row whose hash was rewritten to fit its changed content', async () => {
      // Rewriting one hash is not enough: the next row no longer follows it.
      await db('audit_events')
        .where('id', 2)
        .update({ reason: 'forged', chain_hash: 'f'.repeat(64) });
      expect((await verifyAuditChain(opened.store)).breaks.map((found) => found.id)).to.deep.equal([2, 3]);
    });

    it('names a row inserted around the audit log', async () => {
      // (A row with a made-up hash, as one written around the sealer would need.)
      await db('audit_events').insert({
        id: 7,
        at: 1,
        type: 'x',
        outcome: 'info',
        details: '{}',
        chain_hash: 'e'.repeat(64),
      });
      const verdict = await verifyAuditChain(opened.store);
      expect(verdict.breaks.map((found) => found.id)).to.include(7);
    });

    it('exports a period page by page, in chain order', async () => {
      const rows = [];
      for await (const row of exportAuditEvents(opened.store, { from: 1_760_000_000_002, to: 1_760_000_000_006 }))
        rows.push(row);
      expect(rows.map((row) => row.id)).to.deep.equal([2, 3, 4, 5]);
    });
  });
}
