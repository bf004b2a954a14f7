// One OIDC login at level Basis, as a browser and a webdienst do it:
//   GET /auth?...(PKCE S256) -> 303 /interaction/:uid -> 303 /inloggen/:attemptId -> 200 login form
//   POST form (username, password; Origin) -> 303 /interaction/:uid -> 303 /auth/:uid -> 303 redirect_uri?code
//   POST /token (client_secret_basic, code_verifier) -> ID token (nonce and aud checked, signature not:
//   that is client CPU the server does not spend).
import { createHash, randomBytes } from 'node:crypto';
import { BenchBrowser, FlowError, expectRedirect, type Response } from '../browser.ts';
import type { FlowContext, Scenario } from './scenario.ts';

const random = (bytes = 24): string => randomBytes(bytes).toString('base64url');

/** "GET /interaction/abc" -> "GET /interaction/:id"; a second visit in one flow gets " #2". */
function stepName(method: string, url: string, seen: Map<string, number>): string {
  const path = new URL(url).pathname.replace(/^(\/[^/]+)\/.+$/, '$1/:id');
  const base = `${method} ${path}`;
  const count = (seen.get(base) ?? 0) + 1;
  seen.set(base, count);
  return count === 1 ? base : `${base} #${count}`;
}

/** Follows same-origin redirects until a page answers, or until the browser is sent to the webdienst. */
async function follow(ctx: FlowContext, first: Response, seen: Map<string, number>, stopAt: string, maxHops = 10): Promise<Response> {
  let current = first;
  for (let hop = 0; hop < maxHops; hop += 1) {
    if (current.status < 300 || current.status >= 400) return current;
    const location = expectRedirect('redirect', current);
    if (location.startsWith(stopAt)) return current;
    if (!location.startsWith(ctx.browser.origin)) throw new FlowError('redirect', `left the server for ${location.slice(0, 120)}`);
    current = await ctx.step(stepName('GET', location, seen), () => ctx.browser.get(location));
  }
  throw new FlowError('redirect', `more than ${maxHops} redirects`);
}

function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new FlowError('token', 'id_token is not a JWS');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export const basisLogin: Scenario = {
  name: 'basis',
  description: 'OIDC Basis login (authorize -> password -> code -> token, PKCE S256)',
  async run(ctx) {
    const { target } = ctx;
    const browser: BenchBrowser = ctx.browser;
    const seen = new Map<string, number>();
    const verifier = random(32);
    const state = random(16);
    const nonce = random(16);
    const authorize = new URL('/auth', target.baseUrl);
    authorize.search = new URLSearchParams({
      client_id: target.clientId,
      redirect_uri: target.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state,
      nonce,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();

    // Authorization request, through the interaction, to the login form.
    const started = await ctx.step(stepName('GET', authorize.href, seen), () => browser.get(authorize.href));
    const loginPage = await follow(ctx, started, seen, target.redirectUri);
    if (loginPage.status !== 200) throw new FlowError('login page', `expected the login form, got ${loginPage.status} ${loginPage.location ?? ''}`);
    const action = /<form[^>]*action="([^"]*)"[^>]*>(?:(?!<\/form>)[\s\S])*name="password"/.exec(loginPage.body)?.[1];
    if (!action) throw new FlowError('login page', 'no form with a password field');
    const formUrl = new URL(action.replace(/&amp;/g, '&'), target.baseUrl).href;

    // The password, then back through the interaction to the webdienst's redirect_uri.
    const posted = await ctx.step(stepName('POST', formUrl, seen), () => browser.post(formUrl, { username: target.citizen.username, password: target.citizen.password }));
    const back = await follow(ctx, posted, seen, target.redirectUri);
    const callback = back.location;
    if (!callback?.startsWith(target.redirectUri)) throw new FlowError('password', `not sent back to the webdienst: ${back.status} ${back.location ?? back.body.replace(/\s+/g, ' ').slice(0, 160)}`);
    const params = new URL(callback).searchParams;
    if (params.get('error')) throw new FlowError('callback', `error=${params.get('error')} ${params.get('error_description') ?? ''}`);
    if (params.get('state') !== state) throw new FlowError('callback', 'state does not match');
    const code = params.get('code');
    if (!code) throw new FlowError('callback', 'no code');

    // The webdienst redeems the code at the token endpoint.
    const basic = Buffer.from(`${encodeURIComponent(target.clientId)}:${encodeURIComponent(target.clientSecret)}`).toString('base64');
    const tokenUrl = new URL('/token', target.baseUrl).href;
    const tokens = await ctx.step('POST /token', async () => {
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: target.redirectUri, code_verifier: verifier }).toString(),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, body: await response.text() };
    });
    if (tokens.status !== 200) throw new FlowError('token', `${tokens.status} ${tokens.body.slice(0, 200)}`);
    const idToken = (JSON.parse(tokens.body) as { id_token?: string }).id_token;
    if (!idToken) throw new FlowError('token', 'no id_token');
    const claims = decodeJwtPayload(idToken);
    if (claims.nonce !== nonce || claims.aud !== target.clientId) throw new FlowError('token', 'id_token nonce or aud does not match');
  },
};
