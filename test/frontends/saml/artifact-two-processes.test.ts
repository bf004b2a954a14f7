// Artifacts live in the database, so
// an artifact issued by one process resolves at another, once, for its webdienst only, within its
// lifetime. Process A is a test server with a clock the test moves; process B is `poortwachter serve`
// started from the command line on the same database, with the same public URL and a 10-second
// artifact lifetime (SAML_ARTIFACT_TTL_SECONDS).
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { formAction, TestBrowser } from '../../support/browser.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { startSecondProcess, stopSecondProcess, type SecondProcess } from '../../support/second-process.ts';
import { startTestServer, type TestServer } from '../../support/server.ts';
import { artifactFrom, first, idpCertificate, ns, responseFromArtifactResponse, TestSp } from './test-sp.ts';

const citizen = testCitizens[0];
const status = (name: string) => `urn:oasis:names:tc:SAML:2.0:status:${name}`;
const shortTtlSeconds = 10;

for (const kind of databaseKinds) {
  describe(`SAML artifacts across two processes on one database (${kind})`, function () {
    this.timeout(60_000);
    // Made when the tests start, not when mocha reads the file: A's artifacts must not be born stale at B.
    let clock: FakeClock;
    let processA: TestServer;
    let processB: SecondProcess;
    let certificate: string;
    let sp: TestSp;
    let other: TestSp;

    before(async () => {
      clock = new FakeClock();
      processA = await startTestServer({ kind, clock });
      processB = await startSecondProcess(processA, { SAML_ARTIFACT_TTL_SECONDS: String(shortTtlSeconds) });
      certificate = await idpCertificate(processA);
      sp = await TestSp.register(processA);
      other = await TestSp.register(processA);
    });
    after(async () => {
      await stopSecondProcess(processB?.child);
      await processA?.stop();
    });

    /** The same SP talking to another process: same public URL (Destination), another port. */
    const at = (url: string, target: string) => url.replace(processA.url, target);
    const resolveAt = (resolver: TestSp, artifact: string, target: string) =>
      resolver.resolve(artifact, { at: target });
    const loginAtA = async () => {
      const browser = new TestBrowser();
      const start = await browser.get(
        sp.redirectUrl(sp.authnRequest({ issueInstant: new Date(clock.now()).toISOString() }).xml),
      );
      return artifactFrom(await sp.login(browser, start, citizen.username, citizen.password)).artifact;
    };

    it('resolves at B an artifact issued at A, once: a second resolve at A or B gets no assertion', async () => {
      const artifact = await loginAtA();
      const atB = responseFromArtifactResponse((await resolveAt(sp, artifact, processB.url)).xml, certificate);
      expect(atB.status).to.equal(status('Success'));
      expect(first(first(atB.response!, ns.saml, 'Assertion')!, ns.saml, 'NameID')!.textContent).to.equal(
        `s00000000:${citizen.bsn}`,
      );
      for (const target of [processA.url, processB.url]) {
        const again = responseFromArtifactResponse((await resolveAt(sp, artifact, target)).xml, certificate);
        expect(again).to.deep.include({
          status: status('Requester'),
          subStatus: status('RequestDenied'),
          response: undefined,
        });
      }
    });

    it('refuses at B an artifact of A resolved by another webdienst, which does not use it up for its own', async () => {
      const artifact = await loginAtA();
      const byOther = responseFromArtifactResponse((await resolveAt(other, artifact, processB.url)).xml, certificate);
      expect(byOther).to.deep.include({
        status: status('Requester'),
        subStatus: status('RequestDenied'),
        response: undefined,
      });
      const unsignedAtB = await fetch(`${processB.url}/saml/artifact`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><samlp:ArtifactResolve xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_x1" Version="2.0" IssueInstant="${new Date().toISOString()}"><saml:Issuer>${sp.entityId}</saml:Issuer><samlp:Artifact>${artifact}</samlp:Artifact></samlp:ArtifactResolve></soap:Body></soap:Envelope>`,
      });
      expect(unsignedAtB.status).to.equal(400);
      expect(await unsignedAtB.text()).to.not.include('Assertion');
      const bySp = responseFromArtifactResponse((await resolveAt(sp, artifact, processA.url)).xml, certificate);
      expect(bySp.status).to.equal(status('Success'));
    });

    it('refuses at A an artifact that B issued with a 10-second lifetime, once that has passed (Requester/RequestDenied)', async () => {
      const browser = new TestBrowser();
      const start = await browser.get(at(sp.redirectUrl(sp.authnRequest().xml), processB.url));
      const loginPage = await browser.follow(start);
      expect(loginPage.url.startsWith(processB.url), loginPage.url).to.equal(true);
      // Both processes serve one public URL (behind a load balancer), so that is the Origin a browser sends.
      const submitted = await browser.post(
        formAction(loginPage.body, 'password', loginPage.url),
        { username: citizen.username, password: citizen.password },
        { origin: processA.url },
      );
      const { artifact } = artifactFrom(await browser.get(submitted.location!));
      clock.advance(Math.max(0, Date.now() - clock.now()) + (shortTtlSeconds + 1) * 1000);
      const late = responseFromArtifactResponse((await resolveAt(sp, artifact, processA.url)).xml, certificate);
      expect(late).to.deep.include({
        status: status('Requester'),
        subStatus: status('RequestDenied'),
        response: undefined,
      });
    });
  });
}
