import { execFile } from 'node:child_process';
import { expect } from 'chai';
import { openStore } from '../../../src/stores/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function poortwachter(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['src/cli/main.ts', ...args],
      { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

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
    const secret = 'x'.repeat(32);
    const result = await poortwachter(['outbox', 'sms'], {
      POORTWACHTER_ENV: 'production',
      PUBLIC_URL: 'https://login.example.nl',
      // Nothing listens here: a refusal after opening the database would fail differently (exit 1).
      DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:9/none',
      SIGNING_KEY_FILES: '/nonexistent/signing-key.pem',
      SIGNING_CERTIFICATE_FILES: '/nonexistent/signing-key.crt',
      COOKIE_KEYS: secret,
      PAIRWISE_SALT: secret,
      CODE_HASH_KEY: secret,
      TOTP_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
      SEED_TEST_DATA: 'false',
      DEMO_ENABLED: 'false',
      SMS_GATEWAY: 'http',
      SMS_HTTP_URL: 'https://sms.example/send',
      SMS_HTTP_AUTH_HEADER: 'X-Api-Key',
      SMS_HTTP_AUTH_VALUE: 'key',
      SMS_HTTP_BODY_TEMPLATE: '{"to":"{{to}}","message":"{{text}}"}',
      TRUST_ANCHOR_FILES: '/nonexistent/pkioverheid-roots.pem',
      BACK_CHANNEL_CLIENT_CERTS: 'proxy',
      BACK_CHANNEL_TRUSTED_PROXIES: '10.0.0.5',
      SOAP_CLIENT_CERT_FILE: '/nonexistent/soap-client.crt',
      SOAP_CLIENT_KEY_FILE: '/nonexistent/soap-client.key',
    });
    expect(result.stderr).to.include('outbox sms is refused in production');
    expect(result.code).to.equal(2);
  });
});
