// A browser without a screen: a cookie jar, manual redirects, and HTML form helpers. It sends what a
// real browser sends (Origin on POST), so tests see what citizens see.
import { CookieJar } from 'tough-cookie';

export interface Page {
  status: number;
  url: string;
  headers: Headers;
  body: string;
  location?: string;
}

export class TestBrowser {
  readonly jar = new CookieJar();
  constructor(readonly headers: Record<string, string> = {}) {}

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    const headers: Record<string, string> = { accept: 'text/html', ...this.headers, ...init.headers };
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin ??= new URL(url).origin;
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const setCookie of response.headers.getSetCookie())
      await this.jar.setCookie(setCookie, url, { ignoreError: true });
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      url,
      headers: response.headers,
      body: await response.text(),
      location: location && new URL(location, url).href,
    };
  }

  get(url: string): Promise<Page> {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Page> {
    return this.request(url, { form, headers });
  }

  /** Follows redirects while they stay under `stopAt`'s origin-and-path prefix is not reached. */
  async follow(page: Page, stopWhen: (url: string) => boolean = () => false, maxHops = 15): Promise<Page> {
    let current = page;
    for (let hop = 0; hop < maxHops && current.location && current.status >= 300 && current.status < 400; hop += 1) {
      if (stopWhen(current.location)) return current;
      current = await this.get(current.location);
    }
    return current;
  }
}

/** The action of the form that contains a field with this name. */
export function formAction(html: string, fieldName: string, base: string): string {
  const forms = html.match(/<form[\s\S]*?<\/form>/g) ?? [];
  const form = forms.find((candidate) => candidate.includes(`name="${fieldName}"`));
  const action = form?.match(/action="([^"]*)"/)?.[1];
  if (!action) throw new Error(`no form with field ${fieldName}`);
  return new URL(action.replace(/&amp;/g, '&'), base).href;
}

export function formActionEndingWith(html: string, suffix: string, base: string): string {
  const action = [...html.matchAll(/action="([^"]*)"/g)]
    .map((match) => match[1]!)
    .find((candidate) => candidate.endsWith(suffix));
  if (!action) throw new Error(`no form action ending with ${suffix}`);
  return new URL(action, base).href;
}
