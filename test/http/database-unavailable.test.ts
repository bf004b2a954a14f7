// A database that restarts or is out of reach is a passing condition: citizens and webdienst get
// 503 with Retry-After ("try again"), never a 500 (src/http/errors.ts, src/frontends/oidc/database-unavailable.ts).
import { expect } from 'chai';
import { isDatabaseUnavailable } from '../../src/stores/index.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServerBehindRelay } from '../support/tcp-relay.ts';

describe('database unavailable (src/stores/unavailable.ts)', () => {
  it('recognises refused and dropped connections, PostgreSQL shutting down, pool timeouts and a locked sqlite, and nothing else', () => {
    const unavailable = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
        name: 'KnexTimeoutError',
      }),
      Object.assign(new Error('database is locked'), { code: 'ERR_SQLITE_BUSY' }),
      new Error('insert failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) }),
    ];
    for (const error of unavailable) expect(isDatabaseUnavailable(error), error.message).to.equal(true);
    const bugs = [
      new TypeError('x is undefined'),
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      'a string',
      undefined,
    ];
    for (const error of bugs) expect(isDatabaseUnavailable(error), String(error)).to.equal(false);
  });
});

if (databaseKinds.includes('postgres')) {
  describe('while PostgreSQL is out of reach (postgres)', () => {
    it('answers the login page, the authorization request and the token endpoint with 503 and Retry-After, and works again after', async function () {
      this.timeout(60_000);
      const { server, relay, stop } = await startTestServerBehindRelay();
      try {
        const rp = await RelyingParty.register(server);
        const browser = new TestBrowser();
        const { request, page } = await rp.start(browser);
        expect(page.status).to.equal(200);
        await relay.cut();
        const loginPage = await browser.get(page.url);
        const authorize = await new TestBrowser().get((await rp.authorizationRequest()).url);
        const token = await fetch(`${server.url}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: 'abc',
            redirect_uri: rp.redirectUri,
            code_verifier: request.verifier,
          }).toString(),
        });
        for (const [name, status, retryAfter] of [
          ['login page', loginPage.status, loginPage.headers.get('retry-after')],
          ['authorize', authorize.status, authorize.headers.get('retry-after')],
          ['token', token.status, token.headers.get('retry-after')],
        ] as const) {
          expect([name, status, retryAfter]).to.deep.equal([name, 503, '5']);
        }
        expect(loginPage.body).to.include('Probeer het over een paar seconden opnieuw');
        expect(await token.json()).to.deep.include({ error: 'temporarily_unavailable' });
        await relay.open();
        let again = await browser.get(page.url);
        for (let tries = 0; again.status !== 200 && tries < 20; tries += 1) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          again = await browser.get(page.url);
        }
        expect(again.status).to.equal(200);
      } finally {
        await stop();
      }
    });
  });
}
