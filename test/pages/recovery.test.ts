// Recovery by letter: "Wachtwoord vergeten?" and "Telefoon kwijt?" -> a recovery code by letter -> a
// new password (and, for a lost phone, no more phone or app). The account keeps working until the
// code is used; every step is told by SMS and e-mail (a local SMTP sink) and audited.
import { expect } from 'chai';
import { systemClock } from '../../src/core/clock.ts';
import { createAuthenticatorAppService } from '../../src/services.ts';
import { databaseKinds } from '../support/databases.ts';
import { startFakeBrp, type FakeBrp } from '../support/fake-brp.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { formAction } from '../support/browser.ts';
import { loginToAccount, openAccountLogin, uniqueMobile } from '../account/helpers.ts';
import { strongPassword } from '../security/helpers.ts';
import type { RegisteredPerson } from '../../src/core/register/population-register.ts';
import { browserInOwnNetwork, errorSummary, letterFor, requestAndActivate, requestForm } from './helpers.ts';

for (const kind of databaseKinds) {
  describe(`Recovery by letter (/herstellen, ${kind})`, () => {
    let server: TestServer;
    let brp: FakeBrp;
    let smtp: SmtpSink;
    before(async () => {
      brp = await startFakeBrp();
      smtp = await startSmtpSink();
      server = await startTestServer({
        kind,
        overrides: {
          populationRegister: { source: 'brp', brp: { url: brp.url, apiKey: brp.apiKey } },
          mail: { smtpUrl: smtp.url, from: 'Poortwachter <noreply@poortwachter.test>' },
        },
      });
    });
    after(async () => {
      await server.stop();
      await brp.stop();
      await smtp.stop();
    });

    /** An activated account with a phone number and an e-mail address. */
    async function accountWithContacts() {
      const activated = await requestAndActivate(server, brp);
      const citizen = (await server.store.findCitizenByUsername(activated.form.username!))!;
      const phone = uniqueMobile();
      const email = `${citizen.username}@burger.test`;
      await server.store.updateCitizenPhone(citizen.id, phone, Date.now());
      await server.store.upsertCitizenContact({
        citizenId: citizen.id,
        email,
        verifiedAt: Date.now(),
        updatedAt: Date.now(),
      });
      return { ...activated, citizen, phone, email };
    }

    function identity(person: RegisteredPerson): Record<string, string> {
      const { bsn, birthDate, postcode, houseNumber, houseNumberSuffix } = requestForm(person);
      return {
        bsn: bsn!,
        birthDate: birthDate!,
        postcode: postcode!,
        houseNumber: houseNumber!,
        houseNumberSuffix: houseNumberSuffix!,
      };
    }

    async function loginRefused(username: string, password: string): Promise<boolean> {
      const browser = browserInOwnNetwork();
      const page = await openAccountLogin(server, browser);
      const posted = await browser.post(formAction(page.body, 'username', page.url), { username, password });
      return posted.status !== 303;
    }

    async function waitForMail(address: string, count: number) {
      for (let wait = 0; wait < 50 && smtp.to(address).length < count; wait += 1)
        await new Promise((resolve) => setTimeout(resolve, 100));
      return smtp.to(address);
    }

    it('forgotten password: a recovery letter, the old password works until the code is used, then only the new one', async () => {
      const { person, form, phone, email, citizen } = await accountWithContacts();
      const browser = browserInOwnNetwork();
      const start = await browser.get(`${server.url}/herstellen?reden=wachtwoord`);
      expect(start.status).to.equal(200);
      expect(start.body).to.include('Wachtwoord vergeten?').and.include('name="bsn"');

      const sent = await browser.post(`${server.url}/herstellen`, { ...identity(person), reason: 'wachtwoord' });
      expect(sent.status, errorSummary(sent)).to.equal(303);
      expect((await browser.follow(sent)).body).to.include('Uw herstelcode komt per brief');
      const letter = await letterFor(server, person);
      expect(letter!.kind).to.equal('recovery');
      expect(letter!.useAt).to.equal(`${server.url}/herstellen/code`);
      const [requested] = await server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(requested!.text).to.include('er is een herstelcode voor uw account aangevraagd');
      const [mail] = await waitForMail(email, 1);
      expect(mail!.subject).to.equal('Bericht over uw Poortwachter-account');
      expect(mail!.text).to.include('er is een herstelcode voor uw account aangevraagd').and.not.include(letter!.code);

      // The account keeps working until the code is used.
      await loginToAccount(server, browserInOwnNetwork(), form.username!, form.password!);

      const newPassword = strongPassword();
      const codePage = await browser.get(`${server.url}/herstellen/code`);
      expect(codePage.body).to.include('name="code"').and.include('autocomplete="new-password"');
      const done = await browser.post(`${server.url}/herstellen/code`, {
        username: form.username!,
        code: letter!.code,
        password: newPassword,
        passwordRepeat: newPassword,
      });
      expect(done.status, errorSummary(done)).to.equal(303);
      expect((await browser.follow(done)).body).to.include('Uw account is hersteld');

      expect(await loginRefused(form.username!, form.password!), 'the old password no longer works').to.equal(true);
      await loginToAccount(server, browserInOwnNetwork(), form.username!, newPassword);
      const [changed] = await server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(changed!.text).to.include('het wachtwoord van uw account is gewijzigd');
      const mails = await waitForMail(email, 2);
      expect(mails[1]!.text).to.include('het wachtwoord van uw account is gewijzigd');
      expect((await server.store.findCitizenById(citizen.id))!.phone, 'the phone stays').to.equal(phone);
      const types = (await server.store.listAuditEvents({ citizenId: citizen.id })).map(
        (event) => `${event.type}:${event.outcome}`,
      );
      expect(types).to.include.members([
        'citizen.recovery_request:success',
        'citizen.recovery:success',
        'citizen.password_changed:success',
      ]);

      const reused = await browser.post(`${server.url}/herstellen/code`, {
        username: form.username!,
        code: letter!.code,
        password: strongPassword(),
        passwordRepeat: 'x',
      });
      expect(reused.status).to.equal(400);
    });

    it('lost phone: the recovery removes phone and app, and the old number hears of it', async () => {
      const { person, form, phone, email, citizen } = await accountWithContacts();
      await (await createAuthenticatorAppService(server.config, server.store, systemClock)).enrol(citizen);
      const browser = browserInOwnNetwork();
      const start = await browser.get(`${server.url}/herstellen?reden=telefoon`);
      expect(start.body).to.include('Telefoon kwijt?');
      expect(
        (await browser.post(`${server.url}/herstellen`, { ...identity(person), reason: 'telefoon' })).status,
      ).to.equal(303);
      const letter = await letterFor(server, person);
      const codePage = await browser.get(`${server.url}/herstellen/code?reden=telefoon`);
      expect(codePage.body).to.match(/name="removeSecondFactors" type="checkbox" value="ja" checked/);
      const newPassword = strongPassword();
      const done = await browser.post(`${server.url}/herstellen/code`, {
        username: form.username!,
        code: letter!.code,
        password: newPassword,
        passwordRepeat: newPassword,
        removeSecondFactors: 'ja',
      });
      expect(done.location).to.include('losgekoppeld=ja');
      const after = (await server.store.findCitizenById(citizen.id))!;
      expect(after.phone).to.equal(null);
      expect(after.totpSecret).to.equal(null);
      const [removed] = await server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(removed!.text).to.include('uw telefoon en app zijn van uw account losgekoppeld');
      const mails = await waitForMail(email, 3);
      expect(mails.map((message) => message.text).join('\n')).to.include(
        'uw telefoon en app zijn van uw account losgekoppeld',
      );
      expect(
        await server.store.listAuditEvents({ type: 'citizen.second_factors_removed', citizenId: citizen.id }),
      ).to.have.length(1);
    });

    it('is the way out of the password-failure limit for an account without a second factor: a recovered account logs in again', async () => {
      const { person, form, citizen } = await accountWithContacts();
      // With a second factor the blocked password still opens the account through that factor.
      await server.store.updateCitizenPhone(citizen.id, null, Date.now());
      await server.store.markPasswordRecoveryRequired(citizen.id, Date.now());
      expect(await loginRefused(form.username!, form.password!), 'locked by the failure limit').to.equal(true);
      const browser = browserInOwnNetwork();
      await browser.post(`${server.url}/herstellen`, { ...identity(person), reason: 'wachtwoord' });
      const letter = await letterFor(server, person);
      const newPassword = strongPassword();
      const done = await browser.post(`${server.url}/herstellen/code`, {
        username: form.username!,
        code: letter!.code,
        password: newPassword,
        passwordRepeat: newPassword,
      });
      expect(done.status, errorSummary(done)).to.equal(303);
      await loginToAccount(server, browserInOwnNetwork(), form.username!, newPassword);
    });

    it('only the newest recovery letter works, and a code dies after 5 wrong tries', async () => {
      const { person, form } = await accountWithContacts();
      const browser = browserInOwnNetwork();
      await browser.post(`${server.url}/herstellen`, { ...identity(person), reason: 'wachtwoord' });
      const first = await letterFor(server, person);
      await browser.post(`${server.url}/herstellen`, { ...identity(person), reason: 'wachtwoord' });
      const second = await letterFor(server, person);
      const password = strongPassword();
      const use = (code: string) =>
        browserInOwnNetwork().post(`${server.url}/herstellen/code`, {
          username: form.username!,
          code,
          password,
          passwordRepeat: password,
        });
      const old = await use(first!.code);
      expect(old.status).to.equal(400);
      const wrong = second!.code.startsWith('A') ? 'CCCC-CCCC-CCCC' : 'AAAA-AAAA-AAAA';
      for (let left = 3; left >= 1; left -= 1) expect(errorSummary(await use(wrong))).to.include(`nog ${left} keer`);
      expect(errorSummary(await use(wrong))).to.include('De herstelcode werkt niet meer');
      expect(errorSummary(await use(second!.code))).to.include('De herstelcode werkt niet meer');
      await loginToAccount(server, browserInOwnNetwork(), form.username!, form.password!);
    });

    it('answers a register mismatch generically and says when there is no account to recover', async () => {
      const { person } = await accountWithContacts();
      const mismatch = await browserInOwnNetwork().post(`${server.url}/herstellen`, {
        ...identity(person),
        postcode: '9999 ZZ',
      });
      expect(mismatch.status).to.equal(400);
      expect(errorSummary(mismatch)).to.include('horen niet bij elkaar volgens de Basisregistratie Personen');
      const stranger = { ...person, bsn: '999990111', name: 'Z. Zonder-Account' };
      brp.add(stranger);
      const none = await browserInOwnNetwork().post(`${server.url}/herstellen`, identity(stranger));
      expect(errorSummary(none)).to.include('Bij deze gegevens hoort geen actief account');
      expect(await letterFor(server, stranger)).to.equal(undefined);
    });
  });
}
