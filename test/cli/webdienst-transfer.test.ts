// `poortwachter webdienst checklist|export|import` as an operator runs them: the checklist exits 1
// while it does not pass and names each item; the export is a file; the import of an export whose
// checklist did not pass is refused (exit 1) and changes nothing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runCliOn } from '../support/cli.ts';
import { openStore } from '../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { uniqueOin } from '../support/relying-party.ts';

const poortwachter = (args: string[], databaseUrl: string) => runCliOn(databaseUrl, args);

describe('command line: webdienst checklist, export and import', function () {
  this.timeout(180_000);
  let database: TestDatabase;
  let work: string;
  before(async () => {
    database = await createTestDatabase();
    work = mkdtempSync(join(tmpdir(), 'webdienst-export-'));
  });
  after(async () => {
    await database.drop();
    rmSync(work, { recursive: true, force: true });
  });

  it('reports a webdienst nothing was observed of as not passing, exports it, and refuses to import it', async () => {
    const oin = uniqueOin();
    const run = (...args: string[]) => poortwachter(args, database.url);
    expect((await run('organisation', 'add', '--name', 'Gemeente Export', '--oin', oin)).code).to.equal(0);
    const added = await run(
      'webdienst',
      'add-oidc',
      '--organisation',
      oin,
      '--name',
      'Exportdienst',
      '--redirect-uri',
      'http://127.0.0.1:9/cb',
      '--json',
    );
    const clientId = (JSON.parse(added.stdout) as { client_id: string }).client_id;

    const checklist = await run('webdienst', 'checklist', 'Exportdienst');
    expect(checklist.code, checklist.stderr).to.equal(1);
    expect(checklist.stdout).to.include('passed: false');
    expect(checklist.stdout).to.match(/item=pkce_state_nonce .*result=not_observed/);

    const file = join(work, 'export.json');
    const exported = await run('webdienst', 'export', clientId, '--out', file, '--json');
    expect(exported.code, exported.stderr).to.equal(0);
    const content = JSON.parse(readFileSync(file, 'utf8')) as { checklist: { passed: boolean }; webdienst: object };
    expect(content.checklist.passed).to.equal(false);
    expect(JSON.stringify(content.webdienst)).to.not.include('"client_secret"');

    const store = openStore(database.url);
    const before = (await store.listWebdiensten()).length;
    const imported = await run('webdienst', 'import', file);
    expect(imported.code).to.equal(1);
    expect(imported.stderr).to.include('import refused: the connection checklist did not pass');
    expect((await store.listWebdiensten()).length).to.equal(before);
    expect((await store.listAuditEvents()).map((event) => event.type)).to.include('admin.webdienst_import_refused');
    await store.close();

    const unreadable = await run('webdienst', 'import', join(work, 'missing.json'));
    expect(unreadable.code).to.equal(2);
    expect(unreadable.stderr).to.include('cannot read');
  });
});
