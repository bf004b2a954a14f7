// Malformed OpenID Connect requests: authorization requests with garbage or missing parameters
// (each with at least one defect the provider must refuse: RFC 6749 4.1.2.1, OIDC Core 3.1.2.6,
// RFC 7636 4.4.1), token requests with garbage grants, client authentication, bodies and content
// types (RFC 6749 5.2), and the other endpoints with garbage tokens.
import type { Prng } from './prng.ts';
import { encode, form, pathOf, withQuery, type FuzzRequest } from './requests.ts';
import type { FuzzTarget } from './target.ts';

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function garbageJwt(rng: Prng): string {
  return rng.pick([
    'a.b.c',
    rng.text(50),
    `${b64url('{"alg":"none"}')}.${b64url('{"iss":"x","aud":"y"}')}.`,
    `${b64url('{"alg":"RS256","kid":"../../etc/passwd"}')}.${b64url(rng.text(30))}.${b64url(rng.bytes(32))}`,
    `${b64url('{"alg":"HS256"}')}.${b64url('not json')}.sig`,
    `${b64url(rng.bytes(20))}.${b64url(rng.bytes(20))}.${b64url(rng.bytes(20))}`,
    'e30.e30.e30',
    `${'a'.repeat(10_000)}.b.c`,
    '',
  ]);
}

function garbageValue(rng: Prng): string {
  return rng.pick([
    rng.text(rng.int(0, 40)),
    '',
    ' ',
    '\u0000',
    'x'.repeat(rng.pick([300, 5000, 60_000])),
    '%00',
    '{"a":',
  ]);
}

type Pairs = Array<[string, string]>;

/** Defects that make an authorization request invalid whatever else it says. */
const authorizeDefects = [
  'unknown-client',
  'redirect-uri-variant',
  'no-code-challenge',
  'plain-challenge',
  'bad-response-type',
  'bad-prompt',
  'bad-max-age',
  'garbage-request-object',
  'garbage-claims',
  'no-client',
  'bad-challenge-method',
  'short-challenge',
] as const;

