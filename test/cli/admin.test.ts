// `poortwachter admin ...`: operators of the admin console made, listed and disabled from the command
// line, in a process of its own on the service's database, audited as the actor `cli`.
import { expect } from 'chai';
import { generate } from 'otplib';
import { openStore, type Store } from '../../src/stores/index.ts';
import { runCliOn, type CliRun } from '../support/cli.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.ts';

function poortwachter(args: string[], databaseUrl: string, stdin?: string): Promise<CliRun> {
  return runCliOn(databaseUrl, [...args, '--json'], stdin === undefined ? {} : { stdin });
}

for (const kind of databaseKinds) {
  describe(`command line: admin console operators (${kind})`, function () {
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

    it('adds an operator with a password from stdin, prints the app secret once, and audits it as cli', async () => {
      const added = await poortwachter(
        ['admin', 'add', '--username', 'fatima', '--name', 'Fatima de Beheerder', '--password-stdin'],
        database.url,
        'een-lang-beheerderswachtwoord-7\n',
      );
      expect(added.code, added.stderr).to.equal(0);
      const output = JSON.parse(added.stdout) as Record<string, string>;
      expect(output).to.include({ username: 'fatima', name: 'Fatima de Beheerder' });
      expect(output).not.to.have.property('password');
      expect(output.otpauth_uri).to.match(/^otpauth:\/\/totp\/.+secret=/);
      expect(await generate({ secret: output.totp_secret! })).to.match(/^\d{6}$/);
      const [event] = await store.listAuditEvents({ type: 'operator.added' });
      expect(event?.details).to.include({ operatorAccount: 'operator:fatima', actor: 'cli' });
      expect(JSON.stringify(event)).not.to.include(output.totp_secret);
    });

    it('generates a strong password when none is piped in, and refuses a taken name', async () => {
      const added = await poortwachter(['admin', 'add', '--username', 'bert', '--name', 'Bert'], database.url);
      expect(added.code, added.stderr).to.equal(0);
      expect((JSON.parse(added.stdout) as { password: string }).password).to.match(/^[\w-]{32}$/);
      const again = await poortwachter(['admin', 'add', '--username', 'bert', '--name', 'Bert'], database.url);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.include('already exists');
    });

    it('lists the operators and disables one', async () => {
      const disabled = await poortwachter(['admin', 'disable', '--username', 'bert'], database.url);
      expect(disabled.code, disabled.stderr).to.equal(0);
      const listed = await poortwachter(['admin', 'list'], database.url);
      const operators = JSON.parse(listed.stdout) as Array<{ username: string; disabled_at: string | null }>;
      expect(operators.map((operator) => operator.username)).to.deep.equal(['bert', 'fatima']);
      expect(operators[0]!.disabled_at).to.be.a('string');
      expect(operators[1]!.disabled_at).to.equal(null);
      expect(listed.stdout).not.to.match(/argon2|v1\./);
      const unknown = await poortwachter(['admin', 'disable', '--username', 'niemand'], database.url);
      expect(unknown.code).to.equal(1);
    });
  });
}
