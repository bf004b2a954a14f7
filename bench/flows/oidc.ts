// The OIDC parts every bench login shares, as a browser and a webdienst do them: the authorization
// request (PKCE S256) through the interaction to the first login page, following same-origin redirects,
// posting a form found on a page, the callback checks, and redeeming the code at /token (ID token
// nonce and aud checked, signature not: that is client CPU the server does not spend).
import { createHash, randomBytes } from 'node:crypto';
import { BenchBrowser, FlowError, expectRedirect, type Response } from '../browser.ts';
import type { FlowContext } from './scenario.ts';

const random = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/** One OIDC login in progress: its request values, and the step names already used. */
export interface OidcFlow {
  readonly ctx: FlowContext;
  readonly seen: Map<string, number>;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** "GET /interaction/abc" -> "GET /interaction/:id", "POST /inloggen/abc/code" -> "POST /inloggen/:id/code"; a second visit in one flow gets " #2". */
export function stepName(method: string, url: string, seen: Map<string, number>): string {
  const path = new URL(url).pathname.replace(/^(\/[^/]+)\/[^/]+/, '$1/:id');
  const base = `${method} ${path}`;
  const count = (seen.get(base) ?? 0) + 1;
  seen.set(base, count);
  return count === 1 ? base : `${base} #${count}`;
}

/** Follows same-origin redirects until a page answers, or until the browser is sent to the webdienst. */
export async function follow(flow: OidcFlow, first: Response, maxHops = 10): Promise<Response> {
  const { ctx } = flow;
  let current = first;
  for (let hop = 0; hop < maxHops; hop += 1) {
    if (current.status < 300 || current.status >= 400) return current;
    const location = expectRedirect('redirect', current);
    if (location.startsWith(ctx.target.redirectUri)) return current;
    if (!location.startsWith(ctx.browser.origin))
      throw new FlowError('redirect', `left the server for ${location.slice(0, 120)}`);
    current = await ctx.step(stepName('GET', location, flow.seen), () => ctx.browser.get(location));
  }
  throw new FlowError('redirect', `more than ${maxHops} redirects`);
}

/** The absolute action of the page's form that holds an input named `field`. */
export function formAction(flow: OidcFlow, page: Response, field: string, stepLabel: string): string {
  const pattern = new RegExp(`<form[^>]*action="([^"]*)"[^>]*>(?:(?!</form>)[\\s\\S])*name="${field}"`);
  const action = pattern.exec(page.body)?.[1];
  if (!action)
    throw new FlowError(
      stepLabel,
      `no form with a ${field} field (${page.status} ${page.body.replace(/\s+/g, ' ').slice(0, 160)})`,
    );
  return new URL(action.replace(/&amp;/g, '&'), flow.ctx.target.baseUrl).href;
}

/** Posts a form (with Origin, by BenchBrowser) and follows the redirects that come back. */
export async function submitForm(flow: OidcFlow, url: string, form: Record<string, string>): Promise<Response> {
  const posted = await flow.ctx.step(stepName('POST', url, flow.seen), () => flow.ctx.browser.post(url, form));
  return follow(flow, posted);
}

/** GET /auth with PKCE S256 (plus `extra` parameters), through the interaction to the first login page (200). */
export async function startLogin(
  ctx: FlowContext,
  extra: Record<string, string> = {},
): Promise<{ flow: OidcFlow; page: Response }> {
  const { target } = ctx;
  const flow: OidcFlow = { ctx, seen: new Map(), verifier: random(32), state: random(16), nonce: random(16) };
  const authorize = new URL('/auth', target.baseUrl);
  authorize.search = new URLSearchParams({
    client_id: target.clientId,
    redirect_uri: target.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: createHash('sha256').update(flow.verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  }).toString();
  const started = await ctx.step(stepName('GET', authorize.href, flow.seen), () => ctx.browser.get(authorize.href));
  const page = await follow(flow, started);
  if (page.status !== 200)
    throw new FlowError('login page', `expected the login form, got ${page.status} ${page.location ?? ''}`);
  return { flow, page };
}

/** Checks the redirect to the webdienst, redeems its code at /token and returns the ID token's claims. */
export async function finishLogin(flow: OidcFlow, back: Response, lastStep: string): Promise<Record<string, unknown>> {
  const { target } = flow.ctx;
  const callback = back.location;
  if (!callback?.startsWith(target.redirectUri))
    throw new FlowError(
      lastStep,
      `not sent back to the webdienst: ${back.status} ${back.location ?? back.body.replace(/\s+/g, ' ').slice(0, 160)}`,
    );
  const params = new URL(callback).searchParams;
  if (params.get('error'))
    throw new FlowError('callback', `error=${params.get('error')} ${params.get('error_description') ?? ''}`);
  if (params.get('state') !== flow.state) throw new FlowError('callback', 'state does not match');
  const code = params.get('code');
  if (!code) throw new FlowError('callback', 'no code');

  // The webdienst redeems the code at the token endpoint.
  const basic = Buffer.from(
    `${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`,
  ).toString('base64');
  const tokenUrl = new URL('/token', target.baseUrl).href;
  const tokens = await flow.ctx.step('POST /token', async () => {
    const webdienst = new BenchBrowser(target.baseUrl);
    return webdienst.post(
      tokenUrl,
      { grant_type: 'authorization_code', code, redirect_uri: target.redirectUri, code_verifier: flow.verifier },
      { authorization: `Basic ${basic}`, accept: 'application/json', origin: '' },
    );
  });
  if (tokens.status !== 200) throw new FlowError('token', `${tokens.status} ${tokens.body.slice(0, 200)}`);
  const idToken = (JSON.parse(tokens.body) as { id_token?: string }).id_token;
  if (!idToken) throw new FlowError('token', 'no id_token');
  const payload = idToken.split('.')[1];
  if (!payload) throw new FlowError('token', 'id_token is not a JWS');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.nonce !== flow.nonce || claims.aud !== target.clientId)
    throw new FlowError('token', 'id_token nonce or aud does not match');
  return claims;
}
