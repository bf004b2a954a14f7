// Any process serves any request. A citizen logs in at one
// process; a second process, started from the command line on the same database and with the same
// public URL, redeems the code and signs an ID token that verifies against the shared JWKS.
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { testCitizens } from '../../seeds/development.ts';
import { levels } from '../../src/core/levels.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startSecondProcess, stopSecondProcess, type SecondProcess } from '../support/second-process.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const citizen = testCitizens[0];

async function tokenRequest(
  tokenEndpoint: string,
  rp: RelyingParty,
  code: string,
  verifier: string,
): Promise<Response> {
  return fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      // RFC 6749 2.3.1: client_id and secret form-encoded before the Basic encoding.
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(rp.clientId)}:${encodeURIComponent(rp.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: rp.redirectUri,
      code_verifier: verifier,
    }).toString(),
  });
}

for (const kind of databaseKinds) {
  describe(`a second process on the same database (${kind})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let second: SecondProcess;
    before(async () => {
      server = await startTestServer({ kind });
      second = await startSecondProcess(server);
    });
    after(async () => {
      await stopSecondProcess(second?.child);
      await server?.stop();
    });

    it('publishes the same issuer and the same keys as the first', async () => {
      const [first, other] = await Promise.all(
        [server.url, second.url].map((url) =>
          fetch(`${url}/.well-known/openid-configuration`).then((response) => response.text()),
        ),
      );
      expect((JSON.parse(other!) as { issuer: string }).issuer).to.equal(server.url);
      // oidc-provider names its endpoints after the host a request came to (behind a proxy: the public
      // one); apart from that the two processes describe one provider.
      expect(JSON.parse(other!.replaceAll(second.url, server.url))).to.deep.equal(JSON.parse(first!));
      const [keysFirst, keysOther] = await Promise.all(
        [server.url, second.url].map((url) =>
          fetch(`${url}/jwks`).then((response) => response.json() as Promise<unknown>),
        ),
      );
      expect(keysOther).to.deep.equal(keysFirst);
    });

    it('redeems at the second process a code issued after a login at the first, and the ID token verifies', async () => {
      const rp = await RelyingParty.register(server, { bsnEntitled: true });
      const browser = new TestBrowser();
      const { request, page } = await rp.start(browser);
      const back = await rp.submitPassword(browser, page, citizen.username, citizen.password);
      expect(back.location, `login at the first process: ${back.status} ${back.body.slice(0, 200)}`)
        .to.be.a('string')
        .that.satisfies((location: string) => location.startsWith(rp.redirectUri));
      const callback = new URL(back.location!);
      expect(callback.searchParams.get('state')).to.equal(request.state);
      const code = callback.searchParams.get('code')!;

      const response = await tokenRequest(`${second.url}/token`, rp, code, request.verifier);
      const body = (await response.json()) as Record<string, string>;
      expect(response.status, JSON.stringify(body)).to.equal(200);
      expect(body.token_type).to.match(/^bearer$/i);

      const jwks = createRemoteJWKSet(new URL(`${second.url}/jwks`));
      const { payload } = await jwtVerify(body.id_token!, jwks, { issuer: server.url, audience: rp.clientId });
      expect(payload.nonce).to.equal(request.nonce);
      expect(payload.acr).to.equal(levels.basis.uri);
      expect(payload.bsn).to.equal(citizen.bsn);
      // The same token verifies against the first process's JWKS: the keys live in the database.
      await jwtVerify(body.id_token!, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
        issuer: server.url,
        audience: rp.clientId,
      });

      // The code was used up in the database: the first process refuses it now.
      const replay = await tokenRequest(`${server.url}/token`, rp, code, request.verifier);
      expect(replay.status).to.equal(400);
      expect(((await replay.json()) as { error: string }).error).to.equal('invalid_grant');
    });
  });
}
