// `poortwachter maintenance ...` and `poortwachter status ...` as an operator runs them: a
// separate process on the database of a running server, which follows the switch within its refresh
// interval; --json for scripts; exit 2 for bad arguments, 1 for rejected input.
import { expect } from 'chai';
import { runCliOn } from '../support/cli.ts';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const poortwachter = (args: string[], databaseUrl: string) => runCliOn(databaseUrl, args);

/** Polls until the server answers `predicate`, for at most `seconds`; returns how long it took. */
async function within(seconds: number, predicate: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > seconds * 1000) throw new Error(`not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return Date.now() - started;
}

const refreshSeconds = 2;

for (const kind of databaseKinds) {
  describe(`command line: maintenance and status (${kind})`, function () {
    this.timeout(120_000);
    let server: TestServer;
    const run = (...args: string[]) => poortwachter(args, server.database.url);
    const readyzStatus = async () =>
      ((await fetch(`${server.url}/readyz`)).json() as Promise<{ status: string }>).then((body) => body.status);

    before(async () => {
      server = await startTestServer({ kind, overrides: { maintenance: { refreshSeconds } } });
    });
    after(() => server.stop());

    it('switches a running server into maintenance within its refresh interval, shows it, and switches it back', async () => {
      const until = new Date(Date.now() + 3_600_000).toISOString();
      const on = await run(
        'maintenance',
        'on',
        '--message-nl',
        'Onderhoud aan de database',
        '--message-en',
        'Database maintenance',
        '--until',
        until,
        '--json',
      );
      expect(on.code, on.stderr).to.equal(0);
      expect(JSON.parse(on.stdout)).to.deep.include({
        on: true,
        until,
        message_nl: 'Onderhoud aan de database',
        message_en: 'Database maintenance',
        takes_effect_within_seconds: 5,
      });
      await within(refreshSeconds + 3, async () => (await readyzStatus()) === 'maintenance');
      const page = await fetch(`${server.url}/mijn`, { headers: { accept: 'text/html' } });
      expect(page.status).to.equal(503);
      expect(await page.text()).to.include('Onderhoud aan de database');

      const shown = await run('maintenance', 'show', '--json');
      expect(JSON.parse(shown.stdout)).to.deep.include({ on: true, until, message_nl: 'Onderhoud aan de database' });

      const off = await run('maintenance', 'off', '--json');
      expect(off.code, off.stderr).to.equal(0);
      expect(JSON.parse(off.stdout)).to.deep.include({ on: false, was_on: true });
      await within(refreshSeconds + 3, async () => (await readyzStatus()) === 'ready');
      expect(JSON.parse((await run('maintenance', 'show', '--json')).stdout)).to.deep.equal({ on: false });
      expect((await server.store.listAuditEvents()).map((event) => event.type)).to.include.members([
        'admin.maintenance_on',
        'admin.maintenance_off',
      ]);
    });

    it('adds a planned disruption to the status page, lists it, and removes it by id', async () => {
      const added = await run(
        'status',
        'add',
        '--from',
        '2099-03-07T23:00:00+01:00',
        '--to',
        '2099-03-08T03:00:00+01:00',
        '--title-nl',
        'Vervanging van de servers',
        '--title-en',
        'Replacing the servers',
        '--description-nl',
        'Inloggen kan dan niet.',
        '--json',
      );
      expect(added.code, added.stderr).to.equal(0);
      const disruption = JSON.parse(added.stdout) as { id: number };
      expect(disruption).to.deep.include({
        from: '2099-03-07T22:00:00.000Z',
        to: '2099-03-08T02:00:00.000Z',
        title_nl: 'Vervanging van de servers',
        description_nl: 'Inloggen kan dan niet.',
        description_en: null,
      });

      const listed = JSON.parse((await run('status', 'list', '--json')).stdout) as Array<{ id: number }>;
      expect(listed.map((row) => row.id)).to.deep.equal([disruption.id]);
      expect(await (await fetch(`${server.url}/status`)).text()).to.include('Vervanging van de servers');

      const removed = await run('status', 'remove', String(disruption.id), '--json');
      expect(removed.code, removed.stderr).to.equal(0);
      expect(JSON.parse(removed.stdout)).to.deep.equal({ removed: disruption.id });
      expect(await (await fetch(`${server.url}/status`)).text()).to.not.include('Vervanging van de servers');
    });

    it('refuses bad arguments with exit 2 and rejected input with exit 1, changing nothing', async () => {
      const cases: Array<[string[], number, RegExp]> = [
        [['maintenance', 'on', '--until', 'morgen'], 2, /--until must be an ISO 8601 date or time/],
        [['maintenance', 'on', '--until', '2001-01-01'], 1, /--until must be in the future/],
        [['maintenance', 'on', '--colour', 'red'], 2, /Unknown option '--colour'/],
        [
          ['status', 'add', '--from', '2099-01-01', '--to', '2099-01-02', '--title-nl', 'Onderhoud'],
          2,
          /missing --title-en/,
        ],
        [
          ['status', 'add', '--from', '2099-01-02', '--to', '2099-01-01', '--title-nl', 'x', '--title-en', 'x'],
          2,
          /--from must be before --to/,
        ],
        [['status', 'remove'], 2, /status remove takes the id of a disruption/],
        [['status', 'remove', 'drie'], 2, /status remove takes the id of a disruption/],
        [['status', 'remove', '987654'], 1, /no disruption with id 987654/],
      ];
      for (const [args, code, message] of cases) {
        const result = await run(...args);
        expect(result.code, `${args.join(' ')}: ${result.stderr}`).to.equal(code);
        expect(result.stderr, args.join(' ')).to.match(message);
      }
      expect(await server.store.findMaintenanceMode()).to.equal(undefined);
      expect(await server.store.listStatusDisruptions()).to.deep.equal([]);
    });
  });
}
