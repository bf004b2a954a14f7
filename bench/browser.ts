// A deliberately cheap browser for load: keep-alive sockets (raw-http.ts), manual redirects and a
// tiny per-flow cookie jar (name + path, no domain logic: the bench only talks to one loopback origin).
// It shares the cores with the server, so it does as little work per request as it can.
import type { IncomingHttpHeaders } from 'node:http';
import { RawHttpPool } from './raw-http.ts';

/** One pool of keep-alive connections per origin, shared by all browsers (as node:http's Agent was). */
const pools = new Map<string, RawHttpPool>();
function poolFor(url: URL): RawHttpPool {
  if (url.protocol !== 'http:')
    throw new Error(`the bench browser speaks plain http to loopback only, not ${url.origin}`);
  let pool = pools.get(url.host);
  if (!pool) {
    pool = new RawHttpPool(url.hostname, Number(url.port || 80));
    pools.set(url.host, pool);
  }
  return pool;
}

export interface Response {
  status: number;
  /** Absolute URL of the Location header, if any. */
  location?: string;
  body: string;
  headers: IncomingHttpHeaders;
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

export class BenchBrowser {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(
    readonly origin: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** The value of a cookie this browser holds (on any path), or undefined. */
  cookie(name: string): string | undefined {
    for (const cookie of this.cookies.values()) if (cookie.name === name) return cookie.value;
    return undefined;
  }

  /** Cookie header for a request path: every stored cookie whose path is a prefix of it (RFC 6265 5.1.4). */
  private cookieHeader(path: string): string {
    let header = '';
    for (const cookie of this.cookies.values()) {
      const p = cookie.path;
      if (path === p || (path.startsWith(p) && (p.endsWith('/') || path[p.length] === '/'))) {
        header += `${header ? '; ' : ''}${cookie.name}=${cookie.value}`;
      }
    }
    return header;
  }

  private store(setCookie: string): void {
    const parts = setCookie.split(';');
    const pair = parts[0]!;
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let path = '/';
    let expired = value === '';
    for (let i = 1; i < parts.length; i += 1) {
      const attribute = parts[i]!.trim();
      const lower = attribute.toLowerCase();
      if (lower.startsWith('path=')) path = attribute.slice(5) || '/';
      else if (lower.startsWith('expires=')) expired ||= Date.parse(attribute.slice(8)) <= Date.now();
      else if (lower.startsWith('max-age=')) expired ||= Number(attribute.slice(8)) <= 0;
    }
    const key = `${path}\u0000${name}`;
    if (expired) this.cookies.delete(key);
    else this.cookies.set(key, { name, value, path });
  }

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
    const cookie = this.cookieHeader(target.pathname);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      // browsers send Origin on a form POST; a webdienst's back-channel call passes origin: '' to send none
      headers.origin ??= this.origin;
      if (headers.origin === '') delete headers.origin;
      body = new URLSearchParams(init.form).toString();
    }
    const raw = await poolFor(target).request(
      init.method ?? (init.form ? 'POST' : 'GET'),
      target.pathname + target.search,
      headers,
      body,
      this.timeoutMs,
    );
    const response = { status: raw.status, headers: raw.headers as IncomingHttpHeaders, body: raw.body };
    for (const setCookie of response.headers['set-cookie'] ?? []) this.store(setCookie);
    const location = response.headers.location;
    return {
      status: response.status,
      location: location ? new URL(location, target).href : undefined,
      body: response.body,
      headers: response.headers,
    };
  }

  get(url: string, headers?: Record<string, string>): Promise<Response> {
    return this.request(url, { headers });
  }

  post(url: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response> {
    return this.request(url, { form, headers });
  }
}

export class FlowError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`${step}: ${message}`);
  }
}

/** Asserts a redirect (3xx with Location) and returns its absolute target. */
export function expectRedirect(step: string, response: Response): string {
  if (response.status < 300 || response.status >= 400 || !response.location) {
    throw new FlowError(
      step,
      `expected a redirect, got ${response.status} ${response.body.replace(/\s+/g, ' ').slice(0, 160)}`,
    );
  }
  return response.location;
}
