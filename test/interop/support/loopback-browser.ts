// A citizen's browser between a service provider and Poortwachter, both on loopback: redirects on
// both sides, our login pages (password, then the SMS code when asked), SAML's auto-submitting
// HTTP-POST form, and the OIDC logout confirmation.
import { request as httpRequest } from 'node:http';
import { expect } from 'chai';
import { formAction, type Page } from '../../support/browser.ts';
import { lastSmsCode } from '../../support/relying-party.ts';
import type { TestServer } from '../../support/server.ts';

interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * One HTTP exchange as a browser's navigation sends it. Not fetch(): it always says
 * `Sec-Fetch-Mode: cors`, and mod_auth_openidc answers such (script) requests 401 instead of sending
 * them to the login (Fetch Metadata: a navigation is `navigate`, its destination `document`).
 */
function navigate(url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          'sec-fetch-mode': 'navigate',
          'sec-fetch-dest': 'document',
          'user-agent': 'Mozilla/5.0 (interop test browser)',
          ...headers,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
        signal: AbortSignal.timeout(30_000),
        // A connection per request, and a browser's leniency: mod_auth_openidc's error page has bytes
        // after its announced end, which Node's strict parser refuses and browsers ignore.
        agent: false,
        insecureHTTPParser: true,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const answerHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
              answerHeaders.append(name, one);
          resolve({
            status: response.statusCode ?? 0,
            headers: answerHeaders,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * Not test/support's TestBrowser: its cookie jar drops mellon's cookie (Domain=127.0.0.1, an IP
 * address), and mellon then refuses the Response ("User has disabled cookies"). Cookies here are kept
 * by host and name and sent on every path (both sides ignore extras).
 */
export class LoopbackBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async request(url: string, form?: Record<string, string>): Promise<Page> {
    const host = new URL(url).hostname;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    const headers: Record<string, string> = { accept: 'text/html' };
    if (jar.size) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = new URL(url).origin;
    }
    const response = await navigate(url, headers, form ? new URLSearchParams(form).toString() : undefined);
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = ''] = setCookie.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie) || /max-age=0\b/i.test(setCookie))
        jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      url,
      headers: response.headers,
      body: response.body,
      location: location && new URL(location, url).href,
    };
  }

  /** Follows redirects (at most `maxHops`); every hop must stay on loopback. */
  async follow(page: Page, maxHops = 15): Promise<Page> {
    let current = page;
    for (let hop = 0; hop < maxHops && current.location && current.status >= 300 && current.status < 400; hop += 1) {
      assertLoopback(current.location);
      current = await this.request(current.location);
    }
    return current;
  }
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  expect(['127.0.0.1', 'localhost', '[::1]'], `the browser left loopback for ${url}`).to.include(host);
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Our auto-submitting SAML HTTP-POST form (SAML Bindings 3.5). */
function samlPostForm(html: string): { action: string; fields: Record<string, string> } | undefined {
  const form = html.match(/<form[^>]*id="saml-post"[\s\S]*?<\/form>/)?.[0];
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const input of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields[input[1]!] = unescapeHtml(input[2]!);
  return { action: unescapeHtml(form.match(/action="([^"]*)"/)![1]!), fields };
}

export interface BrowserLoginOptions {
  username: string;
  password: string;
  /** Level Midden: the IdP sends an SMS code to this number; it is read from the outbox. */
  smsTo?: string;
  /** Changes the SAMLResponse (decoded XML) on its way from the IdP to the SP. */
  tamper?: (responseXml: string) => string;
  /** Sees the SAMLResponse (decoded XML) as the browser carries it. */
  observe?: (responseXml: string) => void;
  /** Continue in this browser (its cookies), e.g. to log out afterwards. */
  browser?: LoopbackBrowser;
}

/**
 * From the SP's protected page to the end: redirects, our login pages, and our SAML HTTP-POST form.
 * Returns the last page, which is the SP's answer.
 */
export async function browserLogin(
  server: TestServer,
  startUrl: string,
  options: BrowserLoginOptions,
): Promise<{ page: Page; tampered: boolean; codeAsked: boolean; passwordAsked: boolean }> {
  const browser = options.browser ?? new LoopbackBrowser();
  let page = await browser.request(startUrl);
  let tampered = false;
  let codeAsked = false;
  let passwordAsked = false;
  for (let step = 0; step < 20; step += 1) {
    if (page.location && page.status >= 300 && page.status < 400) {
      assertLoopback(page.location);
      page = await browser.request(page.location);
      continue;
    }
    const post = samlPostForm(page.body);
    if (post) {
      if (post.fields.SAMLResponse) options.observe?.(Buffer.from(post.fields.SAMLResponse, 'base64').toString('utf8'));
      if (options.tamper && post.fields.SAMLResponse) {
        const xml = Buffer.from(post.fields.SAMLResponse, 'base64').toString('utf8');
        const changed = options.tamper(xml);
        expect(changed, 'the tamper changed nothing').to.not.equal(xml);
        post.fields.SAMLResponse = Buffer.from(changed, 'utf8').toString('base64');
        tampered = true;
      }
      page = await browser.request(new URL(post.action, page.url).href, post.fields);
      continue;
    }
    if (page.body.includes('name="password"')) {
      passwordAsked = true;
      page = await browser.request(formAction(page.body, 'password', page.url), {
        username: options.username,
        password: options.password,
      });
      continue;
    }
    if (page.body.includes('name="code"') && options.smsTo) {
      codeAsked = true;
      page = await browser.request(formAction(page.body, 'code', page.url), {
        code: await lastSmsCode(server, options.smsTo),
      });
      continue;
    }
    return { page, tampered, codeAsked, passwordAsked };
  }
  throw new Error(`login did not end within 20 steps, at ${page.url}`);
}

/**
 * RP-initiated logout seen from the browser (OpenID Connect RP-Initiated Logout 1.0): follows the
 * webdienst's redirect to our end_session endpoint, answers "yes" on our confirmation page, and
 * follows the redirects back to the webdienst. Returns the last page and whether we asked.
 */
export async function browserLogout(
  browser: LoopbackBrowser,
  startUrl: string,
): Promise<{ page: Page; confirmed: boolean; visited: string[] }> {
  const visited: string[] = [];
  let page = await browser.request(startUrl);
  let confirmed = false;
  for (let step = 0; step < 15; step += 1) {
    visited.push(page.url);
    if (page.location && page.status >= 300 && page.status < 400) {
      assertLoopback(page.location);
      page = await browser.request(page.location);
      continue;
    }
    const xsrf = page.body.match(/name="xsrf" value="([^"]+)"/)?.[1];
    if (xsrf && !confirmed) {
      confirmed = true;
      const action = unescapeHtml(page.body.match(/<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"/)?.[1] ?? '');
      expect(action, 'the logout confirmation form').to.not.equal('');
      page = await browser.request(new URL(action, page.url).href, { xsrf, logout: 'yes' });
      continue;
    }
    return { page, confirmed, visited };
  }
  throw new Error(`logout did not end within 15 steps, at ${page.url}`);
}
