// Guesses in the account life cycle are bounded also when sent in parallel, as on the login page:
// each guess takes its throttle slot, or its letter code's try, before the
// password hash or the code is checked, so requests in flight cannot exceed the limit.
import { expect } from 'chai';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { startFakeBrp, type FakeBrp } from '../support/fake-brp.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  addPerson,
  browserInOwnNetwork,
  errorSummary,
  letterFor,
  postActivation,
  postRequest,
  requestForm,
} from '../pages/helpers.ts';
import { addCitizenWithPhone, loginToAccount } from '../account/helpers.ts';
import { browserAt, strongPassword } from './helpers.ts';

const parallel = 24;
const freeFailures = 8;
/** Fewer than the free failures, so the password slots of these right-password requests never refuse one. */
const parallelCodes = 6;

for (const kind of databaseKinds) {
  describe(`parallel guesses in the account life cycle (${kind})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let brp: FakeBrp;
    before(async () => {
      brp = await startFakeBrp();
      server = await startTestServer({
        kind,
        clock: new FakeClock(),
        overrides: {
          populationRegister: { source: 'brp', brp: { url: brp.url, apiKey: brp.apiKey } },
          throttle: { account: { freeFailures } },
        },
      });
    });
    after(async () => {
      await server.stop();
      await brp.stop();
    });

    async function requested() {
      const person = addPerson(brp);
      const form = requestForm(person);
      const browser = browserInOwnNetwork();
      const sent = await postRequest(server, browser, form);
      expect(sent.status, errorSummary(sent)).to.equal(303);
      return { form, browser, letter: (await letterFor(server, person))! };
    }

    const activationEvents = async (reason: string) =>
      (await server.store.listAuditEvents({ type: 'account.activation' })).filter((event) => event.reason === reason);

    it(`checks no more of ${parallel} parallel wrong activation passwords than the request's limit allows`, async () => {
      const { form, browser, letter } = await requested();
      const before = (await activationEvents('wrong_password')).length;
      const answers = await Promise.all(
        Array.from({ length: parallel }, (_, index) =>
          postActivation(server, browser, {
            username: form.username!,
            password: `parallel-fout-${index}-${strongPassword()}`,
            code: letter.code,
          }),
        ),
      );
      const checked = (await activationEvents('wrong_password')).length - before;
      expect(checked, 'password hashes checked').to.be.at.most(freeFailures + 1);
      expect(answers.filter((answer) => answer.status === 400)).to.have.length(checked);
      expect(answers.filter((answer) => answer.status === 429)).to.have.length(parallel - checked);
    });

    it(`compares no more of ${parallelCodes} parallel wrong letter codes than the code's tries, and the code dies`, async () => {
      const { form, browser, letter } = await requested();
      const maxTries = server.config.accountRequest.maxWrongCodeTries;
      const wrong = letter.code.startsWith('A') ? 'CCCC-CCCC-CCCC' : 'AAAA-AAAA-AAAA';
      const answers = await Promise.all(
        Array.from({ length: parallelCodes }, () =>
          postActivation(server, browser, { username: form.username!, password: form.password!, code: wrong }),
        ),
      );
      const saidWrong = answers.filter((answer) => errorSummary(answer).includes('U kunt het nog'));
      expect(saidWrong.length, 'answered "wrong code, try again"').to.equal(maxTries - 1);
      const request = (await server.store.findLatestAccountRequestByUsername(form.username!))!;
      expect((await server.store.findLetterCodeOfRequest(request.id))!.wrongTries).to.equal(maxTries);
      const right = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: letter.code,
      });
      expect(errorSummary(right)).to.include('te vaak verkeerd ingevuld');
      expect(await server.store.findCitizenByUsername(form.username!)).to.equal(undefined);
    });

    it('gives the right letter code its try back: wrong tries before it still count, the right one does not', async () => {
      const { form, browser, letter } = await requested();
      const wrong = letter.code.startsWith('A') ? 'CCCC-CCCC-CCCC' : 'AAAA-AAAA-AAAA';
      await postActivation(server, browser, { username: form.username!, password: form.password!, code: wrong });
      const done = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: letter.code,
      });
      expect(done.status, errorSummary(done)).to.equal(303);
      const request = (await server.store.findLatestAccountRequestByUsername(form.username!))!;
      const code = (await server.store.findLetterCodeOfRequest(request.id))!;
      expect(code.wrongTries).to.equal(1);
      expect(code.usedAt).to.not.equal(null);
    });

    it(`checks no more of ${parallel} parallel wrong current passwords at /mijn/wachtwoord than the limit allows`, async () => {
      const citizen = await addCitizenWithPhone(server);
      const browser = browserAt();
      await loginToAccount(server, browser, citizen.username, citizen.password);
      const newPassword = strongPassword();
      const answers = await Promise.all(
        Array.from({ length: parallel }, () =>
          browser.post(`${server.url}/mijn/wachtwoord`, {
            currentPassword: strongPassword(),
            password: newPassword,
            passwordRepeat: newPassword,
          }),
        ),
      );
      const checked = (
        await server.store.listAuditEvents({ type: 'citizen.password_change', citizenId: citizen.row.id })
      ).filter((event) => event.reason === 'wrong_current_password').length;
      expect(checked, 'password hashes checked').to.be.at.most(freeFailures + 1);
      expect(answers.filter((answer) => answer.status === 400)).to.have.length(checked);
      expect(answers.filter((answer) => answer.status === 429)).to.have.length(parallel - checked);

      // Past the limit the right current password waits too: no guess is checked during the delay.
      const later = browserAt();
      await loginToAccount(server, later, citizen.username, citizen.password);
      const throttled = await later.post(`${server.url}/mijn/wachtwoord`, {
        currentPassword: citizen.password,
        password: newPassword,
        passwordRepeat: newPassword,
      });
      expect(throttled.status, 'still waiting out the delay').to.equal(429);
      expect(throttled.headers.get('retry-after')).to.match(/^\d+$/);
    });
  });
}