function authorize(rng: Prng, target: FuzzTarget): FuzzRequest {
  const { clientId, redirectUri, endpoints } = target.oidc;
  const params: Record<string, string | undefined> = {
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: rng.pick(['openid', 'openid bsn', 'openid profile email', `openid ${rng.text(10)}`]),
    state: rng.chance(0.7) ? rng.text(rng.int(0, 30)) : undefined,
    nonce: rng.chance(0.7) ? rng.text(rng.int(0, 30)) : undefined,
    code_challenge: b64url(rng.bytes(32)),
    code_challenge_method: 'S256',
  };
  // Noise that alone would not make the request invalid.
  for (let extra = rng.int(0, 3); extra > 0; extra -= 1)
    params[rng.pick(['acr_values', 'ui_locales', 'login_hint', 'display', 'claims_locales', rng.text(6)])] =
      garbageValue(rng);
  const defect = rng.pick(authorizeDefects);
  switch (defect) {
    case 'unknown-client':
      params.client_id = rng.pick(['unknown-client', garbageValue(rng), `${clientId} `, clientId.toUpperCase()]);
      break;
    case 'no-client':
      delete params.client_id;
      break;
    case 'redirect-uri-variant':
      params.redirect_uri = rng.pick([
        `${redirectUri}/`,
        `${redirectUri}x`,
        redirectUri.toUpperCase(),
        redirectUri.replace('127.0.0.1', '127.0.0.1@evil.example'),
        redirectUri.replace(/:\d+/, ':1'),
        `${redirectUri}/%2e%2e/evil`,
        'https://evil.example/callback',
        garbageValue(rng),
        'javascript:alert(1)',
      ]);
      break;
    case 'no-code-challenge':
      delete params.code_challenge;
      delete params.code_challenge_method;
      break;
    case 'plain-challenge':
      params.code_challenge_method = 'plain';
      break;
    case 'bad-challenge-method':
      params.code_challenge_method = garbageValue(rng);
      break;
    case 'short-challenge':
      params.code_challenge = rng.pick(['', 'abc', '!'.repeat(50), 'a'.repeat(200)]);
      break;
    case 'bad-response-type':
      params.response_type = rng.pick([
        'token',
        'id_token',
        'code id_token',
        'code token',
        '',
        garbageValue(rng),
        'none',
      ]);
      break;
    case 'bad-prompt':
      params.prompt = rng.pick(['garbage', 'none login', 'select_account consent garbage', garbageValue(rng) || 'x']);
      break;
    case 'bad-max-age':
      params.max_age = rng.pick(['-1', 'abc', '1,5', 'NaN', '--1']);
      break;
    case 'garbage-request-object':
      params.request = garbageJwt(rng) || 'x';
      break;
    case 'garbage-claims':
      params.claims = rng.pick([
        '{',
        'null',
        '[]',
        '{"id_token":5}',
        '{"userinfo":{"bsn":{"essential":"yes"}}',
        rng.text(30),
      ]);
      break;
  }
  const pairs: Pairs = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (rng.chance(0.1)) pairs.push(['client_id', 'someone-else']);
  const path = pathOf(endpoints.authorization_endpoint!);
  if (rng.chance(0.2))
    return {
      name: `oidc-authorize-post/${defect}`,
      method: 'POST',
      path,
      headers: { 'content-type': rng.pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain']) },
      body: form(pairs),
    };
  return { name: `oidc-authorize/${defect}`, method: 'GET', path: withQuery(path, pairs) };
}

function basicAuth(rng: Prng, clientId: string): string {
  return rng.pick([
    `Basic ${Buffer.from(`${clientId}:${rng.text(20)}`).toString('base64')}`,
    `Basic ${rng.text(30)}`,
    'Basic',
    'Basic =',
    `Basic ${Buffer.from(`${encode(rng.text(10))}`).toString('base64')}`,
    `Basic ${Buffer.from('%zz:%').toString('base64')}`,
    `Bearer ${rng.text(20)}`,
    `${rng.text(10)} ${rng.text(10)}`,
  ]);
}

function token(rng: Prng, target: FuzzTarget): FuzzRequest {
  const { clientId, redirectUri, endpoints } = target.oidc;
  const grant = rng.pick([
    'authorization_code',
    'refresh_token',
    'client_credentials',
    'password',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:device_code',
    '',
    undefined,
    garbageValue(rng),
  ]);
  const pairs: Pairs = [];
  if (grant !== undefined) pairs.push(['grant_type', grant]);
  if (rng.chance(0.7)) pairs.push(['code', rng.pick([rng.text(40), b64url(rng.bytes(32)), ''])]);
  if (rng.chance(0.5)) pairs.push(['redirect_uri', rng.pick([redirectUri, garbageValue(rng)])]);
  if (rng.chance(0.5)) pairs.push(['code_verifier', rng.pick([b64url(rng.bytes(32)), garbageValue(rng)])]);
  if (rng.chance(0.3)) pairs.push(['refresh_token', garbageValue(rng)]);
  if (rng.chance(0.5)) pairs.push(['client_id', rng.pick([clientId, garbageValue(rng)])]);
  if (rng.chance(0.3)) pairs.push(['client_secret', garbageValue(rng)]);
  if (rng.chance(0.3)) {
    pairs.push([
      'client_assertion_type',
      rng.pick(['urn:ietf:params:oauth:client-assertion-type:jwt-bearer', garbageValue(rng)]),
    ]);
    pairs.push(['client_assertion', garbageJwt(rng)]);
  }
  if (rng.chance(0.1)) pairs.push(['grant_type', 'authorization_code']);
  const encoding = rng.pick([
    'form',
    'form',
    'form',
    'json',
    'text',
    'multipart',
    'none',
    'bad-percent',
    'huge',
    'xml',
  ] as const);
  let body: string;
  let type: string | undefined;
  switch (encoding) {
    case 'form':
      body = form(pairs);
      type = 'application/x-www-form-urlencoded';
      break;
    case 'json':
      body = rng.chance(0.5) ? JSON.stringify(Object.fromEntries(pairs)) : '{"grant_type":';
      type = 'application/json';
      break;
    case 'text':
      body = form(pairs);
      type = 'text/plain';
      break;
    case 'multipart':
      body = `--b\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nauthorization_code\r\n--b--\r\n`;
      type = 'multipart/form-data; boundary=b';
      break;
    case 'none':
      body = form(pairs);
      type = undefined;
      break;
    case 'bad-percent':
      body = `${form(pairs)}&%zz=%E0%A4%A&code=%`;
      type = 'application/x-www-form-urlencoded';
      break;
    case 'huge':
      body = `${form(pairs)}&pad=${'a'.repeat(rng.pick([50_000, 200_000]))}`;
      type = 'application/x-www-form-urlencoded';
      break;
    case 'xml':
      body = '<grant_type>authorization_code</grant_type>';
      type = 'application/xml';
      break;
  }
  const headers: Record<string, string> = type ? { 'content-type': type } : {};
  if (rng.chance(0.5)) headers.authorization = basicAuth(rng, clientId);
  return {
    name: `oidc-token/${grant ?? 'no-grant'}/${encoding}`,
    method: 'POST',
    path: pathOf(endpoints.token_endpoint!),
    headers,
    body,
  };
}

function otherEndpoint(rng: Prng, target: FuzzTarget): FuzzRequest {
  const { endpoints, clientId } = target.oidc;
  const which = rng.pick([
    'userinfo',
    'end_session',
    'revocation',
    'introspection',
    'jwks',
    'discovery',
    'interaction',
    'login-page',
    'unknown',
  ] as const);
  const bearer = () =>
    rng.pick([`Bearer ${garbageJwt(rng)}`, `Bearer ${rng.text(30)}`, 'Bearer', `DPoP ${rng.text(20)}`, rng.text(20)]);
  switch (which) {
    case 'userinfo':
      return {
        name: 'oidc-userinfo/garbage-token',
        method: rng.pick(['GET', 'POST'] as const),
        path: withQuery(pathOf(endpoints.userinfo_endpoint!), rng.chance(0.3) ? [['access_token', rng.text(20)]] : []),
        headers: {
          authorization: bearer(),
          ...(rng.chance(0.3) ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: rng.chance(0.3) ? form([['access_token', garbageJwt(rng)]]) : undefined,
      };
    case 'end_session': {
      // Always an id_token_hint the provider cannot verify: the logout is refused.
      const pairs: Pairs = [['id_token_hint', garbageJwt(rng) || 'x']];
      if (rng.chance(0.5))
        pairs.push([
          'post_logout_redirect_uri',
          rng.pick([`${target.url}/demo`, 'https://evil.example/', garbageValue(rng)]),
        ]);
      if (rng.chance(0.5)) pairs.push(['client_id', rng.pick([clientId, garbageValue(rng)])]);
      if (rng.chance(0.3)) pairs.push(['state', garbageValue(rng)]);
      const path = pathOf(endpoints.end_session_endpoint!);
      return rng.chance(0.5)
        ? { name: 'oidc-end-session/get', method: 'GET', path: withQuery(path, pairs) }
        : {
            name: 'oidc-end-session/post',
            method: 'POST',
            path,
            headers: { 'content-type': rng.pick(['application/x-www-form-urlencoded', 'application/json']) },
            body: form(pairs),
          };
    }
    case 'revocation':
    case 'introspection': {
      const endpoint = endpoints[`${which}_endpoint`];
      return {
        name: `oidc-${which}/garbage`,
        method: 'POST',
        path: endpoint ? pathOf(endpoint) : `/token/${which}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(rng, clientId) },
        body: form([
          ['token', garbageJwt(rng)],
          ['token_type_hint', garbageValue(rng)],
        ]),
      };
    }
    case 'jwks':
      return {
        name: 'oidc-jwks/query',
        method: rng.pick(['GET', 'POST'] as const),
        path: withQuery(pathOf(endpoints.jwks_uri ?? `${target.url}/jwks`), [[rng.text(4), rng.text(10)]]),
      };
    case 'discovery':
      return {
        name: 'oidc-discovery/odd',
        method: rng.pick(['GET', 'POST', 'DELETE'] as const),
        path: withQuery('/.well-known/openid-configuration', [[rng.text(4), rng.text(10)]]),
      };
    case 'interaction':
      return {
        name: 'oidc-interaction/unknown',
        method: rng.pick(['GET', 'POST'] as const),
        path: `/interaction/${encode(rng.text(rng.int(0, 40)))}${rng.pick(['', '/login', '/abort', '/%zz'])}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `_interaction=${rng.text(10)}` },
        body: form([['prompt', garbageValue(rng)]]),
      };
    case 'login-page':
      return {
        name: 'login-page/unknown-attempt',
        method: rng.pick(['GET', 'POST'] as const),
        path: `/inloggen/${encode(rng.text(rng.int(0, 40)))}${rng.pick(['', '/code', '/annuleren', '/doorgaan', '/methode', '/opnieuw'])}`,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          origin: target.url,
          cookie: `pw_sso=${rng.text(10)}`,
        },
        body: form([
          ['username', rng.pick(['test-basis', garbageValue(rng)])],
          ['password', garbageValue(rng)],
          ['code', rng.text(6)],
        ]),
      };
    case 'unknown':
      return {
        name: 'unknown-path',
        method: rng.pick(['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'] as const),
        path: rng.pick([
          `/${encode(rng.text(20))}`,
          '/%',
          '/%zz',
          '//..//..//etc/passwd',
          `/public/${rng.text(5)}`,
          '/.env',
        ]),
      };
  }
}

export function oidcCase(rng: Prng, target: FuzzTarget): FuzzRequest {
  const kind = rng.pick(['authorize', 'authorize', 'token', 'token', 'other'] as const);
  if (kind === 'authorize') return authorize(rng, target);
  if (kind === 'token') return token(rng, target);
  return otherEndpoint(rng, target);
}
