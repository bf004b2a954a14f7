//  (token side), 19 and 22: the token endpoint of the OIDC front-end. A code is
// bound to its PKCE verifier and its client and works once; a replayed code revokes what the first
// redemption gave (RFC 9700 4.5, OAuth 2.0 RFC 6749 4.1.2). The BSN goes only into the ID token and
// userinfo of an entitled webdienst: never into access tokens, URLs or cookies.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { formAction } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { RecordingBrowser, browserAt, openLoginPage, uniqueAddress } from './helpers.ts';

const citizen = testCitizens[0];

describe('OIDC token requests', () => {
  let server: TestServer;
  let rp: RelyingParty;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server, { bsnEntitled: true });
  });
  after(() => server.stop());

  /** Logs the test citizen in at `client` up to the callback: the code, the verifier, the callback URL. */
  async function authorizationCode(client: RelyingParty, redirectUri = client.redirectUri) {
    const browser = browserAt();
    const { page, request } = await openLoginPage(client, browser, { redirect_uri: redirectUri });
    const posted = await browser.post(formAction(page.body, 'username', page.url), {
      username: citizen.username,
      password: citizen.password,
    });
    const back = await browser.follow(posted, (url) => url.startsWith(redirectUri));
    expect(back.location).to.match(new RegExp(`^${redirectUri}\\?code=`));
    return { code: new URL(back.location!).searchParams.get('code')!, request, callbackUrl: back.location! };
  }

  /** A raw token request with client_secret_basic as `client`. */
  async function tokenRequest(client: RelyingParty, params: Record<string, string>) {
    const credentials = Buffer.from(
      `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
    ).toString('base64');
    const response = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${credentials}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams(params).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async function userinfoStatus(accessToken: string): Promise<number> {
    return (await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${accessToken}` } })).status;
  }

  describe('PKCE at the token endpoint', () => {
    it('answers a token request without code_verifier with invalid_grant', async () => {
      const { code } = await authorizationCode(rp);
      const answer = await tokenRequest(rp, { grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri });
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.equal('invalid_grant');
      expect(answer.body).to.not.have.property('access_token');
    });

    it('answers a token request with the wrong code_verifier with invalid_grant', async () => {
      const { code } = await authorizationCode(rp);
      const answer = await tokenRequest(rp, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: rp.redirectUri,
        code_verifier: 'x'.repeat(43),
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.equal('invalid_grant');
    });
  });

  describe('one code, one client, one redemption', () => {
    it('answers a code redeemed a second time with invalid_grant and revokes the first access token', async () => {
      const { code, request } = await authorizationCode(rp);
      const params = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: rp.redirectUri,
        code_verifier: request.verifier,
      };
      const first = await tokenRequest(rp, params);
      expect(first.status).to.equal(200);
      const accessToken = String(first.body.access_token);
      expect(await userinfoStatus(accessToken), 'the first access token works at first').to.equal(200);

      const second = await tokenRequest(rp, params);
      expect(second.status).to.equal(400);
      expect(second.body.error).to.equal('invalid_grant');
      expect(second.body).to.not.have.property('access_token');
      expect(await userinfoStatus(accessToken), 'the first access token after the replay').to.equal(401);
    });

    it('answers a code of webdienst A redeemed by webdienst B with invalid_grant', async () => {
      const other = await RelyingParty.register(server, { bsnEntitled: true });
      const { code, request } = await authorizationCode(rp);
      const params = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: rp.redirectUri,
        code_verifier: request.verifier,
      };
      const stolen = await tokenRequest(other, params);
      expect(stolen.status).to.equal(400);
      expect(stolen.body.error).to.equal('invalid_grant');
      expect(stolen.body).to.not.have.property('access_token');
      // The code itself was good: only the client was wrong.
      expect((await tokenRequest(rp, params)).status).to.equal(200);
    });

    it("answers a code of webdienst A redeemed by B with B's own redirect_uri with invalid_grant", async () => {
      const other = await RelyingParty.register(server, { bsnEntitled: true });
      const { code, request } = await authorizationCode(rp);
      const stolen = await tokenRequest(other, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: other.redirectUri,
        code_verifier: request.verifier,
      });
      expect(stolen.status).to.equal(400);
      expect(stolen.body.error).to.equal('invalid_grant');
    });

    it('answers a code redeemed with another redirect_uri than it was issued for with invalid_grant', async () => {
      const two = await RelyingParty.register(server, {
        registration: { redirectUris: ['http://127.0.0.1:9/een/callback', 'http://127.0.0.1:9/twee/callback'] },
      });
      const { code, request } = await authorizationCode(two, 'http://127.0.0.1:9/een/callback');
      const answer = await tokenRequest(two, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: 'http://127.0.0.1:9/twee/callback',
        code_verifier: request.verifier,
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.error).to.equal('invalid_grant');
    });
  });

  describe('the BSN stays out of tokens, URLs and cookies', () => {
    const bsn = citizen.bsn;
    const decodings = (value: string): string[] => {
      const out = [value];
      try {
        out.push(decodeURIComponent(value));
      } catch {
        // not URI-encoded
      }
      for (const part of value.split(/[.~]/)) out.push(Buffer.from(part, 'base64url').toString('latin1'));
      return out;
    };

    it('issues an opaque access token that neither is a JWT nor contains the BSN, to an entitled webdienst', async () => {
      const { tokens } = await rp.login(browserAt(), citizen.username, citizen.password);
      expect(tokens.claims()!.bsn, 'an entitled webdienst gets the BSN in the ID token').to.equal(bsn);
      const accessToken = tokens.access_token;
      expect(accessToken.split('.')).to.have.length.below(3);
      for (const decoded of decodings(accessToken)) expect(decoded).to.not.include(bsn);
      expect(tokens.token_type.toLowerCase()).to.equal('bearer');
    });

    it('puts the BSN in no URL, redirect or cookie of a whole login', async () => {
      const browser = new RecordingBrowser({ 'x-forwarded-for': uniqueAddress() });
      const { tokens, callbackUrl } = await rp.login(browser, citizen.username, citizen.password);
      expect(tokens.claims()!.bsn).to.equal(bsn);
      expect(browser.urls.length).to.be.greaterThan(4);
      for (const url of [...browser.urls, callbackUrl]) {
        for (const decoded of decodings(url)) expect(decoded, url).to.not.include(bsn);
      }
      expect(browser.setCookies.length).to.be.greaterThan(0);
      for (const setCookie of browser.setCookies) {
        const value = setCookie.split(';')[0]!.split('=').slice(1).join('=');
        for (const decoded of decodings(value)) expect(decoded, setCookie).to.not.include(bsn);
      }
    });

    it('gives the pairwise sub, not the BSN, as the subject', async () => {
      const { tokens } = await rp.login(browserAt(), citizen.username, citizen.password);
      const sub = String(tokens.claims()!.sub);
      for (const decoded of decodings(sub)) expect(decoded).to.not.include(bsn);
    });

    it('gives a non-entitled webdienst no BSN when it asks with the scope bsn', async () => {
      const notEntitled = await RelyingParty.register(server, { bsnEntitled: false });
      const { tokens } = await notEntitled.login(browserAt(), citizen.username, citizen.password, {
        scope: 'openid bsn',
        claims: JSON.stringify({ id_token: { bsn: { essential: true } }, userinfo: { bsn: { essential: true } } }),
      });
      expect(tokens.claims()).to.not.have.property('bsn');
      expect(tokens.claims()!.sub).to.be.a('string');
      const userinfo = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(userinfo.status).to.equal(200);
      const body = (await userinfo.json()) as Record<string, unknown>;
      expect(body).to.not.have.property('bsn');
      expect(JSON.stringify(body)).to.not.include(bsn);
    });
  });
});
