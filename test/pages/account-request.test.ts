// Requesting an account at /aanvragen and activating it at /activeren, over HTTP against the running
// server, with the population register a fake BRP server and letters in the outbox.
import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { startFakeBrp, type FakeBrp } from '../support/fake-brp.ts';
import { capturedLogLines, startTestServer, type TestServer } from '../support/server.ts';
import { loginToAccount } from '../account/helpers.ts';
import { addTestCitizen, strongPassword } from '../security/helpers.ts';
import {
  addPerson,
  browserInOwnNetwork,
  errorSummary,
  letterFor,
  postActivation,
  postRequest,
  requestAndActivate,
  requestForm,
} from './helpers.ts';

for (const kind of databaseKinds) {
  describe(`Account request and activation (/aanvragen, /activeren, ${kind})`, () => {
    let server: TestServer;
    let brp: FakeBrp;
    before(async () => {
      brp = await startFakeBrp();
      server = await startTestServer({
        kind,
        overrides: {
          populationRegister: { source: 'brp', brp: { url: brp.url, apiKey: brp.apiKey, timeoutMs: 1000 } },
        },
      });
    });
    after(async () => {
      await server.stop();
      await brp.stop();
    });
    afterEach(() => brp.setMode('ok'));

    const requestsOf = async (bsn: string) => (await server.store.findPendingAccountRequestByBsn(bsn)) ?? undefined;

    it('shows the request form with the register fields, the username rules and the password policy', async () => {
      const page = await browserInOwnNetwork().get(`${server.url}/aanvragen`);
      expect(page.status).to.equal(200);
      for (const field of [
        'bsn',
        'birthDate',
        'postcode',
        'houseNumber',
        'houseNumberSuffix',
        'username',
        'password',
        'passwordRepeat',
      ])
        expect(page.body, field).to.include(`name="${field}"`);
      expect(page.body).to.include('3 tot 64 tekens').and.include('Minimaal 15');
      expect(page.body).to.include('autocomplete="new-password"');
      expect(page.headers.get('cache-control')).to.equal('no-store');
    });

    it('request -> letter with the code to the registered address -> activation -> login with the new account', async () => {
      const person = addPerson(brp, {
        address: {
          street: 'Kade',
          houseNumber: 12,
          houseLetter: 'B',
          houseNumberAddition: '3',
          postcode: '3011AA',
          city: 'Rotterdam',
        },
      });
      const form = requestForm(person);
      expect(form.houseNumberSuffix).to.equal('B-3');
      const browser = browserInOwnNetwork();
      const sent = await postRequest(server, browser, form);
      expect(sent.status, errorSummary(sent)).to.equal(303);
      expect(sent.location).to.match(/\/aanvragen\/verzonden\?tot=\d{4}-\d{2}-\d{2}$/);
      expect(sent.location).to.not.include(person.bsn);
      const sentPage = await browser.follow(sent);
      expect(sentPage.body).to.include('Uw aanvraag is ontvangen').and.not.include('Let op');

      const letter = await letterFor(server, person);
      expect(letter).to.not.equal(undefined);
      expect(letter!.kind).to.equal('activation');
      expect(letter!.addressLines).to.deep.equal(['Kade 12B-3', '3011 AA  ROTTERDAM']);
      expect(letter!.code).to.match(/^[ACEFHJKMNPRTWXY34679]{4}-[ACEFHJKMNPRTWXY34679]{4}-[ACEFHJKMNPRTWXY34679]{4}$/);
      expect(letter!.useAt).to.equal(`${server.url}/activeren`);
      const days = (letter!.expiresAt - letter!.createdAt) / 86_400_000;
      expect(days).to.be.closeTo(20, 0.01);
      // Only the keyed hash is stored: the code is nowhere in the request or code tables.
      const request = await requestsOf(person.bsn);
      const stored = await server.store.findLetterCodeOfRequest(request!.id);
      expect(stored!.codeHash)
        .to.match(/^[0-9a-f]{64}$/)
        .and.not.include(letter!.code.replace(/-/g, ''));

      const activate = await browser.get(`${server.url}/activeren`);
      expect(activate.body).to.include('name="code"');
      // Lower case and spaces instead of dashes: the citizen types what they read.
      const done = await postActivation(server, browser, {
        username: form.username!.toUpperCase(),
        password: form.password!,
        code: letter!.code.toLowerCase().replace(/-/g, ' '),
      });
      expect(done.status, errorSummary(done)).to.equal(303);
      expect(done.location).to.equal(`${server.url}/activeren/gelukt`);
      expect((await browser.follow(done)).body).to.include('Uw account is geactiveerd');

      const citizen = await server.store.findCitizenByUsername(form.username!);
      expect(citizen).to.include({ status: 'active', bsn: person.bsn, phone: null });
      const overview = await loginToAccount(server, browserInOwnNetwork(), form.username!, form.password!);
      expect(overview.body).to.include(form.username!);
      const events = await server.store.listAuditEvents({ citizenId: citizen!.id });
      expect(events.map((event) => event.type)).to.include.members(['account.activation', 'citizen.created']);
    });

    it('answers a mismatch of any one field, and an unknown BSN, with the same words, storing nothing', async () => {
      const person = addPerson(brp);
      const answers: string[] = [];
      const variants: Array<Record<string, string>> = [
        { birthDate: '01-01-1901' },
        { postcode: '9999 ZZ' },
        { houseNumber: String(person.address.houseNumber + 1) },
        { houseNumberSuffix: 'A' },
      ];
      for (const variant of variants) {
        const page = await postRequest(server, browserInOwnNetwork(), requestForm(person, variant));
        expect(page.status, JSON.stringify(variant)).to.equal(400);
        answers.push(errorSummary(page));
      }
      const unknown = { ...person, bsn: '999990093' };
      const unknownPage = await postRequest(server, browserInOwnNetwork(), requestForm(unknown));
      expect(unknownPage.status).to.equal(400);
      answers.push(errorSummary(unknownPage));
      expect(new Set(answers).size, answers.join('\n')).to.equal(1);
      expect(answers[0]).to.include('horen niet bij elkaar volgens de Basisregistratie Personen');
      for (const word of ['geboortedatum is', 'postcode is', 'huisnummer is', 'onbekend'])
        expect(answers[0]).to.not.include(word);
      expect(await requestsOf(person.bsn)).to.equal(undefined);
      expect(await letterFor(server, person)).to.equal(undefined);
      const failures = await server.store.listAuditEvents({ type: 'account.request' });
      expect(failures.filter((event) => event.reason === 'register_mismatch').length).to.be.at.least(5);
    });

    it('shows a clear page and stores nothing when the register is down or does not answer', async () => {
      const person = addPerson(brp);
      for (const mode of ['down', 'hang'] as const) {
        brp.setMode(mode);
        const page = await postRequest(server, browserInOwnNetwork(), requestForm(person));
        expect(page.status, mode).to.equal(503);
        expect(page.body).to.include('Wij kunnen uw aanvraag nu niet controleren. Er is niets opgeslagen.');
        expect(page.body).to.not.include(person.bsn);
        expect(page.headers.get('retry-after')).to.equal('300');
      }
      expect(await requestsOf(person.bsn)).to.equal(undefined);
      expect(await letterFor(server, person)).to.equal(undefined);
      const reasons = (await server.store.listAuditEvents({ type: 'account.request' })).map((event) => event.reason);
      expect(reasons).to.include('register_unavailable');
    });

    it('refuses bad fields each with its own message and keeps what was typed, but never the password', async () => {
      const person = addPerson(brp);
      const page = await postRequest(
        server,
        browserInOwnNetwork(),
        requestForm(person, {
          bsn: '123456789',
          birthDate: '31-02-1980',
          postcode: '12345',
          houseNumber: 'twaalf',
          username: 'x',
          password: 'kort',
          passwordRepeat: 'kort',
        }),
      );
      expect(page.status).to.equal(400);
      const summary = errorSummary(page);
      expect(summary).to.include('Dit is geen geldig burgerservicenummer');
      expect(summary).to.include('Vul de geboortedatum in als dag-maand-jaar');
      expect(summary).to.include('Vul een Nederlandse postcode in');
      expect(summary).to.include('Vul het huisnummer in met alleen cijfers');
      expect(summary).to.include('Een gebruikersnaam heeft 3 tot 64 tekens');
      expect(summary).to.include('Het wachtwoord is te kort: minimaal 15 tekens');
      expect(page.body).to.include('value="twaalf"').and.not.include('value="kort"');
      expect(page.body).to.include('aria-invalid="true"');
    });

    it('refuses a weak password (common, containing the username, not repeated the same)', async () => {
      const person = addPerson(brp);
      const common = await postRequest(
        server,
        browserInOwnNetwork(),
        requestForm(person, { password: 'passwordpassword', passwordRepeat: 'passwordpassword' }),
      );
      expect(common.status).to.equal(400);
      expect(errorSummary(common)).to.include('Dit wachtwoord wordt veel gebruikt');
      const withName = await postRequest(
        server,
        browserInOwnNetwork(),
        requestForm(person, {
          username: 'jansen-maria',
          password: 'jansen-maria-1983-fiets',
          passwordRepeat: 'jansen-maria-1983-fiets',
        }),
      );
      expect(errorSummary(withName)).to.include('mag uw gebruikersnaam niet bevatten');
      const differ = await postRequest(
        server,
        browserInOwnNetwork(),
        requestForm(person, { passwordRepeat: strongPassword() }),
      );
      expect(errorSummary(differ)).to.include('De twee wachtwoorden zijn niet gelijk');
      expect(await requestsOf(person.bsn)).to.equal(undefined);
    });

    it('refuses a username that an account or a waiting request already has', async () => {
      const existing = await addTestCitizen(server);
      const person = addPerson(brp);
      const taken = await postRequest(
        server,
        browserInOwnNetwork(),
        requestForm(person, { username: existing.username.toUpperCase() }),
      );
      expect(taken.status).to.equal(400);
      expect(errorSummary(taken)).to.include('Deze gebruikersnaam is al in gebruik');

      const first = requestForm(addPerson(brp));
      expect((await postRequest(server, browserInOwnNetwork(), first)).status).to.equal(303);
      const waiting = await postRequest(
        server,
        browserInOwnNetwork(),
        requestForm(person, { username: first.username! }),
      );
      expect(errorSummary(waiting)).to.include('Deze gebruikersnaam is al in gebruik');
    });

    it('lets a second request for the same BSN replace the first: only the newest letter works', async () => {
      const person = addPerson(brp);
      const browser = browserInOwnNetwork();
      const first = requestForm(person);
      expect((await postRequest(server, browser, first)).status).to.equal(303);
      const firstLetter = await letterFor(server, person);
      const second = requestForm(person);
      const again = await postRequest(server, browser, second);
      expect(again.status).to.equal(303);
      expect(again.location).to.include('eerder=ja');
      expect((await browser.follow(again)).body).to.include(
        'Die is vervallen: gebruik alleen de code uit de nieuwe brief',
      );
      const secondLetter = await letterFor(server, person);
      expect(secondLetter!.id).to.not.equal(firstLetter!.id);

      const old = await postActivation(server, browser, {
        username: first.username!,
        password: first.password!,
        code: firstLetter!.code,
      });
      expect(old.status).to.equal(400);
      expect(errorSummary(old)).to.include('Er is daarna een nieuwere aanvraag gedaan');
      const done = await postActivation(server, browser, {
        username: second.username!,
        password: second.password!,
        code: secondLetter!.code,
      });
      expect(done.status, errorSummary(done)).to.equal(303);
    });

    it('kills the code after 5 wrong tries: even the right code is refused then', async () => {
      const person = addPerson(brp);
      const form = requestForm(person);
      const browser = browserInOwnNetwork();
      await postRequest(server, browser, form);
      const letter = await letterFor(server, person);
      const wrong = letter!.code.startsWith('A') ? 'CCCC-CCCC-CCCC' : 'AAAA-AAAA-AAAA';
      for (let left = 4; left >= 1; left -= 1) {
        const page = await postActivation(server, browser, {
          username: form.username!,
          password: form.password!,
          code: wrong,
        });
        expect(page.status).to.equal(400);
        expect(errorSummary(page)).to.include(`U kunt het nog ${left} keer proberen`);
      }
      const fifth = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: wrong,
      });
      expect(errorSummary(fifth)).to.include('te vaak verkeerd ingevuld');
      expect(fifth.body).to.include('href="/aanvragen"');
      const right = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: letter!.code,
      });
      expect(errorSummary(right)).to.include('te vaak verkeerd ingevuld');
      expect(await server.store.findCitizenByUsername(form.username!)).to.equal(undefined);
    });

    it('says nothing about the code while the password is wrong, and does not count those tries against the code', async () => {
      const person = addPerson(brp);
      const form = requestForm(person);
      const browser = browserInOwnNetwork();
      await postRequest(server, browser, form);
      const letter = await letterFor(server, person);
      const wrongPassword = await postActivation(server, browser, {
        username: form.username!,
        password: strongPassword(),
        code: letter!.code,
      });
      const unknownUser = await postActivation(server, browser, {
        username: 'niemand-bekend',
        password: strongPassword(),
        code: letter!.code,
      });
      expect(wrongPassword.status).to.equal(400);
      expect(errorSummary(wrongPassword)).to.equal(errorSummary(unknownUser));
      expect(errorSummary(wrongPassword)).to.include('De combinatie van gebruikersnaam en wachtwoord is niet bekend');
      const request = await requestsOf(person.bsn);
      expect((await server.store.findLetterCodeOfRequest(request!.id))!.wrongTries).to.equal(0);
    });

    it('refuses a code used before: the account is activated once', async () => {
      const { form, letter, browser } = await requestAndActivate(server, brp);
      const again = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: letter.code,
      });
      expect(again.status).to.equal(400);
      expect(errorSummary(again)).to.include('Dit account is al geactiveerd');
    });

    it('for a BSN that has an account: says the old one ends at activation, tells the old account, and ends it then', async () => {
      const { person, form: oldForm } = await requestAndActivate(server, brp);
      const oldCitizen = (await server.store.findCitizenByUsername(oldForm.username!))!;
      const phone = `+316${String(Date.now()).slice(-8)}`;
      await server.store.updateCitizenPhone(oldCitizen.id, phone, Date.now());
      const oldSession = browserInOwnNetwork();
      await loginToAccount(server, oldSession, oldForm.username!, oldForm.password!);

      const browser = browserInOwnNetwork();
      const form = requestForm(person);
      const sent = await postRequest(server, browser, form);
      expect(sent.status).to.equal(303);
      expect((await browser.follow(sent)).body).to.include(
        'u hebt al een Poortwachter-account. Dat blijft werken tot u het nieuwe account activeert',
      );
      const [notice] = await server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(notice!.text).to.include('met uw gegevens is een nieuw account aangevraagd');
      // Until activation the old account works.
      expect((await server.store.findCitizenById(oldCitizen.id))!.status).to.equal('active');

      const letter = await letterFor(server, person);
      const done = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: letter!.code,
      });
      expect(done.location).to.include('vervangen=ja');
      expect((await browser.follow(done)).body).to.include('Uw vorige account is gestopt');
      expect((await server.store.findCitizenById(oldCitizen.id))!.status).to.equal('revoked');
      expect((await server.store.findActiveCitizenByBsn(person.bsn))!.username).to.equal(form.username);
      const [ended] = await server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(ended!.text).to.include('uw account is beëindigd');
      const revoked = await server.store.listAuditEvents({ type: 'citizen.revoked', citizenId: oldCitizen.id });
      expect(revoked).to.have.length(1);
      expect(revoked[0]!.reason).to.equal('replaced_by_new_account');
      // The old account's session at Mijn Poortwachter is gone.
      const overview = await oldSession.get(`${server.url}/mijn`);
      expect(overview.status).to.equal(303);
    });

    it('throttles requests per BSN, whatever the client network', async () => {
      const person = addPerson(brp);
      const statuses: number[] = [];
      for (let index = 0; index < 6; index += 1)
        statuses.push(
          (await postRequest(server, browserInOwnNetwork(), requestForm(person, { birthDate: '01-01-1902' }))).status,
        );
      expect(statuses).to.deep.equal([400, 400, 400, 400, 400, 429]);
      const right = await postRequest(server, browserInOwnNetwork(), requestForm(person));
      expect(right.status, 'the right details wait too').to.equal(429);
      expect(errorSummary(right)).to.include('Er zijn te veel aanvragen gedaan');
    });

    it('throttles requests per client network (/24), whatever the BSN', async () => {
      const network = browserInOwnNetwork().headers['x-forwarded-for']!.split('.').slice(0, 3).join('.');
      const statuses: number[] = [];
      for (let index = 0; index < 31; index += 1) {
        const browser = browserInOwnNetwork();
        browser.headers['x-forwarded-for'] = `${network}.${index + 1}`;
        statuses.push(
          (await postRequest(server, browser, requestForm(addPerson(brp), { birthDate: '01-01-1903' }))).status,
        );
      }
      expect(statuses.slice(0, 30).every((status) => status === 400)).to.equal(true);
      expect(statuses[30]).to.equal(429);
    });

    it('keeps BSNs and codes out of the logs', async () => {
      const { person, letter } = await requestAndActivate(server, brp);
      const log = capturedLogLines.join('\n');
      expect(log).to.not.include(person.bsn);
      expect(log).to.not.include(letter.code);
    });
  });
}
