// Every status code, each produced by a real flow and read
// from the resolved answer. An error is still delivered as an artifact: the webdienst resolves it with
// a signed ArtifactResolve like a success.
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { levels } from '../../../src/core/levels.ts';
import { openDatabase } from '../../../src/stores/database.ts';
import { formAction, formActionEndingWith, TestBrowser } from '../../support/browser.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { addTestCitizen } from '../../security/helpers.ts';
import {
  artifactFrom,
  first,
  idpCertificate,
  ns,
  resolvedStatusCodes,
  responseFromArtifactResponse,
  statusCodesOf,
  TestSp,
} from './test-sp.ts';

const status = (name: string) => `urn:oasis:names:tc:SAML:2.0:status:${name}`;
const citizen = testCitizens[0];

for (const kind of databaseKinds) {
  describe(`SAML status codes, read from the resolved answer (${kind})`, () => {
    let server: TestServer;
    let certificate: string;
    let sp: TestSp;
    // Made when the tests start, not when mocha reads the file, so it starts at the real time.
    let clock: FakeClock;
    before(async () => {
      clock = new FakeClock();
      server = await startTestServer({ kind, clock });
      certificate = await idpCertificate(server);
      sp = await TestSp.register(server);
    });
    after(() => server.stop());

    const issueInstant = () => new Date(clock.now()).toISOString();
    const startAt = (browser: TestBrowser, options: Parameters<TestSp['authnRequest']>[0] = {}) =>
      browser.get(sp.redirectUrl(sp.authnRequest({ issueInstant: issueInstant(), ...options }).xml));

    it('Success: a login', async () => {
      const browser = new TestBrowser();
      const answer = await sp.login(browser, await startAt(browser), citizen.username, citizen.password);
      expect(await resolvedStatusCodes(sp, answer, certificate)).to.deep.equal([status('Success')]);
    });

    it('Responder/AuthnFailed ("Authentication cancelled"): the citizen cancels', async () => {
      const browser = new TestBrowser();
      const loginPage = await browser.follow(await startAt(browser));
      const cancelled = await browser.post(formActionEndingWith(loginPage.body, '/annuleren', loginPage.url), {});
      const result = responseFromArtifactResponse(
        (await sp.resolve(artifactFrom(await browser.get(cancelled.location!)).artifact)).xml,
        certificate,
      );
      expect(statusCodesOf(result.response!)).to.deep.equal([status('Responder'), status('AuthnFailed')]);
      expect(first(result.response!, ns.samlp, 'StatusMessage')!.textContent).to.equal('Authentication cancelled');
      expect(first(result.response!, ns.saml, 'Assertion')).to.equal(undefined);
    });

    it('Responder/NoAuthnContext: a level we cannot deliver (Substantieel), without a login', async () => {
      const answer = await startAt(new TestBrowser(), {
        authnContext: { refs: [levels.substantieel.uri], comparison: 'exact' },
      });
      expect(await resolvedStatusCodes(sp, answer, certificate)).to.deep.equal([
        status('Responder'),
        status('NoAuthnContext'),
      ]);
    });

    it('Responder/RequestDenied: the login failed because the account was suspended before the answer', async () => {
      const suspended = await addTestCitizen(server);
      const browser = new TestBrowser();
      const loginPage = await browser.follow(await startAt(browser));
      const afterPassword = await browser.post(formAction(loginPage.body, 'password', loginPage.url), {
        username: suspended.username,
        password: suspended.password,
      });
      expect(new URL(afterPassword.location!).pathname).to.match(/^\/saml\/resume\//);
      const db = openDatabase(server.database.url);
      try {
        await db('citizens').where({ id: suspended.row.id }).update({ status: 'suspended' });
      } finally {
        await db.destroy();
      }
      const answer = await browser.get(afterPassword.location!);
      expect(await resolvedStatusCodes(sp, answer, certificate)).to.deep.equal([
        status('Responder'),
        status('RequestDenied'),
      ]);
    });

    it('Requester/NoSupportedIDP: an invalid request (IssueInstant too old) from a known webdienst, without a login', async () => {
      const answer = await startAt(new TestBrowser(), {
        issueInstant: new Date(clock.now() - 10 * 60_000).toISOString(),
      });
      expect(await resolvedStatusCodes(sp, answer, certificate)).to.deep.equal([
        status('Requester'),
        status('NoSupportedIDP'),
      ]);
    });

    it('Requester/RequestDenied: an artifact resolved after its lifetime gets no Response', async () => {
      const browser = new TestBrowser();
      const { artifact } = artifactFrom(
        await sp.login(browser, await startAt(browser), citizen.username, citizen.password),
      );
      clock.advanceSeconds(server.config.saml.artifactTtlSeconds + 1);
      const late = responseFromArtifactResponse((await sp.resolve(artifact)).xml, certificate);
      expect(late).to.deep.include({
        status: status('Requester'),
        subStatus: status('RequestDenied'),
        response: undefined,
      });
    });
  });
}
