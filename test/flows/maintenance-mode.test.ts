// Maintenance mode end to end: while it is on, citizens get a clear Dutch or English page
// (503, Retry-After) on the login pages and Mijn Poortwachter; webdiensten get their protocol's
// answer: OIDC error=temporarily_unavailable at the registered redirect_uri (OIDC Core 3.1.2.6) only
// after the client and redirect_uri checked out, the token endpoint 503 temporarily_unavailable, SAML
// a Responder status with a StatusMessage; /readyz says "maintenance" while /healthz stays 200. When
// it is off again, logins work as before.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { switchMaintenanceOff, switchMaintenanceOn } from '../../src/admin/maintenance.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { systemClock } from '../../src/core/clock.ts';
import { TestBrowser } from '../support/browser.ts';
import { databaseKinds } from '../support/databases.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  first,
  idpCertificate,
  ns,
  resolvedStatusCodes,
  responseFromArtifactResponse,
  artifactFrom,
  TestSp,
} from '../frontends/saml/test-sp.ts';

const citizen = testCitizens[0];
const hour = 3_600_000;

for (const kind of databaseKinds) {
  describe(`maintenance mode (${kind})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let rp: RelyingParty;
    const admin = () => ({ store: server.store, clock: systemClock, audit: createAuditLog(server.store, systemClock) });
    const until = Date.now() + 2 * hour;

    before(async () => {
      // Every request reads the switch, so a test sees it at once (the default keeps it 5 seconds).
      server = await startTestServer({ kind, overrides: { maintenance: { refreshSeconds: 0 } } });
      rp = await RelyingParty.register(server);
    });
    after(() => server.stop());

    describe('while on', () => {
      /** A login page opened before maintenance started, and a code issued then. */
      let loginPageUrl: string;
      let pending: { code: string; verifier: string };
      /** A browser that logged in before: it has a session at the provider and an SSO session. */
      let loggedIn: TestBrowser;

      before(async () => {
        loginPageUrl = (await rp.start(new TestBrowser())).page.url;
        loggedIn = new TestBrowser();
        const started = await rp.start(loggedIn);
        const returned = await rp.submitPassword(loggedIn, started.page, citizen.username, citizen.password);
        pending = { code: new URL(returned.location!).searchParams.get('code')!, verifier: started.request.verifier };
        await switchMaintenanceOn(admin(), {
          messageNl: 'Wij vervangen de database.',
          messageEn: 'We are replacing the database.',
          until,
        });
      });

      it('shows citizens on a login page the maintenance page in Dutch, 503 with Retry-After until the expected end', async () => {
        const page = await new TestBrowser().get(loginPageUrl);
        expect(page.status).to.equal(503);
        const retryAfter = Number(page.headers.get('retry-after'));
        const secondsLeft = Math.ceil((until - Date.now()) / 1000);
        expect(retryAfter, 'the seconds until the expected end').to.be.within(secondsLeft - 5, secondsLeft + 1);
        expect(page.headers.get('cache-control')).to.equal('no-store');
        expect(page.body)
          .to.include('Inloggen is tijdelijk niet mogelijk')
          .and.include('Wij vervangen de database.')
          .and.include('href="/status"');
        expect(page.body).to.not.include('name="password"');
      });

      it('shows the maintenance page in English to a citizen who chose English, on Mijn Poortwachter too', async () => {
        const page = await new TestBrowser({ 'accept-language': 'en' }).get(`${server.url}/mijn`);
        expect(page.status).to.equal(503);
        expect(page.body)
          .to.include('Logging in is temporarily not possible')
          .and.include('We are replacing the database.')
          .and.include('We expect you can log in again from');
        expect(page.headers.get('retry-after')).to.match(/^\d+$/);
      });

      it('redirects an authorization request to the registered redirect_uri with error=temporarily_unavailable, state and iss', async () => {
        const request = await rp.authorizationRequest();
        const answer = await new TestBrowser().get(request.url);
        expect(answer.status).to.equal(303);
        const location = new URL(answer.location!);
        expect(`${location.origin}${location.pathname}`).to.equal(rp.redirectUri);
        expect(location.searchParams.get('error')).to.equal('temporarily_unavailable');
        expect(location.searchParams.get('state')).to.equal(request.state);
        expect(location.searchParams.get('iss')).to.equal(server.url);
      });

      it('answers a browser that has a session the same way, with and without prompt=none: no session is reused', async () => {
        for (const params of [{}, { prompt: 'none' }] as Array<Record<string, string>>) {
          const answer = await loggedIn.get((await rp.authorizationRequest(params)).url);
          expect(answer.status).to.equal(303);
          expect(new URL(answer.location!).searchParams.get('error')).to.equal('temporarily_unavailable');
        }
      });

      it('never redirects for an unknown client or an unregistered redirect_uri: the error page, as always', async () => {
        const good = new URL((await rp.authorizationRequest()).url);
        for (const [name, value] of [
          ['client_id', 'onbekend'],
          ['redirect_uri', 'https://evil.example/callback'],
        ] as const) {
          const url = new URL(good);
          url.searchParams.set(name, value);
          const answer = await new TestBrowser().get(url.href);
          expect(answer.status, name).to.equal(400);
          expect(answer.location, name).to.equal(undefined);
          expect(answer.body, name).to.not.include('temporarily_unavailable');
        }
      });

      it('answers the token endpoint 503 temporarily_unavailable in JSON, with Retry-After', async () => {
        const response = await fetch(`${server.url}/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(rp.clientId)}:${encodeURIComponent(rp.clientSecret)}`).toString('base64')}`,
          },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: pending.code,
            redirect_uri: rp.redirectUri,
            code_verifier: pending.verifier,
          }),
        });
        expect(response.status).to.equal(503);
        expect(response.headers.get('retry-after')).to.match(/^\d+$/);
        expect(await response.json()).to.deep.include({ error: 'temporarily_unavailable' });
      });

      it('answers a signed SAML AuthnRequest with a Responder status and a StatusMessage, by artifact as usual', async () => {
        const sp = await TestSp.register(server);
        const answer = await new TestBrowser().get(
          sp.redirectUrl(sp.authnRequest().xml, { relayState: 'terug-naar-3' }),
        );
        expect(answer.status).to.equal(303);
        expect(artifactFrom(answer).relayState).to.equal('terug-naar-3');
        const result = responseFromArtifactResponse(
          (await sp.resolve(artifactFrom(answer).artifact)).xml,
          await idpCertificate(server),
        );
        expect(result.status).to.equal('urn:oasis:names:tc:SAML:2.0:status:Success');
        const codes = first(result.response!, ns.samlp, 'Status')!;
        expect(first(codes, ns.samlp, 'StatusCode')!.getAttribute('Value')).to.equal(
          'urn:oasis:names:tc:SAML:2.0:status:Responder',
        );
        expect(first(codes, ns.samlp, 'StatusMessage')!.textContent).to.match(/maintenance/);
        expect(first(result.response!, ns.saml, 'Assertion')).to.equal(undefined);
      });

      it('says "maintenance" on /readyz (503, with the expected end) while /healthz stays 200', async () => {
        const ready = await fetch(`${server.url}/readyz`);
        expect(ready.status).to.equal(503);
        const body = (await ready.json()) as { status: string; until: string; checks: Record<string, { ok: boolean }> };
        expect(body.status).to.equal('maintenance');
        expect(body.until).to.equal(new Date(until).toISOString());
        expect(Object.values(body.checks).every((check) => check.ok)).to.equal(true);
        expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
      });

      it('shows the maintenance as a current disruption on the public status page', async () => {
        const page = await new TestBrowser().get(`${server.url}/status`);
        expect(page.status).to.equal(200);
        expect(page.body)
          .to.include('Onderhoud: inloggen is nu niet mogelijk')
          .and.include('Wij vervangen de database.');
      });
    });

    describe('after it is switched off', () => {
      before(async () => {
        await switchMaintenanceOff(admin());
      });

      it('serves OIDC logins, SAML logins and /readyz as before', async () => {
        const { tokens } = await rp.login(new TestBrowser(), citizen.username, citizen.password);
        expect(tokens.claims()!.bsn).to.equal(citizen.bsn);
        const sp = await TestSp.register(server);
        const browser = new TestBrowser();
        const start = await browser.get(sp.redirectUrl(sp.authnRequest().xml));
        const codes = await resolvedStatusCodes(
          sp,
          await sp.login(browser, start, citizen.username, citizen.password),
          await idpCertificate(server),
        );
        expect(codes[0]).to.equal('urn:oasis:names:tc:SAML:2.0:status:Success');
        expect((await fetch(`${server.url}/readyz`)).status).to.equal(200);
      });
    });
  });
}
