// The client address behind the reverse proxy (src/http/client-address.ts): only the entry the proxy
// appended to X-Forwarded-For counts, and a crafted value is never stored (the audit column holds 64
// characters: an unchecked header was a 500 on PostgreSQL).
import { expect } from 'chai';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, openLoginPage, postPassword } from '../security/helpers.ts';

for (const kind of databaseKinds) {
  describe(`client address behind the proxy (${kind})`, () => {
    let server: TestServer;
    let rp: RelyingParty;
    before(async () => {
      server = await startTestServer({ kind });
      rp = await RelyingParty.register(server);
    });
    after(() => server.stop());

    async function failedLoginFrom(forwardedFor: string): Promise<{ status: number; address: string | null }> {
      const citizen = await addTestCitizen(server);
      const browser = new TestBrowser({ 'x-forwarded-for': forwardedFor });
      const { page } = await openLoginPage(rp, browser);
      const answer = await postPassword(browser, page, citizen.username, 'niet-het-goede-wachtwoord-2026');
      const [event] = (await server.store.listAuditEvents({ type: 'login.password', citizenId: citizen.row.id })).slice(
        -1,
      );
      return { status: answer.status, address: event?.clientAddress ?? null };
    }

    it('takes the last X-Forwarded-For entry, the one the proxy appended', async () => {
      expect(await failedLoginFrom('203.0.113.9, 10.20.30.40')).to.deep.equal({ status: 401, address: '10.20.30.40' });
    });

    it('answers a crafted, over-long X-Forwarded-For like any other request and stores the proxy address instead', async () => {
      const result = await failedLoginFrom(`${'<script>'.repeat(40)}`);
      expect(result.status).to.equal(401);
      expect(result.address).to.match(/^(::ffff:)?127\.0\.0\.1$/);
    });
  });
}
