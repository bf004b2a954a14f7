// Every write of the command line goes through the core and is audited as the actor `cli`, as an
// operator runs it: a separate process on the service's database.
import { expect } from 'chai';
import { runCliOn } from '../support/cli.ts';
import { openStore, type AuditEventRow, type Store } from '../../src/stores/index.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.ts';

const poortwachter = (args: string[], databaseUrl: string) => runCliOn(databaseUrl, [...args, '--json']);

for (const kind of databaseKinds) {
  describe(`command line writes are audited as the actor cli (${kind})`, function () {
    this.timeout(120_000);
    let database: TestDatabase;
    let store: Store;
    before(async () => {
      database = await createTestDatabase(kind);
      store = openStore(database.url);
    });
    after(async () => {
      await store.close();
      await database.drop();
    });

    const lastEvent = async (type: string): Promise<AuditEventRow | undefined> =>
      (await store.listAuditEvents({ type })).at(-1);

    it('records the migrations it applied', async () => {
      const run = await poortwachter(['migrate'], database.url);
      expect(run.code, run.stderr).to.equal(0);
      const applied = (JSON.parse(run.stdout) as { applied: string[] }).applied;
      expect(applied).to.include('014-test-data');
      expect((await lastEvent('admin.migrations_applied'))?.details).to.deep.equal({
        migrations: applied.join(' '),
        actor: 'cli',
      });
      const again = await poortwachter(['migrate'], database.url);
      expect(JSON.parse(again.stdout)).to.deep.equal({ applied: [] });
      expect(await store.listAuditEvents({ type: 'admin.migrations_applied' })).to.have.length(1);
    });

    it('records an organisation it adds', async () => {
      const run = await poortwachter(
        ['organisation', 'add', '--name', 'Gemeente Proefstad', '--oin', '00000001005555555000'],
        database.url,
      );
      expect(run.code, run.stderr).to.equal(0);
      expect((await lastEvent('admin.organisation_added'))?.details).to.deep.include({
        oin: '00000001005555555000',
        actor: 'cli',
      });
    });

    it('switches the second factor on every login through the core, recorded with the citizen', async () => {
      await store.insertCitizen({
        id: `cli-${kind}`,
        username: 'piet-pieters',
        passwordHash: 'x',
        bsn: '999990019',
        phone: null,
        status: 'active',
        locale: 'nl',
        createdAt: 1,
        updatedAt: 1,
      });
      const run = await poortwachter(['citizen', 'always-second-factor', '--username', 'piet-pieters'], database.url);
      expect(run.code, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.equal({ username: 'piet-pieters', always_second_factor: true });
      expect(await lastEvent('citizen.always_second_factor_changed')).to.deep.include({
        citizenId: `cli-${kind}`,
        reason: 'operator',
        details: { always: true, was: false, actor: 'cli' },
      });
    });

    it('enrols an authenticator app through the core, recorded with the citizen', async () => {
      const run = await poortwachter(['citizen', 'enrol-app', '--username', 'piet-pieters'], database.url);
      expect(run.code, run.stderr).to.equal(0);
      expect((JSON.parse(run.stdout) as { otpauth_uri: string }).otpauth_uri).to.match(/^otpauth:\/\/totp\//);
      expect(await lastEvent('citizen.authenticator_app_enrolled')).to.deep.include({
        citizenId: `cli-${kind}`,
        details: { replaced: false, actor: 'cli' },
      });
    });

    it('refuses an unknown citizen with exit 1 and records nothing', async () => {
      const before = (await store.listAuditEvents()).length;
      const run = await poortwachter(['citizen', 'enrol-app', '--username', 'niemand'], database.url);
      expect(run.code).to.equal(1);
      expect(JSON.parse(run.stdout)).to.deep.equal({ error: 'no citizen with username niemand' });
      expect(await store.listAuditEvents()).to.have.length(before);
    });
  });
}
