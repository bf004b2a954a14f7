// An empty username, password or code is a slip, not a failed login: the form comes back with a
// message per empty field, no password is checked, nothing counts towards a throttle, and the
// audit log gets no failure (src/http/missing-fields.ts).
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { formAction } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { browserAt, openLoginPage, uniqueAddress } from '../security/helpers.ts';

describe('Empty fields on the login pages', () => {
  let server: TestServer;
  let rp: RelyingParty;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server, { level: 'midden' });
  });
  after(() => server.stop());

  async function eventsFrom(address: string) {
    return (await server.store.listAuditEvents({ limit: 100_000 })).filter((event) => event.clientAddress === address);
  }

  for (const [what, form, messages] of [
    ['both fields empty', { username: '', password: '' }, ['Vul uw gebruikersnaam in', 'Vul uw wachtwoord in']],
    ['an empty password', { username: testCitizens[1].username, password: '' }, ['Vul uw wachtwoord in']],
    ['a username of spaces only', { username: '   ', password: 'iets' }, ['Vul uw gebruikersnaam in']],
  ] as const) {
    it(`answers a form with ${what} with 400 and a message per field, and checks and records nothing`, async () => {
      const address = uniqueAddress();
      const browser = browserAt(address);
      const { page } = await openLoginPage(rp, browser);
      const before = await eventsFrom(address);
      const answer = await browser.post(formAction(page.body, 'username', page.url), { ...form });
      expect(answer.status).to.equal(400);
      for (const message of messages) expect(answer.body).to.include(message);
      expect(answer.body).to.include('aria-invalid="true"');
      expect(answer.body).to.not.include('De combinatie van gebruikersnaam en wachtwoord');
      expect(await eventsFrom(address)).to.deep.equal(before);
    });
  }

  it('answers an empty code with 400 and "Vul de code van 6 cijfers in", not counted as a wrong code', async () => {
    const citizen = testCitizens[1];
    const browser = browserAt();
    const { page } = await openLoginPage(rp, browser);
    const codePage = await browser.follow(
      await browser.post(formAction(page.body, 'username', page.url), {
        username: citizen.username,
        password: citizen.password,
      }),
    );
    expect(codePage.body).to.include('name="code"');
    const answer = await browser.post(formAction(codePage.body, 'code', codePage.url), { code: '' });
    expect(answer.status).to.equal(400);
    expect(answer.body).to.include('Vul de code van 6 cijfers in');
    const failures = (await server.store.listAuditEvents({ type: 'login.second_factor', limit: 100_000 })).filter(
      (event) => event.outcome === 'failure',
    );
    expect(failures).to.deep.equal([]);
  });
});
