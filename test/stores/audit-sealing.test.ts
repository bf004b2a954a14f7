// Appending without a global lock: audit events go into audit_pending without waiting for each other,
// and one sealer at a time chains them in order into audit_events (src/stores/audit-events.ts), so the
// chain `audit verify` checks stays one unbroken line with consecutive ids.
import { expect } from 'chai';
import { verifyAuditChain } from '../../src/core/audit-chain.ts';
import { openDatabase } from '../../src/stores/database.ts';
import { chainHash, genesisHash, type Store } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer } from '../support/server.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { auditEvent } from './audit-event-fixture.ts';

async function expectOneChain(store: Store, count: number): Promise<void> {
  const links = await store.listAuditChainLinks(0, count + 10);
  expect(links.map((link) => link.id)).to.deep.equal(Array.from({ length: count }, (_, index) => index + 1));
  let previous = genesisHash;
  for (const link of links) {
    expect(link.chainHash, `row ${link.id}`).to.equal(chainHash(previous, link.id, link.content));
    previous = link.chainHash!;
  }
  expect(await store.findAuditChainHead()).to.deep.equal({ lastId: count, lastHash: previous });
}

const withinSeconds = <T>(seconds: number, promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<T>((_resolve, reject) =>
      setTimeout(() => reject(new Error(`still waiting after ${seconds} s`)), seconds * 1000).unref(),
    ),
  ]);

for (const kind of databaseKinds) {
  describe(`audit sealing (${kind})`, () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(async () => {
      await opened.close();
    });

    it('leaves an appended event out of the chain until it is sealed, then chains it', async () => {
      await opened.store.insertAuditEvent(auditEvent(1));
      expect(await opened.store.listAuditChainLinks(0, 10)).to.deep.equal([]);
      expect(await opened.store.sealAuditEvents()).to.equal(1);
      expect(await opened.store.sealAuditEvents()).to.equal(0);
      await expectOneChain(opened.store, 1);
    });

    it('shows readers every event appended before they asked', async () => {
      await opened.store.insertAuditEvent(auditEvent(1, { citizenId: 'c1' }));
      expect((await opened.store.listRecentAuditEventsOfCitizen('c1', 5)).map((row) => row.id)).to.deep.equal([1]);
      await opened.store.insertAuditEvent(auditEvent(2));
      expect((await opened.store.listAuditEvents()).map((row) => row.id)).to.deep.equal([1, 2]);
    });

    it('chains every event exactly once when processes append and seal at the same time', async function () {
      this.timeout(60_000);
      const others = [opened.another(), opened.another()];
      const stores = [opened.store, ...others];
      const work: Array<Promise<unknown>> = [];
      for (let n = 1; n <= 60; n += 1) {
        const store = stores[n % stores.length]!;
        work.push(store.insertAuditEvent(auditEvent(n)));
        if (n % 7 === 0) work.push(store.sealAuditEvents());
      }
      await Promise.all(work);
      await Promise.all(stores.map((store) => store.sealAuditEvents({ wait: true })));
      await expectOneChain(opened.store, 60);
      const numbers = (await opened.store.listAuditEvents()).map((row) => row.details.n as number);
      expect([...numbers].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 60 }, (_, index) => index + 1));
      expect(await verifyAuditChain(opened.store)).to.deep.include({ ok: true, events: 60 });
    });

    it('keeps the audit verify verdict about a deleted newest row once new events are sealed after it', async () => {
      for (let n = 1; n <= 3; n += 1) await opened.store.insertAuditEvent(auditEvent(n));
      await opened.store.sealAuditEvents();
      const db = openDatabase(opened.database.url);
      try {
        await db('audit_events').where('id', 3).delete();
      } finally {
        await db.destroy();
      }
      await opened.store.insertAuditEvent(auditEvent(4));
      const verdict = await verifyAuditChain(opened.store);
      expect(verdict.ok).to.equal(false);
      expect(verdict.breaks.map((found) => found.id)).to.deep.equal([3]);
    });
  });
}

if (databaseKinds.includes('postgres')) {
  describe('audit appends without a lock (postgres)', () => {
    let opened: TestStore;
    beforeEach(async () => {
      opened = await openTestStore('postgres');
    });
    afterEach(async () => {
      await opened.close();
    });

    it('does not wait for another writer whose transaction is still open', async () => {
      const other = opened.another();
      await opened.store.inTransaction(async (store) => {
        await store.insertAuditEvent(auditEvent(1));
        // With a lock on the chain head this append would wait for the transaction around it.
        await withinSeconds(5, other.insertAuditEvent(auditEvent(2)));
        await withinSeconds(5, other.sealAuditEvents());
      });
      await opened.store.sealAuditEvents({ wait: true });
      // The event committed later is chained after the one sealed before it.
      expect((await opened.store.listAuditEvents()).map((row) => row.details.n)).to.deep.equal([2, 1]);
      await expectOneChain(opened.store, 2);
    });

    it('leaves the events to the process that is sealing, and chains them once it is done', async () => {
      const other = opened.another();
      for (let n = 1; n <= 5; n += 1) await opened.store.insertAuditEvent(auditEvent(n));
      const [first, second] = await Promise.all([opened.store.sealAuditEvents(), other.sealAuditEvents()]);
      expect(first + second).to.equal(5);
      await expectOneChain(opened.store, 5);
    });
  });
}

describe('the server seals the audit events by itself', () => {
  it('chains an event within a few seconds, without anyone reading the trail', async function () {
    this.timeout(30_000);
    const server = await startTestServer();
    const db = openDatabase(server.database.url);
    try {
      await server.store.insertAuditEvent(auditEvent(1));
      let chained = 0;
      for (let tries = 0; chained === 0 && tries < 50; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const row = (await db('audit_events').where('type', 'login.password').count({ n: '*' }).first()) as {
          n: number | string;
        };
        chained = Number(row.n);
      }
      expect(chained).to.equal(1);
    } finally {
      await db.destroy();
      await server.stop();
    }
  });
});
