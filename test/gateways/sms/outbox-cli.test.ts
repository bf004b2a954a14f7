import { expect } from 'chai';
import { runCli } from '../../support/cli.ts';
import { openStore } from '../../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { productionEnv } from '../../support/production-env.ts';

const poortwachter = runCli;

describe('poortwachter outbox sms', () => {
  let database: TestDatabase;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    database = await createTestDatabase('sqlite');
    env = { POORTWACHTER_ENV: 'development', DATABASE_URL: database.url };
    const store = openStore(database.url);
    await store.migrate();
    await store.insertOutboxSms({
      to: '+31611111111',
      text: 'Uw code is 111111',
      purpose: 'login_code',
      createdAt: Date.UTC(2025, 0, 6, 9, 0),
    });
    await store.insertOutboxSms({
      to: '+31622222222',
      text: 'Uw code is 222222',
      purpose: 'login_code',
      createdAt: Date.UTC(2025, 0, 6, 9, 1),
    });
    await store.insertOutboxSms({
      to: '+31611111111',
      text: 'Uw code is 333333',
      purpose: 'resend',
      createdAt: Date.UTC(2025, 0, 6, 9, 2),
    });
    await store.close();
  });
  after(() => database.drop());

  it('prints the latest messages, newest first, as JSON', async () => {
    const result = await poortwachter(['outbox', 'sms', '--json'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(JSON.parse(result.stdout)).to.deep.equal([
      { to: '+31611111111', text: 'Uw code is 333333', purpose: 'resend', created_at: '2025-01-06T09:02:00.000Z' },
      { to: '+31622222222', text: 'Uw code is 222222', purpose: 'login_code', created_at: '2025-01-06T09:01:00.000Z' },
      { to: '+31611111111', text: 'Uw code is 111111', purpose: 'login_code', created_at: '2025-01-06T09:00:00.000Z' },
    ]);
  });

  it('shows only the messages to one number with --to, and no more than --limit', async () => {
    const result = await poortwachter(['outbox', 'sms', '--to', '+31611111111', '--limit', '1'], env);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.trim().split('\n')).to.deep.equal([
      'to=+31611111111  text=Uw code is 333333  purpose=resend  created_at=2025-01-06T09:02:00.000Z',
    ]);
  });

  it('refuses a --limit that is not a whole number from 1 to 1000', async () => {
    const result = await poortwachter(['outbox', 'sms', '--limit', 'many'], env);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.include('--limit must be a whole number from 1 to 1000');
  });

  it('is refused in production, before the database is opened', async () => {
    const result = await poortwachter(['outbox', 'sms'], {
      ...productionEnv(),
      // Nothing listens here: a refusal after opening the database would fail differently (exit 1).
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
    });
    expect(result.stderr).to.include('outbox sms is refused in production');
    expect(result.code).to.equal(2);
  });
});
