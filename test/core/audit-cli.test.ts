// `poortwachter audit verify` and `audit export` as an operator or auditor runs them: a separate process on the service's database, --json for scripts, exit 1 and the
// row named when the chain was tampered with.
import { expect } from 'chai';
import { runCliOn } from '../support/cli.ts';
import { openDatabase } from '../../src/stores/database.ts';
import { openStore } from '../../src/stores/index.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.ts';
import { auditEvent } from '../stores/audit-event-fixture.ts';

const poortwachter = (args: string[], databaseUrl: string) => runCliOn(databaseUrl, args);

for (const kind of databaseKinds) {
  describe(`poortwachter audit (${kind})`, function () {
    this.timeout(60_000);
    let database: TestDatabase;
    before(async () => {
      database = await createTestDatabase(kind);
      const store = openStore(database.url);
      try {
        await store.migrate();
        for (let n = 1; n <= 5; n += 1)
          await store.insertAuditEvent(auditEvent(n, { at: Date.parse('2026-03-01T12:00:00Z') + n * 3_600_000 }));
      } finally {
        await store.close();
      }
    });
    after(() => database.drop());

    it('verify passes on an untouched chain', async () => {
      const run = await poortwachter(['audit', 'verify', '--json'], database.url);
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.include({
        ok: true,
        events: 5,
        last_id: 5,
        broken_rows: [],
        problems: [],
      });
      const text = await poortwachter(['audit', 'verify'], database.url);
      expect(text.stdout).to.include('ok: true');
    });

    it('export writes the events of a period as JSON lines, from inclusive and to exclusive', async () => {
      const run = await poortwachter(
        ['audit', 'export', '--from', '2026-03-01T14:00:00Z', '--to', '2026-03-01T16:00:00Z'],
        database.url,
      );
      expect(run.code, run.stderr).to.equal(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => line.id)).to.deep.equal([2, 3]);
      expect(lines[0]).to.include({
        at: '2026-03-01T14:00:00.000Z',
        type: 'login.password',
        outcome: 'failure',
        client_address: '192.0.2.7',
      });
      expect(lines[0]!.chain_hash).to.match(/^[0-9a-f]{64}$/);
    });

    it('export refuses a period it cannot read, with status 2', async () => {
      for (const args of [
        ['--from', 'yesterday', '--to', '2026-03-02'],
        ['--from', '2026-03-02', '--to', '2026-03-01'],
        ['--to', '2026-03-02'],
      ]) {
        const run = await poortwachter(['audit', 'export', ...args], database.url);
        expect(run.code, args.join(' ')).to.equal(2);
        expect(run.stderr).to.match(/--from/);
      }
    });

    it('verify fails with status 1 and names the row after a row is changed, then after one is deleted', async () => {
      const db = openDatabase(database.url);
      try {
        await db('audit_events').where('id', 2).update({ reason: 'correct_password' });
        const changed = await poortwachter(['audit', 'verify', '--json'], database.url);
        expect(changed.code).to.equal(1);
        expect(JSON.parse(changed.stdout)).to.deep.include({ ok: false, broken_rows: [2] });
        const text = await poortwachter(['audit', 'verify'], database.url);
        expect(text.code).to.equal(1);
        expect(text.stdout).to.include('row 2 was changed');

        await db('audit_events').where('id', 4).delete();
        const deleted = await poortwachter(['audit', 'verify', '--json'], database.url);
        expect(deleted.code).to.equal(1);
        const verdict = JSON.parse(deleted.stdout) as { broken_rows: number[]; problems: string[] };
        expect(verdict.broken_rows).to.deep.equal([2, 4]);
        expect(verdict.problems[1]).to.include('row 4 was deleted');
      } finally {
        await db.destroy();
      }
    });
  });
}
