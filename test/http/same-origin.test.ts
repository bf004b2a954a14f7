// The login form accepts what real browsers send on a same-origin post and
// refuses what they send on a cross-site one (src/http/same-origin.ts), header combination by
// header combination, over HTTP against a running server.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { formAction, type TestBrowser } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt, openLoginPage } from '../security/helpers.ts';

const citizen = testCitizens[0];

/** A POST with exactly these headers (plus the browser's cookies): nothing added, nothing left out. */
async function postWithHeaders(browser: TestBrowser, url: string, form: Record<string, string>, headers: Headers) {
  const cookie = await browser.jar.getCookieString(url);
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      'content-type': 'application/x-www-form-urlencoded',
      ...browser.headers,
      ...(cookie ? { cookie } : {}),
      ...headers,
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

type Headers = Record<string, string>;

describe('The same-origin check on form posts', () => {
  let server: TestServer;
  let rp: RelyingParty;
  let ours: string;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server);
    ours = new URL(server.url).origin;
  });
  after(() => server.stop());

  async function postLogin(headers: (ours: string) => Headers) {
    const browser = browserAt();
    const { page } = await openLoginPage(rp, browser);
    return postWithHeaders(
      browser,
      formAction(page.body, 'username', page.url),
      { username: citizen.username, password: citizen.password },
      headers(ours),
    );
  }

  const accepted: Array<[string, (ours: string) => Headers]> = [
    [
      'Sec-Fetch-Site same-origin with our Origin (Chromium, Firefox, Safari)',
      (o) => ({ 'sec-fetch-site': 'same-origin', origin: o }),
    ],
    [
      'Sec-Fetch-Site same-origin with Origin null (a page still under no-referrer)',
      () => ({ 'sec-fetch-site': 'same-origin', origin: 'null' }),
    ],
    ['Sec-Fetch-Site same-origin without Origin', () => ({ 'sec-fetch-site': 'same-origin' })],
    ['our Origin without Sec-Fetch-Site (browsers before Fetch Metadata)', (o) => ({ origin: o })],
    ['our Referer without Origin or Sec-Fetch-Site (older browsers)', (o) => ({ referer: `${o}/inloggen/x` })],
    ['no Origin, Referer or Sec-Fetch-Site (not a browser)', () => ({})],
  ];
  for (const [name, headers] of accepted) {
    it(`accepts a login posted with ${name}`, async () => {
      const answer = await postLogin(headers);
      expect(answer.status, answer.body.slice(0, 200)).to.equal(303);
      // The password was checked and the login finished: back to the front-end to resume, not a login page.
      expect(answer.location).to.match(new RegExp(`^${ours}/auth/`));
    });
  }

  const refused: Array<[string, (ours: string) => Headers]> = [
    [
      'Sec-Fetch-Site cross-site and a foreign Origin',
      () => ({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }),
    ],
    ['Sec-Fetch-Site cross-site even with our Origin', (o) => ({ 'sec-fetch-site': 'cross-site', origin: o })],
    [
      'Sec-Fetch-Site same-site (a sibling subdomain)',
      () => ({ 'sec-fetch-site': 'same-site', origin: 'http://other.127.0.0.1' }),
    ],
    ['Sec-Fetch-Site none (not a form post of a page)', () => ({ 'sec-fetch-site': 'none' })],
    [
      'Sec-Fetch-Site same-origin contradicted by a foreign Origin',
      () => ({ 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' }),
    ],
    ['Sec-Fetch-Site with an unknown value', (o) => ({ 'sec-fetch-site': 'same-origin, cross-site', origin: o })],
    ['Origin null without Sec-Fetch-Site (sandboxed frame)', () => ({ origin: 'null' })],
    ['a foreign Origin without Sec-Fetch-Site', () => ({ origin: 'https://evil.example' })],
    ['our host on another port as Origin', () => ({ origin: 'http://127.0.0.1:1' })],
    ['a foreign Referer without Origin', () => ({ referer: 'https://evil.example/login-csrf.html' })],
    ['an unreadable Referer without Origin', () => ({ referer: 'not a url' })],
  ];
  for (const [name, headers] of refused) {
    it(`refuses with 403 a login posted with ${name}`, async () => {
      const answer = await postLogin(headers);
      expect(answer.status).to.equal(403);
      expect(answer.location).to.equal(null);
      expect(answer.body).to.include('andere website');
    });
  }

  it('sends Referrer-Policy same-origin, so browsers name our origin on our own form posts', async () => {
    const { page } = await openLoginPage(rp, browserAt());
    expect(page.headers.get('referrer-policy')).to.equal('same-origin');
  });
});
