// The activation code works activationCodeTtlDays days (20 by default); after that the request expires
// and the citizen can request again, with the same username. A fake clock moves the days.
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
} from './helpers.ts';

for (const kind of databaseKinds) {
  describe(`Activation code expiry (${kind})`, () => {
    let server: TestServer;
    let brp: FakeBrp;
    const clock = new FakeClock();
    before(async () => {
      brp = await startFakeBrp();
      server = await startTestServer({
        kind,
        clock,
        overrides: {
          populationRegister: { source: 'brp', brp: { url: brp.url, apiKey: brp.apiKey } },
          accountRequest: { activationCodeTtlDays: 3 },
        },
      });
    });
    after(async () => {
      await server.stop();
      await brp.stop();
    });

    it('refuses the code after its last day, frees the username, and a new request works', async () => {
      const person = addPerson(brp);
      const form = requestForm(person);
      const browser = browserInOwnNetwork();
      expect((await postRequest(server, browser, form)).status).to.equal(303);
      const letter = await letterFor(server, person);
      expect((letter!.expiresAt - letter!.createdAt) / 86_400_000).to.equal(3);

      clock.advanceSeconds(3 * 86_400 + 1);
      const late = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: letter!.code,
      });
      expect(late.status).to.equal(400);
      expect(errorSummary(late)).to.include('De activeringscode is verlopen');
      expect(late.body).to.include('href="/aanvragen"');
      expect(await server.store.findCitizenByUsername(form.username!)).to.equal(undefined);

      const again = requestForm(person, {
        username: form.username!,
        password: form.password!,
        passwordRepeat: form.password!,
      });
      expect((await postRequest(server, browser, again)).status, 'the same username is free again').to.equal(303);
      const fresh = await letterFor(server, person);
      expect(fresh!.id).to.not.equal(letter!.id);
      const done = await postActivation(server, browser, {
        username: form.username!,
        password: form.password!,
        code: fresh!.code,
      });
      expect(done.status, errorSummary(done)).to.equal(303);
    });
  });
}
