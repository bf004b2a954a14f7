// The audit events as a hash chain: every row chained to the one before, ids handed out one
// after the other by the chain head, also when several processes write at once.
import { expect } from 'chai';
import { openDatabase } from '../../src/stores/database.ts';
import { chainHash, genesisHash } from '../../src/stores/index.ts';
import { auditContent, type AuditContentColumns } from '../../src/stores/audit-chain.ts';
import { databaseKinds } from '../support/databases.ts';
import { auditEvent } from './audit-event-fixture.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

for (const kind of databaseKinds) {
  describe(`audit events store (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(async () => {
      await opened.close();
    });

    it('chains each event to the one before it, with consecutive ids from 1', async () => {
      for (let n = 1; n <= 3; n += 1) await opened.store.insertAuditEvent(auditEvent(n));
      await opened.store.sealAuditEvents({ wait: true });
      const links = await opened.store.listAuditChainLinks(0, 10);
      expect(links.map((link) => link.id)).to.deep.equal([1, 2, 3]);
      let previous = genesisHash;
      for (const link of links) {
        expect(link.chainHash).to.equal(chainHash(previous, link.id, link.content));
        previous = link.chainHash!;
      }
      expect(await opened.store.findAuditChainHead()).to.deep.equal({ lastId: 3, lastHash: previous });
    });

    it('appends the events of one request in one statement, in their order, into the same chain', async () => {
      await opened.store.insertAuditEvent(auditEvent(1));
      const before = opened.store.statements().insert;
      await opened.store.insertAuditEvents([auditEvent(2), auditEvent(3), auditEvent(4)]);
      expect(opened.store.statements().insert - before).to.equal(1);
      await opened.store.sealAuditEvents({ wait: true });
      const links = await opened.store.listAuditChainLinks(0, 10);
      expect(links.map((link) => link.id)).to.deep.equal([1, 2, 3, 4]);
      expect((await opened.store.listAuditEvents()).map((event) => event.details.n)).to.deep.equal([1, 2, 3, 4]);
      let previous = genesisHash;
      for (const link of links) {
        expect(link.chainHash).to.equal(chainHash(previous, link.id, link.content));
        previous = link.chainHash!;
      }
    });

    it('hashes the content as stored: the database computes the same hash as the verifier', async () => {
      await opened.store.insertAuditEvent(
        auditEvent(1, { reason: null, details: { quote: 'a "b" \\ c', emoji: '🚲' } }),
      );
      await opened.store.sealAuditEvents({ wait: true });
      const db = openDatabase(opened.database.url);
      try {
        const row = await db<AuditContentColumns & { chain_hash: string }>('audit_events').where('id', 1).first();
        expect(row!.chain_hash).to.equal(chainHash(genesisHash, 1, auditContent(row!)));
      } finally {
        await db.destroy();
      }
    });

    it('keeps one unbroken chain when two processes write at the same time', async function () {
      this.timeout(60_000);
      const other = opened.another();
      const writes = [];
      for (let n = 1; n <= 40; n += 1) writes.push((n % 2 ? opened.store : other).insertAuditEvent(auditEvent(n)));
      await Promise.all(writes);
      await opened.store.sealAuditEvents({ wait: true });
      const links = await opened.store.listAuditChainLinks(0, 100);
      expect(links.map((link) => link.id)).to.deep.equal(Array.from({ length: 40 }, (_, index) => index + 1));
      let previous = genesisHash;
      for (const link of links) {
        expect(link.chainHash, `row ${link.id}`).to.equal(chainHash(previous, link.id, link.content));
        previous = link.chainHash!;
      }
      expect((await opened.store.findAuditChainHead())?.lastHash).to.equal(previous);
    });

    it('lists a period for the export, from inclusive and to exclusive, with the chain hash', async () => {
      for (let n = 1; n <= 5; n += 1) await opened.store.insertAuditEvent(auditEvent(n));
      const rows = await opened.store.listAuditEventsBetween({
        from: 1_760_000_000_002,
        to: 1_760_000_000_005,
        afterId: 0,
        limit: 10,
      });
      expect(rows.map((row) => row.id)).to.deep.equal([2, 3, 4]);
      expect(rows[0]!.chainHash).to.match(/^[0-9a-f]{64}$/);
      expect(rows[0]!.details).to.deep.equal({ n: 2, note: 'één' });
      expect(
        await opened.store.listAuditEventsBetween({
          from: 1_760_000_000_002,
          to: 1_760_000_000_005,
          afterId: 3,
          limit: 10,
        }),
      ).to.have.length(1);
    });
  });
}
