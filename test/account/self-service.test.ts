// Removing the phone at Mijn Poortwachter (only after the second factor in this session) and ending
// the account (password asked again); both told and audited.
import { expect } from 'chai';
import { formAction } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { lastSmsCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, browserAt, strongPassword } from '../security/helpers.ts';
import { addCitizenWithPhone, loginToAccount, openAccountLogin, submitAccountCode } from './helpers.ts';

for (const kind of databaseKinds) {
  describe(`Removing a second factor and ending the account at /mijn (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('removes the phone only from a session that proved it, and tells the old number', async () => {
      const citizen = await addCitizenWithPhone(server);
      const basis = browserAt();
      await loginToAccount(server, basis, citizen.username, citizen.password);
      const refused = await basis.post(`${server.url}/mijn/telefoon/verwijderen`, {});
      expect(refused.location).to.include('melding=tweede_factor_nodig');
      expect((await server.store.findCitizenById(citizen.row.id))!.phone).to.equal(citizen.phone);

      await server.store.updateAlwaysSecondFactor(citizen.row.id, true, Date.now());
      const midden = browserAt();
      const login = await openAccountLogin(server, midden);
      const codePage = await midden.follow(
        await midden.post(formAction(login.body, 'username', login.url), {
          username: citizen.username,
          password: citizen.password,
        }),
      );
      const overview = await submitAccountCode(midden, codePage, await lastSmsCode(server, citizen.phone));
      expect(overview.body).to.include('action="/mijn/telefoon/verwijderen"');
      const removed = await midden.post(`${server.url}/mijn/telefoon/verwijderen`, {});
      expect(removed.location).to.include('melding=telefoon_verwijderd');
      expect((await server.store.findCitizenById(citizen.row.id))!.phone).to.equal(null);
      const [sms] = await server.store.listOutboxSms({ to: citizen.phone, limit: 1 });
      expect(sms!.text).to.include('losgekoppeld');
      const events = await server.store.listAuditEvents({
        type: 'citizen.second_factor_removal',
        citizenId: citizen.row.id,
      });
      expect(events.map((event) => event.outcome)).to.deep.equal(['failure', 'success']);
    });

    it('ends the account after the password is given again; the account then cannot log in', async () => {
      const citizen = await addTestCitizen(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      expect((await browser.get(`${server.url}/mijn/opzeggen`)).body).to.include('name="password"');
      const wrong = await browser.post(`${server.url}/mijn/opzeggen`, { password: strongPassword() });
      expect(wrong.status).to.equal(400);
      expect((await server.store.findCitizenById(citizen.row.id))!.status).to.equal('active');
      const ended = await browser.post(`${server.url}/mijn/opzeggen`, { password: citizen.password });
      expect(ended.status).to.equal(200);
      expect(ended.body).to.include('Uw account is opgezegd');
      expect((await server.store.findCitizenById(citizen.row.id))!.status).to.equal('revoked');
      expect((await browser.get(`${server.url}/mijn`)).status).to.equal(303);
      const again = browserAt();
      const page = await openAccountLogin(server, again);
      const posted = await again.post(formAction(page.body, 'username', page.url), {
        username: citizen.username,
        password: citizen.password,
      });
      expect(posted.status).to.not.equal(303);
      const [event] = await server.store.listAuditEvents({ type: 'citizen.revoked', citizenId: citizen.row.id });
      expect(event!.reason).to.equal('self_service');
    });
  });
}
