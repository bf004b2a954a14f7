// Changing the phone number requires the current second factor, notifies the
// old number, and ends other sessions. End to end against the running server, with a real relying
// party for the OIDC session that must end.
import { expect } from 'chai';
import { createAuthenticatorAppService } from '../../src/services.ts';
import { systemClock } from '../../src/core/clock.ts';
import { testCitizens } from '../../seeds/development.ts';
import { formActionEndingWith, type Page, type TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty, lastSmsCode } from '../support/relying-party.ts';
import { capturedLogLines, startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, browserAt } from '../security/helpers.ts';
import { addCitizenWithPhone, loginToAccount, submitAccountCode, submitNewPhone, uniqueMobile } from './helpers.ts';

const [basisCitizen, middenCitizen] = testCitizens;

for (const kind of databaseKinds) {
  describe(`Changing the phone number at /mijn/telefoon (${kind})`, () => {
    let server: TestServer;
    let rp: RelyingParty;
    before(async () => {
      server = await startTestServer({ kind });
      rp = await RelyingParty.register(server, { federation: 'phone-change' });
    });
    after(() => server.stop());

    const phoneOf = async (username: string) => (await server.store.findCitizenByUsername(username))!.phone;
    const outbox = (to: string) => server.store.listOutboxSms({ to, limit: 100 });

    /** Whether the browser's OIDC session still gives SSO: prompt=none answers with a code, or login_required. */
    async function ssoAnswer(browser: TestBrowser): Promise<URLSearchParams> {
      const { page } = await rp.start(browser, { prompt: 'none' });
      expect(
        page.location?.startsWith(rp.redirectUri),
        `back at the webdienst: ${page.status} ${page.location ?? page.body.slice(0, 200)}`,
      ).to.equal(true);
      return new URL(page.location!).searchParams;
    }

    it('asks the code of the OLD number, then changes the number, tells the old number, and ends the other sessions', async () => {
      const oldPhone = middenCitizen.phone;
      const newPhone = uniqueMobile();
      const citizen = (await server.store.findCitizenByUsername(middenCitizen.username))!;

      // Elsewhere: an OIDC session at a webdienst (SSO works), and a second visit to the account pages.
      const elsewhere = browserAt();
      await rp.login(elsewhere, middenCitizen.username, middenCitizen.password);
      expect((await ssoAnswer(elsewhere)).get('code'), 'SSO before the change').to.be.a('string');
      const otherAccountVisit = browserAt();
      await loginToAccount(server, otherAccountVisit, middenCitizen.username, middenCitizen.password);

      const browser = browserAt();
      const overview = await loginToAccount(server, browser, middenCitizen.username, middenCitizen.password);
      expect(overview.body).to.include('href="/mijn/telefoon"');
      const form = await browser.get(`${server.url}/mijn/telefoon`);
      expect(form.status).to.equal(200);
      expect(form.body).to.include('name="phone"');

      const codePage = await submitNewPhone(server, browser, newPhone);
      expect(codePage.status, codePage.body.slice(0, 300)).to.equal(200);
      expect(codePage.body).to.include('name="code"');
      expect(codePage.body, 'only the second factor is asked').to.not.include('name="password"');
      expect(codePage.body).to.include('+31*******78');
      expect(await outbox(newPhone), 'nothing goes to the new number').to.have.length(0);
      expect(await phoneOf(middenCitizen.username), 'not changed before the code').to.equal(oldPhone);

      const done = await submitAccountCode(browser, codePage, await lastSmsCode(server, oldPhone));
      expect(done.status).to.equal(200);
      expect(done.url).to.equal(`${server.url}/mijn?melding=telefoon_gewijzigd`);
      expect(done.body).to.include('Uw telefoonnummer is gewijzigd');
      expect(await phoneOf(middenCitizen.username)).to.equal(newPhone);

      const [notification] = await outbox(oldPhone);
      expect(notification!.purpose).to.equal('phone_changed');
      expect(notification!.text).to.include('Het telefoonnummer van uw Poortwachter-account is gewijzigd');
      expect(notification!.text).to.not.match(/\d{6}/);
      expect(await outbox(newPhone)).to.have.length(0);

      expect((await ssoAnswer(elsewhere)).get('error'), 'the OIDC session elsewhere ended').to.equal('login_required');
      const other = await otherAccountVisit.get(`${server.url}/mijn`);
      expect(other.status, 'the other account session ended: /mijn logs in again').to.equal(303);
      expect(new URL(other.location!).pathname).to.match(/^\/inloggen\//);
      expect((await browser.get(`${server.url}/mijn`)).status, 'this session stays').to.equal(200);

      const [event] = await server.store.listAuditEvents({ type: 'citizen.phone_changed', citizenId: citizen.id });
      expect(event).to.deep.include({ outcome: 'success', reason: 'self_service' });
      expect(event!.details).to.deep.include({
        from: '+31*******78',
        to: `+31*******${newPhone.slice(-2)}`,
        oldNumberNotified: true,
        endedOidcSessions: 1,
        endedAccountSessions: 1,
        endedSsoSessions: 1,
      });
      const everything = JSON.stringify(await server.store.listAuditEvents({ citizenId: citizen.id }));
      expect(everything, 'no full number in the audit log').to.not.include(newPhone).and.to.not.include(oldPhone);
      expect(capturedLogLines.join('\n'), 'no full number in the log').to.not.include(newPhone);
    });

    it('changes nothing after a wrong code', async () => {
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const codePage = await submitNewPhone(server, browser, uniqueMobile());
      const code = await lastSmsCode(server, citizen.phone);
      const refused = await submitAccountCode(browser, codePage, code === '111111' ? '222222' : '111111');
      expect(refused.status).to.equal(401);
      expect(refused.location).to.equal(undefined);
      expect(await phoneOf(citizen.username)).to.equal(citizen.phone);
      // Going to the confirmation without the code does not apply the change either.
      const early = await browser.get(`${server.url}/mijn/telefoon/bevestigen`);
      expect(early.status).to.equal(400);
      expect(await phoneOf(citizen.username)).to.equal(citizen.phone);
      expect((await outbox(citizen.phone)).map((message) => message.purpose)).to.deep.equal(['login_code']);
    });

    it('changes nothing when the citizen cancels at the code page, and goes back to /mijn', async () => {
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const codePage = await submitNewPhone(server, browser, uniqueMobile());
      const back = await browser.follow(
        await browser.post(formActionEndingWith(codePage.body, '/annuleren', codePage.url), {}),
      );
      expect(back.status).to.equal(200);
      expect(back.url).to.equal(`${server.url}/mijn?melding=telefoon_niet_gewijzigd`);
      expect(back.body).to.include('Uw telefoonnummer is niet gewijzigd');
      expect(await phoneOf(citizen.username)).to.equal(citizen.phone);
      expect((await outbox(citizen.phone)).map((message) => message.purpose)).to.deep.equal(['login_code']);
      expect(
        (await browser.get(`${server.url}/mijn/telefoon/bevestigen`)).status,
        'the cancelled change cannot be confirmed later',
      ).to.equal(400);
    });

    it('refuses a POST without the account cookie, and one from a foreign Origin', async () => {
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);

      const stranger = browserAt();
      const withoutCookie = await stranger.post(`${server.url}/mijn/telefoon`, { phone: uniqueMobile() });
      expect(withoutCookie.status).to.equal(403);
      expect(withoutCookie.location).to.equal(undefined);
      expect(withoutCookie.body).to.include('niet (meer) ingelogd');

      const foreign = await browser.post(
        `${server.url}/mijn/telefoon`,
        { phone: uniqueMobile() },
        { origin: 'https://evil.example' },
      );
      expect(foreign.status).to.equal(403);
      expect(foreign.location).to.equal(undefined);
      expect(foreign.body).to.include('andere website');

      expect(await phoneOf(citizen.username)).to.equal(citizen.phone);
      expect(await outbox(citizen.phone), 'no code sent').to.have.length(0);
    });

    const invalid: Array<[string, string, RegExp]> = [
      ['an empty number', '', /Vul uw nieuwe mobiele telefoonnummer in/],
      ['letters', 'mijn-nummer', /geen geldig telefoonnummer/],
      ['too few digits', '+3161234', /geen geldig telefoonnummer/],
      ['a Dutch landline', '+31201234567', /geen mobiel nummer/],
      ['markup', '<script>alert(1)</script>', /geen geldig telefoonnummer/],
    ];
    for (const [name, phone, reason] of invalid) {
      it(`answers ${name} with 400 and the reason, and sends no code`, async () => {
        const citizen = await addCitizenWithPhone(server);
        const browser = browserAt();
        await loginToAccount(server, browser, citizen.username, citizen.password);
        const answer = await submitNewPhone(server, browser, phone);
        expect(answer.status).to.equal(400);
        expect(answer.body).to.match(reason);
        expect(answer.body).to.include('name="phone"');
        expect(answer.body).to.not.include('<script>alert');
        expect(await outbox(citizen.phone)).to.have.length(0);
        expect(await phoneOf(citizen.username)).to.equal(citizen.phone);
      });
    }

    it('answers the number the account already has with 400, also written another way', async () => {
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const answer = await submitNewPhone(server, browser, `0${citizen.phone.slice(3)}`);
      expect(answer.status).to.equal(400);
      expect(answer.body).to.include('Dit is al het telefoonnummer van uw account.');
      expect(await outbox(citizen.phone)).to.have.length(0);
    });

    it('refuses a number outside the allowed country prefixes (+31) before any code is sent', async () => {
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      for (const abroad of ['+447700900123', '0032470123456']) {
        const answer = await submitNewPhone(server, browser, abroad);
        expect(answer.status).to.equal(400);
        expect(answer.body).to.include('beginnen met +31');
      }
      expect(await outbox(citizen.phone)).to.have.length(0);
      expect(await outbox('+447700900123')).to.have.length(0);
      expect(await phoneOf(citizen.username)).to.equal(citizen.phone);
    });

    it('accepts the number in Dutch national notation and stores it in international form', async () => {
      const citizen = await addCitizenWithPhone(server);
      const newPhone = uniqueMobile();
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const codePage = await submitNewPhone(server, browser, `06 ${newPhone.slice(4, 8)} ${newPhone.slice(8)}`);
      expect(codePage.body).to.include('name="code"');
      await submitAccountCode(browser, codePage, await lastSmsCode(server, citizen.phone));
      expect(await phoneOf(citizen.username)).to.equal(newPhone);
    });

    it('does not let a citizen without a second factor change the number here', async () => {
      const browser = browserAt();
      await loginToAccount(server, browser, basisCitizen.username, basisCitizen.password);
      const page = await browser.get(`${server.url}/mijn/telefoon`);
      expect(page.status).to.equal(200);
      expect(page.body).to.include('Telefoonnummer wijzigen kan hier niet');
      expect(page.body).to.include('per brief');
      expect(page.body).to.not.include('name="phone"');
      const newPhone = uniqueMobile();
      const refused: Page = await browser.post(`${server.url}/mijn/telefoon`, { phone: newPhone });
      expect(refused.status).to.equal(403);
      expect(refused.location, 'no login attempt started').to.equal(undefined);
      expect(await phoneOf(basisCitizen.username)).to.equal(null);
      expect(await outbox(newPhone)).to.have.length(0);
    });

    it('asks the authenticator-app code of a citizen without SMS, and then sets the number', async () => {
      const citizen = await addTestCitizen(server);
      const app = await createAuthenticatorAppService(server.config, server.store, systemClock);
      const secret = new URL(await app.enrol(citizen.row)).searchParams.get('secret')!;
      const newPhone = uniqueMobile();
      const browser = browserAt();
      const overview = await loginToAccount(server, browser, citizen.username, citizen.password);
      expect(overview.body).to.match(/Authenticator-app<\/dt>\s*<dd>Gekoppeld/);
      const codePage = await submitNewPhone(server, browser, newPhone);
      expect(codePage.body).to.include('authenticator');
      const done = await submitAccountCode(browser, codePage, await app.currentCode(secret, Date.now()));
      expect(done.url).to.equal(`${server.url}/mijn?melding=telefoon_gewijzigd`);
      expect(await phoneOf(citizen.username)).to.equal(newPhone);
      const [event] = await server.store.listAuditEvents({ type: 'citizen.phone_changed', citizenId: citizen.row.id });
      expect(event!.details).to.deep.include({ from: null, oldNumberNotified: false });
      expect(await outbox(newPhone)).to.have.length(0);
    });

    it('refuses to confirm a change twice (the step-up result is taken once)', async () => {
      const citizen = await addCitizenWithPhone(server);
      const newPhone = uniqueMobile();
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const codePage = await submitNewPhone(server, browser, newPhone);
      await submitAccountCode(browser, codePage, await lastSmsCode(server, citizen.phone));
      expect(await phoneOf(citizen.username)).to.equal(newPhone);
      const again = await browser.get(`${server.url}/mijn/telefoon/bevestigen`);
      expect(again.status).to.equal(400);
      expect(
        await server.store.listAuditEvents({ type: 'citizen.phone_changed', citizenId: citizen.row.id }),
      ).to.have.length(1);
    });
  });
}
