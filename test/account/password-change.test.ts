// Changing the password at /mijn/wachtwoord: the current password asked again, the policy in force,
// other sessions ended, the citizen told and the change audited.
import { expect } from 'chai';
import { formAction } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt, strongPassword } from '../security/helpers.ts';
import { errorSummary } from '../pages/helpers.ts';
import { addCitizenWithPhone, loginToAccount, openAccountLogin } from './helpers.ts';

for (const kind of databaseKinds) {
  describe(`Changing the password at /mijn/wachtwoord (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ kind });
    });
    after(() => server.stop());

    it('asks the current password, refuses a weak one, then changes it, ends other sessions and tells the citizen', async () => {
      const citizen = await addCitizenWithPhone(server);
      const other = browserAt();
      await loginToAccount(server, other, citizen.username, citizen.password);
      const browser = browserAt();
      const overview = await loginToAccount(server, browser, citizen.username, citizen.password);
      expect(overview.body).to.include('href="/mijn/wachtwoord"');
      const form = await browser.get(`${server.url}/mijn/wachtwoord`);
      expect(form.status).to.equal(200);
      expect(form.body).to.include('name="currentPassword"').and.include('autocomplete="new-password"');

      const newPassword = strongPassword();
      const wrong = await browser.post(`${server.url}/mijn/wachtwoord`, {
        currentPassword: strongPassword(),
        password: newPassword,
        passwordRepeat: newPassword,
      });
      expect(wrong.status).to.equal(400);
      expect(errorSummary(wrong)).to.include('Het huidige wachtwoord klopt niet');
      const weak = await browser.post(`${server.url}/mijn/wachtwoord`, {
        currentPassword: citizen.password,
        password: 'kort',
        passwordRepeat: 'kort',
      });
      expect(errorSummary(weak)).to.include('Het wachtwoord is te kort');
      expect((await server.store.findCitizenById(citizen.row.id))!.passwordHash).to.equal(citizen.row.passwordHash);

      const done = await browser.post(`${server.url}/mijn/wachtwoord`, {
        currentPassword: citizen.password,
        password: newPassword,
        passwordRepeat: newPassword,
      });
      expect(done.status, errorSummary(done)).to.equal(303);
      expect((await browser.follow(done)).body).to.include('Uw wachtwoord is gewijzigd');
      expect((await other.get(`${server.url}/mijn`)).status, 'the other session ended').to.equal(303);

      const login = browserAt();
      const page = await openAccountLogin(server, login);
      const old = await login.post(formAction(page.body, 'username', page.url), {
        username: citizen.username,
        password: citizen.password,
      });
      expect(old.status, 'the old password no longer works').to.not.equal(303);
      await loginToAccount(server, browserAt(), citizen.username, newPassword);
      const [sms] = await server.store.listOutboxSms({ to: citizen.phone, limit: 1 });
      expect(sms!.text).to.include('het wachtwoord van uw account is gewijzigd');
      const events = await server.store.listAuditEvents({
        citizenId: citizen.row.id,
        type: 'citizen.password_changed',
      });
      expect(events.map((event) => event.reason)).to.deep.equal(['self_service']);
    });

    it('refuses the change without an account session or from a foreign origin', async () => {
      const anonymous = await browserAt().post(`${server.url}/mijn/wachtwoord`, {
        currentPassword: 'x',
        password: 'y',
        passwordRepeat: 'y',
      });
      expect(anonymous.status).to.equal(403);
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const foreign = await browser.post(
        `${server.url}/mijn/wachtwoord`,
        { currentPassword: citizen.password, password: strongPassword(), passwordRepeat: 'x' },
        { origin: 'https://evil.example' },
      );
      expect(foreign.status).to.equal(403);
    });
  });
}
