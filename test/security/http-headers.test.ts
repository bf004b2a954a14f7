// a: every page carries a Content-Security-Policy without inline scripts and
// with frame-ancestors 'none', nosniff and a Referrer-Policy that keeps codes out of Referer headers
// (src/http/security-headers.ts); HSTS only in production; every cookie is HttpOnly and SameSite=Lax
// or stricter, and Secure once the service is reached over https.
import { expect } from 'chai';
import { systemClock } from '../../src/core/clock.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { createServices } from '../../src/services.ts';
import { testCitizens } from '../../seeds/development.ts';
import { TestBrowser, formAction, type Page } from '../support/browser.ts';
import { RelyingParty, uniqueOin } from '../support/relying-party.ts';
import { freePort, startTestServer, type TestServer } from '../support/server.ts';
import { RecordingBrowser, browserAt, openLoginPage, postPassword, uniqueAddress } from './helpers.ts';

const citizen = testCitizens[0];

/**
 * A browser that talks https to the service as a TLS-terminating proxy would deliver it: the
 * request goes over plain http with X-Forwarded-Proto: https, the cookie jar sees https URLs.
 */
class BehindHttpsProxyBrowser extends TestBrowser {
  readonly setCookies: string[] = [];
  override async request(url: string, init: Parameters<TestBrowser['request']>[1] = {}): Promise<Page> {
    const headers: Record<string, string> = {
      accept: 'text/html',
      'x-forwarded-proto': 'https',
      ...this.headers,
      ...init.headers,
    };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin ??= new URL(url).origin;
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url.replace(/^https:/, 'http:'), {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const setCookie of response.headers.getSetCookie()) {
      this.setCookies.push(setCookie);
      await this.jar.setCookie(setCookie, url, { ignoreError: true });
    }
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      url,
      headers: response.headers,
      body: await response.text(),
      location: location && new URL(location, url).href,
    };
  }
}

