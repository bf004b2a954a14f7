import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { levels } from '../../src/core/levels.ts';
import { testCitizens } from '../../seeds/development.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const citizen = testCitizens[0];

for (const kind of databaseKinds) {
  describe(`OIDC login at level Basis (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('gives an entitled webdienst a signed ID token with the Basis acr and the BSN', async () => {
      const rp = await RelyingParty.register(server, { bsnEntitled: true });
      const { tokens } = await rp.login(new TestBrowser(), citizen.username, citizen.password);
      const jwks = createRemoteJWKSet(new URL(`${server.url}/jwks`));
      const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, {
        issuer: server.url,
        audience: rp.clientId,
      });
      expect(protectedHeader.alg).to.equal('RS256');
      expect(payload.acr).to.equal(levels.basis.uri);
      expect(payload.bsn).to.equal(citizen.bsn);
      expect(payload.exp! - payload.iat!).to.be.at.most(300);
      const webdienst = await server.store.findWebdienstByClientId(rp.clientId);
      const released = (await server.store.listAuditEvents({ type: 'bsn.released' })).filter(
        (event) => event.webdienstId === webdienst!.id,
      );
      expect(released, 'the release of the BSN is audited, without the BSN').to.have.length.of.at.least(1);
      expect(JSON.stringify(released)).to.not.include(citizen.bsn);
    });

    it('gives two webdiensten different pairwise subjects for one citizen', async () => {
      const first = await RelyingParty.register(server);
      const second = await RelyingParty.register(server);
      const a = await first.login(new TestBrowser(), citizen.username, citizen.password);
      const b = await second.login(new TestBrowser(), citizen.username, citizen.password);
      expect(a.tokens.claims()!.sub).to.not.equal(b.tokens.claims()!.sub);
      expect(a.tokens.claims()!.sub).to.not.equal(citizen.bsn);
    });

    it('gives a webdienst of a non-entitled organisation no BSN, not even when it asks', async () => {
      const rp = await RelyingParty.register(server, { bsnEntitled: false });
      const { tokens } = await rp.login(new TestBrowser(), citizen.username, citizen.password, {
        claims: JSON.stringify({ id_token: { bsn: { essential: true } }, userinfo: { bsn: null } }),
      });
      expect(tokens.claims()).to.not.have.property('bsn');
      expect(tokens.claims()!.acr).to.equal(levels.basis.uri);
      const userinfo = await fetch(`${server.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(userinfo.status).to.equal(200);
      expect(await userinfo.json()).to.not.have.property('bsn');
      const webdienst = await server.store.findWebdienstByClientId(rp.clientId);
      expect(
        (await server.store.listAuditEvents({ type: 'bsn.released' })).filter(
          (event) => event.webdienstId === webdienst!.id,
        ),
      ).to.deep.equal([]);
    });
  });
}
