// The authorization endpoint of the OIDC front-end
// (src/frontends/oidc/provider.ts). A redirect_uri that is not exactly registered gets an error
// page at the provider and never a redirect (RFC 9700 4.1.3, OIDC Core 3.1.2.1); PKCE S256 is
// required (RFC 9700 2.1.1); only the code flow exists; every authorization response names its
// issuer (RFC 9207).
import { expect } from 'chai';
import * as oidc from 'openid-client';
import { testCitizens } from '../../seeds/development.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt, openLoginPage } from './helpers.ts';

const citizen = testCitizens[0];

/** The parameters of a redirect back to the webdienst, from the query or from the fragment. */
function responseParams(location: string): URLSearchParams {
  const url = new URL(location);
  return new URLSearchParams(url.hash ? url.hash.slice(1) : url.search);
}

describe('OIDC authorization requests', () => {
  let server: TestServer;
  let rp: RelyingParty;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server);
  });
  after(() => server.stop());

  /** A complete, valid authorization request; `changes` replaces parameters, undefined removes one. */
  async function authorizeUrl(client: RelyingParty, changes: Record<string, string | undefined> = {}): Promise<string> {
    const verifier = oidc.randomPKCECodeVerifier();
    const params: Record<string, string | undefined> = {
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 'staat-abcdef-123456',
      nonce: 'nonce-abcdef-123456',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...changes,
    };
    const query = new URLSearchParams(
      Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return `${server.url}/auth?${query}`;
  }

  async function get(url: string) {
    const response = await fetch(url, { redirect: 'manual', headers: { accept: 'text/html' } });
    return {
      status: response.status,
      location: response.headers.get('location'),
      type: response.headers.get('content-type') ?? '',
      body: await response.text(),
    };
  }

  describe('redirect_uri not exactly registered', () => {
    const variants: Array<[string, (registered: string) => string]> = [
      ['with a path appended (the registered one as a prefix)', (uri) => `${uri}/extra`],
      ['with characters appended to the last segment', (uri) => `${uri}x`],
      ['with a query appended', (uri) => `${uri}?next=https://evil.example/`],
      ['cut short (a prefix of the registered one)', (uri) => uri.slice(0, uri.lastIndexOf('/') + 1)],
      ['in upper case', (uri) => uri.toUpperCase()],
      ['with only the path in upper case', (uri) => uri.replace('/callback', '/CALLBACK')],
      ['on another port', (uri) => uri.replace('127.0.0.1:9/', '127.0.0.1:10/')],
      ['without the port', (uri) => uri.replace('127.0.0.1:9/', '127.0.0.1/')],
      ['with https instead of http', (uri) => uri.replace('http:', 'https:')],
      [
        'with the host as user info before another host (@)',
        (uri) => uri.replace('http://127.0.0.1:9/', 'http://127.0.0.1:9@evil.example/'),
      ],
      ['with another host as user info (@)', (uri) => uri.replace('http://', 'http://evil.example@')],
      ['with an encoded .. climbing out of the path', (uri) => `${uri}/%2e%2e/%2e%2e/evil`],
      ['with a literal .. that resolves to the registered path', (uri) => uri.replace('/callback', '/x/../callback')],
      ['with an encoded slash', (uri) => uri.replace('/callback', '%2Fcallback')],
      ['with a trailing slash', (uri) => `${uri}/`],
      ['with a fragment', (uri) => `${uri}#fragment`],
      ['on a foreign host', () => 'https://evil.example/callback'],
    ];

    for (const [name, variant] of variants) {
      it(`shows an error page and does not redirect for a redirect_uri ${name}`, async () => {
        const redirectUri = variant(rp.redirectUri);
        expect(redirectUri).to.not.equal(rp.redirectUri);
        const answer = await get(await authorizeUrl(rp, { redirect_uri: redirectUri }));
        expect(answer.status).to.equal(400);
        expect(answer.location).to.equal(null);
        expect(answer.type).to.match(/^text\/html/);
        expect(answer.body).to.include('<code>invalid_redirect_uri</code>');
      });
    }

    it('shows an error page and does not redirect when redirect_uri is omitted and two are registered', async () => {
      const two = await RelyingParty.register(server, {
        registration: { redirectUris: ['http://127.0.0.1:9/een/callback', 'http://127.0.0.1:9/twee/callback'] },
      });
      const answer = await get(await authorizeUrl(two, { redirect_uri: undefined }));
      expect(answer.status).to.equal(400);
      expect(answer.location).to.equal(null);
      expect(answer.body).to.include('<code>invalid_request</code>');
    });

    it('shows an error page for an unknown client_id, whatever redirect_uri it names', async () => {
      const answer = await get(
        await authorizeUrl(rp, { client_id: 'bestaat-niet', redirect_uri: 'https://evil.example/callback' }),
      );
      expect(answer.status).to.equal(400);
      expect(answer.location).to.equal(null);
      expect(answer.body).to.include('<code>invalid_client</code>');
    });

    it('does redirect for the exactly registered redirect_uri (the control)', async () => {
      const answer = await get(await authorizeUrl(rp));
      expect(answer.status).to.equal(303);
      expect(answer.location).to.match(/^\/inloggen\//); // straight to the login page
    });
  });

  describe('PKCE', () => {
    for (const [name, changes] of [
      ['without code_challenge', { code_challenge: undefined }],
      [
        'without code_challenge and code_challenge_method',
        { code_challenge: undefined, code_challenge_method: undefined },
      ],
      [
        'with code_challenge_method plain',
        { code_challenge: 'een-code-verifier-als-challenge-0123456789abc', code_challenge_method: 'plain' },
      ],
    ] as const) {
      it(`answers a request ${name} with invalid_request at the redirect_uri, with state and iss`, async () => {
        const answer = await get(await authorizeUrl(rp, changes));
        expect(answer.status).to.equal(303);
        expect(answer.location).to.match(new RegExp(`^${rp.redirectUri}\\?`));
        const params = responseParams(answer.location!);
        expect(params.get('error')).to.equal('invalid_request');
        expect(params.get('state')).to.equal('staat-abcdef-123456');
        expect(params.get('iss')).to.equal(server.url);
        expect(params.has('code')).to.equal(false);
      });
    }

    it('announces S256 as the only code_challenge_method', async () => {
      const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(discovery.code_challenge_methods_supported).to.deep.equal(['S256']);
    });
  });

  describe('response types other than code', () => {
    for (const responseType of [
      'id_token',
      'code id_token',
      'token',
      'id_token token',
      'code token',
      'code id_token token',
      'none',
    ]) {
      it(`answers response_type=${responseType} with unsupported_response_type, with iss`, async () => {
        const answer = await get(await authorizeUrl(rp, { response_type: responseType }));
        expect(answer.status).to.equal(303);
        expect(answer.location!.startsWith(rp.redirectUri)).to.equal(true);
        const params = responseParams(answer.location!);
        expect(params.get('error')).to.equal('unsupported_response_type');
        expect(params.get('iss')).to.equal(server.url);
        expect(params.has('code')).to.equal(false);
        expect(params.has('id_token')).to.equal(false);
        expect(params.has('access_token')).to.equal(false);
      });
    }

    it('announces code as the only response type', async () => {
      const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<
        string,
        unknown
      >;
      expect(discovery.response_types_supported).to.deep.equal(['code']);
      expect(discovery.authorization_response_iss_parameter_supported).to.equal(true);
    });

    it('puts iss in the successful authorization response, next to code and state', async () => {
      const browser = browserAt();
      const { page, request } = await openLoginPage(rp, browser);
      const back = await rp.submitPassword(browser, page, citizen.username, citizen.password);
      const params = new URL(back.location!).searchParams;
      expect(params.get('iss')).to.equal(server.url);
      expect(params.get('state')).to.equal(request.state);
      expect(params.get('code')).to.be.a('string');
    });
  });
});
