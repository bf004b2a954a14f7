// The command line, run as an operator runs it: a separate process, configured
// by the environment, --json for scripts, a clear message and a non-zero exit for bad arguments.
import { expect } from 'chai';
import { runCli, type CliRun } from '../support/cli.ts';
import { openStore } from '../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { productionEnv } from '../support/production-env.ts';

const poortwachter = runCli;

const strongPassword = 'vuurtoren-kaasschaaf-2026';

describe('command line (src/cli/main.ts)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const oin = uniqueOin();

  const run = (...args: string[]) => poortwachter(args, env);

  /** Everything the commands can write, to show that a refused command wrote nothing. */
  async function contents() {
    const store = openStore(database.url);
    try {
      return {
        organisations: await store.listOrganisations(),
        webdiensten: await store.listWebdiensten(),
        citizens: await store.countCitizens(),
        auditEvents: (await store.listAuditEvents()).length,
      };
    } finally {
      await store.close();
    }
  }

  /** Runs a command that must be refused: non-zero exit, the message on stderr, nothing written. */
  async function refused(args: string[], message: RegExp, runEnv: NodeJS.ProcessEnv = env): Promise<CliRun> {
    const before = await contents();
    const result = await poortwachter(args, runEnv);
    expect(result.code, `exit code of ${args.join(' ')}\n${result.stderr}`).to.not.equal(0);
    expect(result.stderr).to.match(/^poortwachter: /);
    expect(result.stderr).to.match(message);
    expect(await contents(), 'nothing written').to.deep.equal(before);
    return result;
  }

  before(async () => {
    database = await createTestDatabase('sqlite');
    env = { DATABASE_URL: database.url, POORTWACHTER_ENV: 'development' };
  });
  after(() => database.drop());

  describe('what an operator does', () => {
    it('migrates an empty database, and a second time applies nothing', async () => {
      const first = await run('migrate', '--json');
      expect(first.code, first.stderr).to.equal(0);
      expect((JSON.parse(first.stdout) as { applied: string[] }).applied).to.include('001-foundation');
      const second = await run('migrate', '--json');
      expect(JSON.parse(second.stdout)).to.deep.equal({ applied: [] });
    });

    it('adds an organisation and prints its fields as JSON', async () => {
      const result = await run(
        'organisation',
        'add',
        '--name',
        'Gemeente Teststad',
        '--oin',
        oin,
        '--bsn-entitled',
        '--json',
      );
      expect(result.code, result.stderr).to.equal(0);
      expect(JSON.parse(result.stdout)).to.deep.equal({ oin, name: 'Gemeente Teststad', bsn_entitled: true });
      const [organisation] = (await contents()).organisations;
      expect(organisation).to.deep.include({ oin, name: 'Gemeente Teststad', bsnEntitled: true });
    });

    it('adds an organisation without --json as readable lines', async () => {
      const other = uniqueOin();
      const result = await run('organisation', 'add', '--name', 'Stichting Voorbeeld', '--oin', other);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include(`oin: ${other}`);
      expect(result.stdout).to.include('bsn_entitled: false');
    });

    let clientId: string;
    it('registers an OIDC webdienst and prints its client_id and client_secret', async () => {
      const result = await run(
        'webdienst',
        'add-oidc',
        '--organisation',
        oin,
        '--name',
        'Mijn Teststad',
        '--redirect-uri',
        'http://localhost:8080/callback',
        '--redirect-uri',
        'https://mijn.teststad.nl/callback',
        '--level',
        'midden',
        '--json',
      );
      expect(result.code, result.stderr).to.equal(0);
      const printed = JSON.parse(result.stdout) as {
        client_id: string;
        client_secret: string;
        level: string;
        discovery: string;
      };
      expect(printed.client_id).to.be.a('string').with.length.above(8);
      expect(printed.client_secret).to.be.a('string').with.length.of.at.least(32);
      expect(printed.level).to.equal('midden');
      expect(printed.discovery).to.match(/\/\.well-known\/openid-configuration$/);
      clientId = printed.client_id;
      const stored = (await contents()).webdiensten.find((webdienst) => webdienst.clientId === clientId);
      expect(stored?.protocolMetadata.redirect_uris).to.deep.equal([
        'http://localhost:8080/callback',
        'https://mijn.teststad.nl/callback',
      ]);
    });

    it('lists the webdienst, as lines and as JSON', async () => {
      const lines = await run('webdienst', 'list');
      expect(lines.code, lines.stderr).to.equal(0);
      expect(lines.stdout).to.include(`client_id=${clientId}`);
      expect(lines.stdout).to.include('name=Mijn Teststad');
      const json = await run('webdienst', 'list', '--json');
      expect(JSON.parse(json.stdout)).to.deep.include({
        name: 'Mijn Teststad',
        protocol: 'oidc',
        client_id: clientId,
        organisation: 'Gemeente Teststad',
        oin,
        bsn_entitled: true,
        level: 'midden',
        federation: null,
        suspended_at: null,
        organisation_suspended_at: null,
      });
      expect(json.stdout, 'no secret in a listing').to.not.include('secret');
    });

    it('adds a test citizen, storing a hash and not the password', async () => {
      const result = await run(
        'citizen',
        'add',
        '--username',
        'Burger-Test',
        '--password',
        strongPassword,
        '--bsn',
        '999991905',
        '--phone',
        '+31612345678',
        '--json',
      );
      expect(result.code, result.stderr).to.equal(0);
      const printed = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(printed).to.deep.include({ username: 'burger-test', status: 'active' });
      expect(printed.phone, 'the number is masked').to.not.equal('+31612345678');
      const store = openStore(database.url);
      try {
        const citizen = await store.findCitizenByUsername('burger-test');
        expect(citizen).to.deep.include({ bsn: '999991905', status: 'active' });
        expect(citizen!.passwordHash)
          .to.match(/^\$argon2id\$/)
          .and.not.include(strongPassword);
      } finally {
        await store.close();
      }
    });

    it('unblocks a citizen whose password was blocked after many failures, audited as the operator', async () => {
      const store = openStore(database.url);
      try {
        const citizen = (await store.findCitizenByUsername('burger-test'))!;
        await store.markPasswordRecoveryRequired(citizen.id, Date.now());
        const result = await run('citizen', 'unblock', '--username', 'burger-test', '--json');
        expect(result.code, result.stderr).to.equal(0);
        expect(JSON.parse(result.stdout)).to.deep.equal({ username: 'burger-test', was_blocked: true, blocked: false });
        expect((await store.findCitizenByUsername('burger-test'))!.passwordRecoveryRequired).to.equal(false);
        const [lifted] = await store.listAuditEvents({ type: 'citizen.password_block_lifted', citizenId: citizen.id });
        expect(lifted).to.include({ outcome: 'success', reason: 'operator' });
      } finally {
        await store.close();
      }
    });
  });

  describe('what it refuses, writing nothing', () => {
    it('a webdienst of an unknown organisation', async () => {
      await refused(
        [
          'webdienst',
          'add-oidc',
          '--organisation',
          '99999999999999999999',
          '--name',
          'Onbekend',
          '--redirect-uri',
          'https://x.example.nl/cb',
        ],
        /no organisation with OIN 99999999999999999999/,
      );
    });

    it('a redirect URI that is no URL, or not https', async () => {
      await refused(
        ['webdienst', 'add-oidc', '--organisation', oin, '--name', 'Kapot', '--redirect-uri', 'not a url'],
        /--redirect-uri is not an absolute URL/,
      );
      await refused(
        [
          'webdienst',
          'add-oidc',
          '--organisation',
          oin,
          '--name',
          'Onveilig',
          '--redirect-uri',
          'http://teststad.example.nl/cb',
        ],
        /--redirect-uri must use https/,
      );
    });

    it('a level that is not basis or midden', async () => {
      await refused(
        [
          'webdienst',
          'add-oidc',
          '--organisation',
          oin,
          '--name',
          'Te hoog',
          '--redirect-uri',
          'https://x.example.nl/cb',
          '--level',
          'hoog',
        ],
        /--level must be basis or midden/,
      );
    });

    it('a webdienst without a redirect URI', async () => {
      await refused(
        ['webdienst', 'add-oidc', '--organisation', oin, '--name', 'Nergens heen'],
        /at least one --redirect-uri/,
      );
    });

    it('an organisation with a bad or taken OIN, or without one', async () => {
      await refused(['organisation', 'add', '--name', 'Kort', '--oin', '123'], /OIN must be exactly 20 digits/);
      await refused(['organisation', 'add', '--name', 'Dubbel', '--oin', oin], /already exists/);
      await refused(['organisation', 'add', '--name', 'Zonder'], /missing --oin/);
    });

    it('a citizen whose BSN fails the 11-check', async () => {
      await refused(
        ['citizen', 'add', '--username', 'burger-twee', '--password', strongPassword, '--bsn', '999993654'],
        /BSN fails the 11-check/,
      );
    });

    it('a citizen with a weak password', async () => {
      await refused(
        ['citizen', 'add', '--username', 'burger-drie', '--password', 'kort', '--bsn', '999993653'],
        /password shorter than the minimum/,
      );
      await refused(
        ['citizen', 'add', '--username', 'burger-drie', '--password', 'passwordpassword', '--bsn', '999993653'],
        /common/,
      );
    });

    it('a second live account for one BSN', async () => {
      await refused(
        ['citizen', 'add', '--username', 'burger-vier', '--password', strongPassword, '--bsn', '999991905'],
        /an account for this BSN already exists/,
      );
    });

    it('an unknown command, with the usage', async () => {
      const result = await refused(['frobnicate'], /unknown command "frobnicate"/);
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('Usage: poortwachter');
    });

    it('an unknown option', async () => {
      const result = await refused(
        ['organisation', 'add', '--name', 'Met kleur', '--oin', uniqueOin(), '--colour', 'rood'],
        /--colour/,
      );
      expect(result.code).to.equal(2);
    });

    it('a stray argument', async () => {
      await refused(['webdienst', 'list', 'extra'], /unexpected argument "extra"/);
    });

    it('says why in JSON too when --json is given', async () => {
      const result = await refused(
        ['citizen', 'add', '--username', 'burger-vijf', '--password', strongPassword, '--bsn', '123', '--json'],
        /BSN fails the 11-check/,
      );
      expect(JSON.parse(result.stdout)).to.deep.equal({ error: 'BSN fails the 11-check' });
    });

    it('a bad configuration, naming the variable', async () => {
      const result = await refused(['webdienst', 'list'], /PASSWORD_MIN_LENGTH/, { ...env, PASSWORD_MIN_LENGTH: '3' });
      expect(result.code).to.equal(78);
    });
  });

  describe('in production', () => {
    it('refuses citizen add before it touches the database', async () => {
      // A complete production configuration; the database is never reached, so it need not exist.
      const env = { ...productionEnv(), DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none' };
      const result = await poortwachter(
        ['citizen', 'add', '--username', 'burger-zes', '--password', strongPassword, '--bsn', '999990019'],
        env,
      );
      expect(result.code).to.equal(2);
      expect(result.stderr).to.include('citizen add is refused in production');
    });

    it('refuses to run at all on a production configuration that is not safe', async () => {
      const result = await poortwachter(
        ['citizen', 'add', '--username', 'burger-zes', '--password', strongPassword, '--bsn', '999990019'],
        { ...env, POORTWACHTER_ENV: 'production' },
      );
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.match(/^poortwachter: .*production|Invalid configuration/m);
    });
  });
});
