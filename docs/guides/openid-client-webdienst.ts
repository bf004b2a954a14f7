// A complete webdienst in Node.js that logs citizens in with Poortwachter through openid-client
// (npm install openid-client): the example of docs/guides/openid-client.md, which the interop test
// test/interop/openid-client.test.ts runs unchanged. Run it with `node openid-client-webdienst.ts`
// (Node 24 runs TypeScript without a build step).
//
// Environment:
//   POORTWACHTER_URL   Poortwachter's PUBLIC_URL (the issuer)
//   WEBDIENST_URL      this webdienst's own base URL; PORT the port it listens on (127.0.0.1)
//   CLIENT_ID          the client_id that `poortwachter webdienst add-oidc` printed
//   PRIVATE_KEY_FILE   the webdienst's RSA private key (PKCS#8 PEM); its public half is served at
//                      ${WEBDIENST_URL}/jwks.json, the --jwks-uri to register
//   POORTWACHTER_LEVEL the level asked for, as its URI (acr_values)
//
// Pages: /protected/whoami (logs in when needed, then shows the sub, the BSN and the level),
// /callback (the redirect URI), /logout (RP-initiated logout), /logged-out (the post-logout page).
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as oidc from 'openid-client';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const issuer = new URL(env('POORTWACHTER_URL'));
const base = env('WEBDIENST_URL');
const level = env('POORTWACHTER_LEVEL');
const keyId = 'webdienst-1';
const privateKey = createPrivateKey(readFileSync(env('PRIVATE_KEY_FILE')));
const jwks = {
  keys: [{ ...createPublicKey(privateKey).export({ format: 'jwk' }), kid: keyId, alg: 'RS256', use: 'sig' }],
};

// private_key_jwt (RFC 7523): the only client authentication besides tls_client_auth that
// Poortwachter accepts in production.
const signingKey = await crypto.subtle.importKey(
  'pkcs8',
  privateKey.export({ format: 'der', type: 'pkcs8' }),
  { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  false,
  ['sign'],
);
const config = await oidc.discovery(
  issuer,
  env('CLIENT_ID'),
  undefined,
  oidc.PrivateKeyJwt({ key: signingKey, kid: keyId }),
  // http is for a developer's own machine only; in production the issuer is https.
  issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
);

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}
interface Session {
  sub: string;
  bsn?: string;
  acr?: string;
  idToken: string;
}
// One process, in memory: a real webdienst keeps these in its own session store.
const pending = new Map<string, Pending>();
const sessions = new Map<string, Session>();

function cookie(request: IncomingMessage, name: string): string | undefined {
  const pair = (request.headers.cookie ?? '').split(/;\s*/).find((part) => part.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}

function redirect(response: ServerResponse, location: string, setCookie?: string): void {
  response.writeHead(303, { location, ...(setCookie ? { 'set-cookie': setCookie } : {}) }).end();
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', base);
  const session = sessions.get(cookie(request, 'webdienst_session') ?? '');
  if (url.pathname === '/jwks.json') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  } else if (url.pathname === '/protected/whoami' && session) {
    text(response, 200, `AUTHENTICATED-AS: ${session.sub}\nbsn=${session.bsn ?? ''}\nacr=${session.acr ?? ''}\n`);
  } else if (url.pathname === '/protected/whoami') {
    // Authorization code flow with PKCE (S256), state and nonce: the NL GOV assurance profile.
    const login: Pending = {
      verifier: oidc.randomPKCECodeVerifier(),
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
    };
    const id = randomBytes(16).toString('base64url');
    pending.set(id, login);
    const authorization = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${base}/callback`,
      scope: 'openid',
      acr_values: level,
      code_challenge: await oidc.calculatePKCECodeChallenge(login.verifier),
      code_challenge_method: 'S256',
      state: login.state,
      nonce: login.nonce,
    });
    redirect(response, authorization.href, `webdienst_login=${id}; Path=/; HttpOnly; SameSite=Lax`);
  } else if (url.pathname === '/callback') {
    const id = cookie(request, 'webdienst_login') ?? '';
    const login = pending.get(id);
    pending.delete(id);
    if (!login) return text(response, 400, 'no login was started here');
    // A cancelled or refused login comes back with ?error=...; openid-client throws on it.
    const tokens = await oidc.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: login.verifier,
      expectedState: login.state,
      expectedNonce: login.nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    const sessionId = randomBytes(16).toString('base64url');
    sessions.set(sessionId, {
      sub: claims.sub,
      bsn: typeof claims.bsn === 'string' ? claims.bsn : undefined,
      acr: typeof claims.acr === 'string' ? claims.acr : undefined,
      idToken: tokens.id_token!,
    });
    redirect(response, '/protected/whoami', `webdienst_session=${sessionId}; Path=/; HttpOnly; SameSite=Lax`);
  } else if (url.pathname === '/logout' && session) {
    sessions.delete(cookie(request, 'webdienst_session')!);
    // OpenID Connect RP-Initiated Logout 1.0: Poortwachter ends its session and comes back here.
    const endSession = oidc.buildEndSessionUrl(config, {
      id_token_hint: session.idToken,
      post_logout_redirect_uri: `${base}/logged-out`,
    });
    redirect(response, endSession.href, 'webdienst_session=; Path=/; Max-Age=0');
  } else if (url.pathname === '/logged-out' || url.pathname === '/logout') {
    text(response, 200, 'AUTHENTICATED-AS: <none>\n');
  } else {
    text(response, 404, 'not found');
  }
}

createServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    // The message only (an openid-client error names what was wrong); never tokens or claims.
    const message = error instanceof Error ? error.message : 'unknown error';
    console.error(`login failed: ${message}`);
    if (!response.headersSent) text(response, 403, `login failed: ${message}\n`);
  });
}).listen(Number(env('PORT')), '127.0.0.1', () => console.log(`webdienst at ${base}`));