/** The directives of a CSP header, by name. */
function cspDirectives(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

// Policies under which a cross-origin Referer never carries a path or query (codes, attempt ids).
const safeReferrerPolicies = [
  'no-referrer',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'origin',
  'origin-when-cross-origin',
];

function expectProtectiveHeaders(page: Page, what: string): void {
  const csp = cspDirectives(page.headers.get('content-security-policy'));
  expect(csp.size, `${what}: Content-Security-Policy`).to.be.greaterThan(0);
  const scriptSources = csp.get('script-src') ?? csp.get('default-src');
  expect(scriptSources, `${what}: script-src or default-src`).to.be.an('array');
  expect(scriptSources, `${what}: script sources`).to.not.include.members(["'unsafe-inline'"]);
  expect(scriptSources, `${what}: script sources`).to.not.include.members(["'unsafe-eval'"]);
  expect(
    scriptSources!.some((source) => source === '*' || source === 'http:' || source === 'https:' || source === 'data:'),
    `${what}: script sources ${scriptSources!.join(',')}`,
  ).to.equal(false);
  expect(csp.get('frame-ancestors'), `${what}: frame-ancestors`).to.deep.equal(["'none'"]);
  expect(page.headers.get('x-content-type-options'), `${what}: nosniff`).to.equal('nosniff');
  expect(safeReferrerPolicies, `${what}: Referrer-Policy ${page.headers.get('referrer-policy')}`).to.include(
    page.headers.get('referrer-policy'),
  );
}

interface CookieAttributes {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function parseSetCookie(header: string): CookieAttributes {
  const [pair, ...rest] = header.split(';');
  const separator = pair!.indexOf('=');
  const attributes = new Map<string, string>();
  for (const attribute of rest) {
    const [key, ...value] = attribute.trim().split('=');
    attributes.set(key!.toLowerCase(), value.join('='));
  }
  return { name: pair!.slice(0, separator).trim(), value: pair!.slice(separator + 1).trim(), attributes };
}

/** Cookies that set a value (not the deletions, which carry an expiry in the past and no value). */
function cookiesWithValue(headers: string[]): CookieAttributes[] {
  return headers.map(parseSetCookie).filter((cookie) => {
    const expires = cookie.attributes.get('expires');
    return cookie.value !== '' && !(expires && Date.parse(expires) < Date.now());
  });
}

describe('HTTP security headers and cookies', () => {
  let server: TestServer;
  let rp: RelyingParty;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server);
  });
  after(() => server.stop());

  describe('on every page', () => {
    const pages: Array<[string, () => Promise<Page>]> = [
      ['the start page', () => new TestBrowser().get(`${server.url}/`)],
      ['the login page', async () => (await openLoginPage(rp, browserAt())).page],
      [
        'a failed login',
        async () => {
          const browser = browserAt();
          const { page } = await openLoginPage(rp, browser);
          return postPassword(browser, page, citizen.username, 'niet-het-juiste-wachtwoord');
        },
      ],
      [
        'a login form posted without its cookie',
        async () => {
          const { page } = await openLoginPage(rp, browserAt());
          return browserAt().post(formAction(page.body, 'username', page.url), {
            username: citizen.username,
            password: citizen.password,
          });
        },
      ],
      [
        'a login form posted from a foreign origin',
        async () => {
          const browser = browserAt();
          const { page } = await openLoginPage(rp, browser);
          return browser.post(
            formAction(page.body, 'username', page.url),
            { username: citizen.username, password: citizen.password },
            { origin: 'https://evil.example' },
          );
        },
      ],
      ['a page that does not exist', () => new TestBrowser().get(`${server.url}/bestaat-niet`)],
      [
        'an OpenID Connect error page',
        async () => {
          const { url } = await rp.authorizationRequest({ redirect_uri: 'https://evil.example/callback' });
          return new TestBrowser().get(url);
        },
      ],
      ['the logout page', () => new TestBrowser().get(`${server.url}/session/end`)],
      [
        'the discovery document',
        () => new TestBrowser({ accept: 'application/json' }).get(`${server.url}/.well-known/openid-configuration`),
      ],
      ['the demo webdienst', () => new TestBrowser().get(`${server.url}/demo`)],
    ];

    for (const [what, load] of pages) {
      it(`sends CSP without inline scripts, frame-ancestors 'none', nosniff and a safe Referrer-Policy on ${what}`, async () => {
        const page = await load();
        expect(page.status, what).to.be.below(500);
        expectProtectiveHeaders(page, what);
      });
    }

    it('forbids framing of the login page in older browsers too (X-Frame-Options DENY)', async () => {
      const { page } = await openLoginPage(rp, browserAt());
      expect(page.headers.get('x-frame-options')).to.equal('DENY');
    });

    it('marks the login page as not to be stored', async () => {
      const { page } = await openLoginPage(rp, browserAt());
      expect(page.headers.get('cache-control')).to.include('no-store');
    });

    it('sends no HSTS in development, where the service runs on plain http', async () => {
      expect(server.config.environment).to.equal('development');
      const page = await new TestBrowser().get(`${server.url}/`);
      expect(page.headers.get('strict-transport-security')).to.equal(null);
    });
  });

  describe('cookies', () => {
    it('sets every cookie of a whole login HttpOnly and SameSite=Lax or Strict', async () => {
      const browser = new RecordingBrowser({ 'x-forwarded-for': uniqueAddress() });
      await rp.login(browser, citizen.username, citizen.password);
      await browser.get(`${server.url}/?lang=en`);
      const cookies = cookiesWithValue(browser.setCookies);
      expect(cookies.map((cookie) => cookie.name)).to.include.members([
        'pw_interaction',
        'poortwachter_login',
        'pw_session',
        'lang',
      ]);
      for (const cookie of cookies) {
        expect(cookie.attributes.has('httponly'), `${cookie.name} HttpOnly`).to.equal(true);
        expect(['lax', 'strict'], `${cookie.name} SameSite`).to.include(
          cookie.attributes.get('samesite')?.toLowerCase(),
        );
      }
    });

    describe('behind https (preproduction)', () => {
      let httpsServer: TestServer;
      let authorizeUrl: string;
      let redirectUri: string;
      before(async () => {
        const port = await freePort();
        httpsServer = await startTestServer({
          env: { POORTWACHTER_ENV: 'preproduction' },
          overrides: { port, publicUrl: `https://127.0.0.1:${port}` },
        });
        const { adminDeps } = createServices(httpsServer.config, httpsServer.store, systemClock);
        const organisation = await addOrganisation(adminDeps, {
          name: 'Organisatie https',
          oin: uniqueOin(),
          bsnEntitled: false,
        });
        redirectUri = 'http://127.0.0.1:9/https-test/callback';
        const { clientId } = await addOidcWebdienst(
          { ...adminDeps, environment: httpsServer.config.environment },
          {
            organisationOin: organisation.oin,
            name: 'Webdienst https',
            redirectUris: [redirectUri],
            auth: 'client_secret_basic',
          },
        );
        authorizeUrl = `${httpsServer.config.publicUrl}/auth?${new URLSearchParams({
          client_id: clientId,
          redirect_uri: redirectUri,
          response_type: 'code',
          scope: 'openid',
          state: 'staat-1234',
          nonce: 'nonce-1234',
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        })}`;
      });
      after(() => httpsServer.stop());

      it('sets every cookie of a whole login Secure as well as HttpOnly and SameSite', async () => {
        expect(httpsServer.config.publicUrl).to.match(/^https:/);
        const browser = new BehindHttpsProxyBrowser({ 'x-forwarded-for': uniqueAddress() });
        const loginPage = await browser.follow(await browser.get(authorizeUrl));
        expect(loginPage.status, loginPage.body.slice(0, 300)).to.equal(200);
        const posted = await browser.post(formAction(loginPage.body, 'username', loginPage.url), {
          username: citizen.username,
          password: citizen.password,
        });
        const back = await browser.follow(posted, (url) => url.startsWith(redirectUri));
        expect(back.location).to.match(new RegExp(`^${redirectUri}\\?code=`));
        const cookies = cookiesWithValue(browser.setCookies);
        expect(cookies.map((cookie) => cookie.name)).to.include.members([
          'pw_interaction',
          'poortwachter_login',
          'pw_session',
        ]);
        for (const cookie of cookies) {
          expect(cookie.attributes.has('secure'), `${cookie.name} Secure`).to.equal(true);
          expect(cookie.attributes.has('httponly'), `${cookie.name} HttpOnly`).to.equal(true);
          expect(['lax', 'strict'], `${cookie.name} SameSite`).to.include(
            cookie.attributes.get('samesite')?.toLowerCase(),
          );
        }
      });
    });
  });
});
