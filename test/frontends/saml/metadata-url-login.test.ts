// A SAML webdienst registered by metadata URL, as the running service sees it: the service's own
// refresh job reads the metadata again when due, a rolled-over key then signs the logins (the old key
// no longer does), a refused read keeps the last good metadata in force and is counted in /metrics,
// and once that metadata's validUntil has passed the webdienst gets Responder/RequestDenied.
import { expect } from 'chai';
import { testCitizens } from '../../../seeds/development.ts';
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createServices } from '../../../src/services.ts';
import { TestBrowser } from '../../support/browser.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { MetadataServer, metadataId, signMetadata } from '../../support/metadata-server.ts';
import { capturedLogLines, startTestServer, type TestServer } from '../../support/server.ts';
import { idpCertificate, newKey, nextOin, resolvedStatusCodes, TestSp } from './test-sp.ts';

const status = (name: string) => `urn:oasis:names:tc:SAML:2.0:status:${name}`;
const citizen = testCitizens[0];
const hour = 3600_000;
const federationKey = newKey();

async function refreshMetric(server: TestServer, outcome: string, reason = ''): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((row) =>
      row.startsWith(`poortwachter_saml_metadata_refreshes_total{outcome="${outcome}",reason="${reason}"}`),
    );
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

for (const kind of databaseKinds) {
  describe(`SAML metadata by URL in the running service: rollover, refusal, expiry (${kind})`, function () {
    this.timeout(30_000);
    const clock = new FakeClock();
    let server: TestServer;
    let metadataServer: MetadataServer;
    let certificate: string;
    let sp: TestSp;
    let rolledOver: TestSp;

    /** The SP's metadata with an ID and validUntil, signed by the federation key (or another). */
    const publish = (from: TestSp, validUntil: number, key = federationKey) => {
      metadataServer.body = signMetadata(
        from
          .metadata()
          .replace(
            '<md:EntityDescriptor ',
            `<md:EntityDescriptor ID="${metadataId()}" validUntil="${new Date(validUntil).toISOString()}" `,
          ),
        key,
      );
    };
    const ask = (from: TestSp) =>
      new TestBrowser().get(
        from.redirectUrl(from.authnRequest({ issueInstant: new Date(clock.now()).toISOString() }).xml),
      );
    const sourceState = async () => {
      const webdienst = (await server.store.findWebdienstByClientId(sp.entityId))!;
      return (await server.store.findSamlMetadataSource(webdienst.id))!;
    };
    /** Moves the clock past the next attempt and waits for the service's refresh job to make it. */
    const nextRefresh = async () => {
      const before = await sourceState();
      clock.advance(before.nextAttemptAt - clock.now() + 1);
      const deadline = Date.now() + 8000;
      for (;;) {
        const state = await sourceState();
        if (state.lastAttemptAt !== before.lastAttemptAt && state.leaseUntil === null) return state;
        if (Date.now() > deadline) throw new Error('the refresh job did not run');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    before(async () => {
      metadataServer = await new MetadataServer().start();
      server = await startTestServer({
        kind,
        clock,
        overrides: { samlMetadata: { refreshCheckSeconds: 1, minRefreshSeconds: 60, retrySeconds: 60 } },
      });
      certificate = await idpCertificate(server);
      sp = new TestSp(server, 'artifact', true);
      rolledOver = new TestSp(server, 'artifact', true);
      rolledOver.entityId = sp.entityId;
      publish(sp, clock.now() + 6 * hour);
      const { adminDeps } = createServices(server.config, server.store, systemClock);
      const oin = nextOin();
      await addOrganisation(adminDeps, { name: `Organisatie ${oin}`, oin, bsnEntitled: true });
      await addSamlWebdienst(
        { ...adminDeps, clock, environment: 'development' },
        {
          organisationOin: oin,
          name: 'Metadata-URL dienst',
          metadataUrl: metadataServer.url,
          metadataSigningCertificate: federationKey.certificate,
        },
      );
    });
    after(async () => {
      await server.stop();
      await metadataServer.stop();
    });

    it('logs in with the key of the metadata at the URL', async () => {
      const browser = new TestBrowser();
      const start = await browser.get(
        sp.redirectUrl(sp.authnRequest({ issueInstant: new Date(clock.now()).toISOString() }).xml),
      );
      const answer = await sp.login(browser, start, citizen.username, citizen.password);
      expect(await resolvedStatusCodes(sp, answer, certificate)).to.deep.equal([status('Success')]);
    });

    it('after the scheduled refresh, the rolled-over key signs the logins and the old key no longer does', async () => {
      publish(rolledOver, clock.now() + 6 * hour);
      const refreshedBefore = await refreshMetric(server, 'refreshed');
      const state = await nextRefresh();
      expect(state.lastError).to.equal(null);
      expect(await refreshMetric(server, 'refreshed')).to.equal(refreshedBefore + 1);

      const browser = new TestBrowser();
      const start = await browser.get(
        rolledOver.redirectUrl(rolledOver.authnRequest({ issueInstant: new Date(clock.now()).toISOString() }).xml),
      );
      const answer = await rolledOver.login(browser, start, citizen.username, citizen.password);
      expect(await resolvedStatusCodes(rolledOver, answer, certificate)).to.deep.equal([status('Success')]);
      expect((await ask(sp)).status, 'a request signed with the old key').to.equal(400);
    });

    it('keeps the last good metadata when a refresh is refused, and counts the failure in /metrics', async () => {
      publish(rolledOver, clock.now() + 6 * hour, newKey());
      const state = await nextRefresh();
      expect(state.lastError).to.match(/signature does not hold/);
      expect(state.consecutiveFailures).to.equal(1);
      expect(await refreshMetric(server, 'failed', 'signature')).to.equal(1);
      const logged = capturedLogLines.filter((line) => line.includes('SAML metadata refresh failed'));
      expect(logged.at(-1)).to.include('"reason":"signature"').and.include(metadataServer.url);
      expect(logged.at(-1), 'no metadata in the log').to.not.include('X509Certificate');
      expect((await ask(rolledOver)).status, 'the last good key still works').to.equal(303);
    });

    it('answers Responder/RequestDenied once the last good metadata has expired', async () => {
      const { validUntil } = await sourceState();
      clock.advance(validUntil! - clock.now() + 1000);
      const answer = await ask(rolledOver);
      expect(await resolvedStatusCodes(rolledOver, answer, certificate)).to.deep.equal([
        status('Responder'),
        status('RequestDenied'),
      ]);
      const refused = (await server.store.listAuditEvents()).filter((event) => event.type === 'saml.login_refused');
      expect(refused.at(-1)).to.deep.include({ reason: 'metadata_expired' });
    });
  });
}
