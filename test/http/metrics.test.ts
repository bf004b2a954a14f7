// Prometheus /metrics: logins by level, protocol and outcome, SMS sends,
// the hashing queue, request latency by route pattern, the database pool and the process; a token
// when one is configured, none served in production without one; one registry per server.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { levels } from '../../src/core/levels.ts';
import { metricsServed } from '../../src/http/metrics-routes.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const [basisCitizen, middenCitizen] = testCitizens;
const token = 'metrics-token-'.padEnd(40, 'x');

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers });
  expect(response.status).to.equal(200);
  expect(response.headers.get('content-type')).to.match(/^text\/plain/);
  return response.text();
}

/** The value of one sample, e.g. sample(text, 'poortwachter_logins_total', { outcome: 'success' }). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const line = text.split('\n').find((candidate) => {
    if (!candidate.startsWith(`${name}{`) && !candidate.startsWith(`${name} `)) return false;
    return Object.entries(labels).every(([key, value]) => candidate.includes(`${key}="${value}"`));
  });
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** Login counting runs after the audit event is stored, off the request: wait until it shows. */
async function eventually(server: TestServer, check: (text: string) => boolean): Promise<string> {
  let text = await scrape(server);
  for (let tries = 0; !check(text) && tries < 40; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    text = await scrape(server);
  }
  return text;
}

for (const kind of databaseKinds) {
  describe(`GET /metrics (${kind})`, () => {
    let server: TestServer;
    let other: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
      other = await startTestServer({ kind });
    });
    after(async () => {
      await server.stop();
      await other.stop();
    });

    it('counts a successful and a failed Basis login by level, protocol and outcome', async () => {
      const rp = await RelyingParty.register(server);
      await rp.login(new TestBrowser(), basisCitizen.username, basisCitizen.password);
      const browser = new TestBrowser();
      const { page } = await rp.start(browser);
      await rp.submitPassword(browser, page, basisCitizen.username, 'not-the-password-at-all');
      const text = await eventually(
        server,
        (current) => sample(current, 'poortwachter_logins_total', { outcome: 'failure' }) !== undefined,
      );
      expect(
        sample(text, 'poortwachter_logins_total', { level: 'basis', protocol: 'oidc', outcome: 'success' }),
      ).to.equal(1);
      expect(
        sample(text, 'poortwachter_logins_total', { level: 'basis', protocol: 'oidc', outcome: 'failure' }),
      ).to.equal(1);
    });

    it('counts a Midden login and the SMS it sent', async () => {
      const rp = await RelyingParty.register(server);
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser, { acr_values: levels.midden.uri });
      const codePage = await browser.follow(
        await rp.submitPassword(browser, page, middenCitizen.username, middenCitizen.password),
      );
      const back = await submitCode(browser, rp, codePage, await lastSmsCode(server, middenCitizen.phone));
      await rp.redeem(back.location!, request);
      const text = await eventually(
        server,
        (current) =>
          sample(current, 'poortwachter_logins_total', { level: 'midden', outcome: 'success' }) !== undefined,
      );
      expect(
        sample(text, 'poortwachter_logins_total', { level: 'midden', protocol: 'oidc', outcome: 'success' }),
      ).to.equal(1);
      expect(sample(text, 'poortwachter_sms_sent_total', { gateway: 'outbox' })).to.be.at.least(1);
    });

    it('keeps the counts of each server apart (one registry per app)', async () => {
      const text = await scrape(other);
      expect(sample(text, 'poortwachter_logins_total')).to.equal(undefined);
      expect(sample(text, 'poortwachter_sms_sent_total')).to.equal(undefined);
    });

    it('measures request latency by route pattern, never by the raw path', async () => {
      await (
        await RelyingParty.register(server)
      ).login(new TestBrowser(), basisCitizen.username, basisCitizen.password);
      const text = await scrape(server);
      expect(text).to.include('route="/inloggen/:attemptId"');
      expect(
        sample(text, 'poortwachter_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/token',
          status: '200',
        }),
      ).to.be.at.least(1);
      const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]!));
      for (const route of routes)
        expect(route, 'a route label holds no id').to.not.match(/[0-9a-f]{8}-|\/[A-Za-z0-9_]{16,}/);
    });

    it('counts the SQL statements a login sends, by kind', async () => {
      const before = await scrape(server);
      const count = (text: string, kind: string) =>
        sample(text, 'poortwachter_database_statements_total', { kind }) ?? 0;
      await (
        await RelyingParty.register(server)
      ).login(new TestBrowser(), basisCitizen.username, basisCitizen.password);
      const after = await scrape(server);
      expect(count(after, 'select') - count(before, 'select')).to.be.at.least(1);
      expect(count(after, 'insert') - count(before, 'insert')).to.be.at.least(1);
      // A scrape sends no statement itself.
      expect(count(await scrape(server), 'select')).to.equal(count(after, 'select'));
    });

    it('shows the hashing queue, the database pool and the process', async () => {
      const text = await scrape(server);
      expect(sample(text, 'poortwachter_password_hash_queue_length')).to.equal(0);
      expect(sample(text, 'poortwachter_database_pool_connections', { state: 'max' })).to.be.at.least(1);
      expect(sample(text, 'poortwachter_database_pool_connections', { state: 'used' })).to.be.a('number');
      expect(sample(text, 'process_cpu_seconds_total')).to.be.a('number');
      expect(sample(text, 'nodejs_eventloop_lag_seconds')).to.be.a('number');
    });
  });
}

describe('GET /metrics with METRICS_TOKEN', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: token } });
  });
  after(() => server.stop());

  it('refuses a scrape without the token, or with another one', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${token}x` },
      { authorization: `Basic ${token}` },
      { authorization: 'Bearer' },
    ]) {
      const response = await fetch(`${server.url}/metrics`, { headers });
      expect(response.status, JSON.stringify(headers)).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="metrics"');
      expect(await response.text()).to.not.include('poortwachter_');
    }
  });

  it('answers a scrape with the token', async () => {
    expect(await scrape(server, { authorization: `Bearer ${token}` })).to.include(
      'poortwachter_http_request_duration_seconds',
    );
  });
});

describe('whether /metrics is served (src/http/metrics-routes.ts)', () => {
  it('is served outside production, with or without a token', () => {
    expect(metricsServed({ environment: 'development', metrics: { enabled: true } })).to.equal(true);
    expect(metricsServed({ environment: 'preproduction', metrics: { enabled: true, token } })).to.equal(true);
  });

  it('is off in production without a token, and on with one', () => {
    expect(metricsServed({ environment: 'production', metrics: { enabled: true } })).to.equal(false);
    expect(metricsServed({ environment: 'production', metrics: { enabled: true, token } })).to.equal(true);
  });

  it('is off everywhere with METRICS_ENABLED=false', async () => {
    expect(metricsServed({ environment: 'development', metrics: { enabled: false, token } })).to.equal(false);
    const server = await startTestServer({ env: { METRICS_ENABLED: 'false' } });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).to.equal(404);
    } finally {
      await server.stop();
    }
  });
});
