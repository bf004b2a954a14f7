// The help desk's commands: citizen show, unblock, letter --kind recovery|activation, deactivate;
// every change audited. Seeded register (development), letters in the outbox.
import { expect } from 'chai';
import { runCli } from '../support/cli.ts';
import { loadConfig } from '../../config/index.ts';
import { addCitizen } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { openStore, type Store } from '../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

const poortwachter = runCli;

describe('poortwachter citizen show|unblock|letter|deactivate (help desk)', function () {
  // Each command is a process of its own (tsx); on a busy machine one takes several seconds.
  this.timeout(120_000);
  let database: TestDatabase;
  let store: Store;
  let env: NodeJS.ProcessEnv;
  const json = async (args: string[]) => {
    const result = await poortwachter([...args, '--json'], env);
    expect(result.code, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  before(async () => {
    database = await createTestDatabase('sqlite');
    env = { POORTWACHTER_ENV: 'development', DATABASE_URL: database.url, SEED_TEST_DATA: 'false' };
    store = openStore(database.url);
    await store.migrate();
    const { citizenDeps } = createServices(loadConfig(env), store, systemClock);
    // Seeded persons of the register: S. el Amrani has an account, P. van den Berg a waiting request.
    await addCitizen(citizenDeps, {
      username: 'balie-burger',
      password: 'zeilboot-balie-lantaarn-42',
      bsn: '999991905',
      phone: '+31687654321',
    });
    await store.insertAccountRequest({
      id: '00000000-0000-4000-8000-00000000a001',
      bsn: '999990032',
      username: 'wacht-burger',
      passwordHash: 'not-used',
      locale: 'nl',
      status: 'pending',
      replacesCitizenId: null,
      citizenId: null,
      createdAt: Date.now(),
      expiresAt: Date.now() + 86_400_000,
      updatedAt: Date.now(),
    });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  it('shows an account with masked phone, and a waiting request', async () => {
    expect(await json(['citizen', 'show', '--username', 'Balie-Burger'])).to.include({
      username: 'balie-burger',
      status: 'active',
      phone: '+31*******21',
      app_linked: false,
      password_recovery_required: false,
    });
    expect((await json(['citizen', 'show', '--username', 'wacht-burger'])).status).to.equal('request pending');
  });

  it('unblock lifts the password-failure limit, audited', async () => {
    const citizen = (await store.findCitizenByUsername('balie-burger'))!;
    await store.markPasswordRecoveryRequired(citizen.id, Date.now());
    await json(['citizen', 'unblock', '--username', 'balie-burger']);
    expect((await store.findCitizenById(citizen.id))!.passwordRecoveryRequired).to.equal(false);
    expect(
      await store.listAuditEvents({ type: 'citizen.password_block_lifted', citizenId: citizen.id }),
    ).to.have.length(1);
  });

  it('letter --kind recovery sends a recovery letter to the registered address', async () => {
    const out = await json(['citizen', 'letter', '--kind', 'recovery', '--username', 'balie-burger']);
    const [letter] = await store.listOutboxLetters({ addressedTo: 'el Amrani', limit: 1 });
    expect(letter).to.include({ id: out.letter, kind: 'recovery' });
    expect(letter!.addressLines).to.deep.equal(['Havenweg 45-2', "2511 AB  'S-GRAVENHAGE"]);
  });

  it('letter --kind activation sends a new activation letter for a waiting request', async () => {
    const out = await json(['citizen', 'letter', '--kind', 'activation', '--username', 'wacht-burger']);
    const [letter] = await store.listOutboxLetters({ addressedTo: 'van den Berg', limit: 1 });
    expect(letter).to.include({ id: out.letter, kind: 'activation' });
    const bad = await poortwachter(['citizen', 'letter', '--kind', 'postduif', '--username', 'wacht-burger'], env);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.include('--kind must be activation or recovery');
  });

  it('deactivate ends the account, tells the citizen and audits it; a second time is refused', async () => {
    const out = await json(['citizen', 'deactivate', '--username', 'balie-burger']);
    expect(out.status).to.equal('revoked');
    const citizen = (await store.findCitizenByUsername('balie-burger'))!;
    expect(citizen.status).to.equal('revoked');
    const [event] = await store.listAuditEvents({ type: 'citizen.revoked', citizenId: citizen.id });
    expect(event!.reason).to.equal('desk');
    const [sms] = await store.listOutboxSms({ to: '+31687654321', limit: 1 });
    expect(sms!.purpose).to.equal('notify_account_ended');
    const again = await poortwachter(['citizen', 'deactivate', '--username', 'balie-burger'], env);
    expect(again.code).to.equal(2);
  });
});
