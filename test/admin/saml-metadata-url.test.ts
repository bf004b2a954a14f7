// SAML metadata registered by URL (`webdienst add-saml --metadata-url`): the first read must pass every
// check or the registration is refused; the scheduled refresh picks up a key rollover, and refuses
// (keeping the last good metadata, recording and auditing why) a bad signature, a wrapped signature,
// an expired validUntil, another entityID, an oversized or slow answer. Of two processes refreshing at
// once, one fetches. On both databases.
import { expect } from 'chai';
import { addOrganisation } from '../../src/admin/organisations.ts';
import {
  refreshDueSamlMetadata,
  refreshSamlMetadata,
  type MetadataRefreshDeps,
} from '../../src/admin/saml-metadata-refresh.ts';
import { addSamlWebdienst, updateSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { ValidationError } from '../../src/core/errors.ts';
import { samlRegistrationOf } from '../../src/frontends/saml/sp-metadata.ts';
import type { Store } from '../../src/stores/index.ts';
import { FakeClock } from '../support/clock.ts';
import { databaseKinds } from '../support/databases.ts';
import { MetadataServer, metadataId, signMetadata } from '../support/metadata-server.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';
import { bindings, newKey, nextOin, ns } from '../frontends/saml/test-sp.ts';

const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
const spKey = newKey();
const rolledOverKey = newKey();
const federationKey = newKey();
const strangerKey = newKey();

interface MetadataOptions {
  entityId: string;
  spCertificate?: string;
  validUntil: number;
  cacheDuration?: string;
  id?: string;
}

function spMetadata(options: MetadataOptions): string {
  return (
    `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" ID="${options.id ?? metadataId()}" entityID="${options.entityId}" validUntil="${new Date(options.validUntil).toISOString()}"${options.cacheDuration ? ` cacheDuration="${options.cacheDuration}"` : ''}>` +
    `<md:SPSSODescriptor protocolSupportEnumeration="${ns.samlp}" AuthnRequestsSigned="true">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${body(options.spCertificate ?? spKey.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:AssertionConsumerService Binding="${bindings.artifact}" Location="https://dienst.example.nl/saml/artifact" index="0" isDefault="true"/>` +
    `</md:SPSSODescriptor></md:EntityDescriptor>`
  );
}

const hour = 3600_000;

for (const kind of databaseKinds) {
  describe(`SAML metadata by URL, refreshed on a schedule (${kind})`, function () {
    this.timeout(30_000);
    let testStore: TestStore;
    let store: Store;
    let metadataServer: MetadataServer;
    let oin: string;
    const clock = new FakeClock();
    const settings = {
      fetchTimeoutMs: 500,
      allowPrivateNetwork: true,
      minRefreshMs: 60_000,
      maxRefreshMs: 24 * hour,
      retryMs: 30_000,
    };
    const depsOf = (on: Store): MetadataRefreshDeps => ({
      store: on,
      clock,
      audit: createAuditLog(on, clock),
      environment: 'development',
      samlMetadata: settings,
    });
    const serve = (options: Partial<MetadataOptions> & { entityId: string }) => {
      metadataServer.mode = 'serve';
      metadataServer.body = signMetadata(
        spMetadata({ validUntil: clock.now() + 48 * hour, ...options }),
        federationKey,
      );
    };
    const register = async (entityId: string, extra: { cacheDuration?: string; validUntil?: number } = {}) => {
      serve({ entityId, ...extra });
      return addSamlWebdienst(depsOf(store), {
        organisationOin: oin,
        name: 'Vergunningen',
        metadataUrl: metadataServer.url,
        metadataSigningCertificate: federationKey.certificate,
      });
    };
    const signingCertificates = async (id: string) =>
      samlRegistrationOf((await store.findWebdienstById(id))!).signingCertificates;

    before(async () => {
      testStore = await openTestStore(kind);
      store = testStore.store;
      metadataServer = await new MetadataServer().start();
      oin = nextOin();
      await addOrganisation(depsOf(store), { name: 'Gemeente Metadata', oin, bsnEntitled: true });
    });
    after(async () => {
      await metadataServer.stop();
      await testStore.close();
    });

    it('registers a webdienst from signed metadata at a URL, with its validity and the refresh state', async () => {
      const entityId = 'https://vergunningen.example.nl/saml';
      const { webdienst, registration } = await register(entityId, { cacheDuration: 'PT6H' });
      expect(webdienst.clientId).to.equal(entityId);
      expect(registration.signingCertificates).to.deep.equal([body(spKey.certificate)]);
      expect(registration.metadataValidUntil).to.equal(clock.now() + 48 * hour);
      const source = (await store.findSamlMetadataSource(webdienst.id))!;
      expect(source).to.deep.include({
        url: metadataServer.url,
        signingCertificate: body(federationKey.certificate),
        lastSuccessAt: clock.now(),
        lastError: null,
        consecutiveFailures: 0,
        // cacheDuration PT6H, within the bounds.
        nextAttemptAt: clock.now() + 6 * hour,
      });
      const added = (await store.listAuditEvents()).find(
        (event) => event.type === 'admin.webdienst_added' && event.webdienstId === webdienst.id,
      );
      expect(added?.details).to.deep.include({ metadataUrl: metadataServer.url });
    });

    it('keeps the next refresh within the configured bounds, and before validUntil', async () => {
      const short = await register('https://kort.example.nl/saml', { cacheDuration: 'PT1M' });
      expect((await store.findSamlMetadataSource(short.webdienst.id))!.nextAttemptAt).to.equal(
        clock.now() + settings.minRefreshMs,
      );
      const long = await register('https://lang.example.nl/saml', {
        cacheDuration: 'P30D',
        validUntil: clock.now() + 60 * 24 * hour,
      });
      expect((await store.findSamlMetadataSource(long.webdienst.id))!.nextAttemptAt).to.equal(
        clock.now() + settings.maxRefreshMs,
      );
      const soonInvalid = await register('https://bijna.example.nl/saml', { validUntil: clock.now() + 4 * hour });
      expect((await store.findSamlMetadataSource(soonInvalid.webdienst.id))!.nextAttemptAt).to.equal(
        clock.now() + 2 * hour,
      );
    });

    const refusedAtRegistration: Array<[string, () => void, RegExp]> = [
      [
        'signed with another key than the registered metadata signing certificate',
        () => {
          metadataServer.body = signMetadata(
            spMetadata({ entityId: 'https://geweigerd.example.nl/saml', validUntil: clock.now() + hour }),
            strangerKey,
          );
        },
        /signature does not hold \(bad_signature\)/,
      ],
      [
        'unsigned',
        () => {
          metadataServer.body = spMetadata({
            entityId: 'https://geweigerd.example.nl/saml',
            validUntil: clock.now() + hour,
          });
        },
        /signature does not hold \(unsigned\)/,
      ],
      [
        'expired',
        () => serve({ entityId: 'https://geweigerd.example.nl/saml', validUntil: clock.now() - 1000 }),
        /expired/,
      ],
      [
        'without validUntil',
        () => {
          metadataServer.body = signMetadata(
            spMetadata({ entityId: 'https://geweigerd.example.nl/saml', validUntil: clock.now() + hour }).replace(
              / validUntil="[^"]*"/,
              '',
            ),
            federationKey,
          );
        },
        /has no validUntil/,
      ],
      ['answered with HTTP 500', () => (metadataServer.mode = 'status500'), /HTTP 500/],
    ];
    for (const [what, arrange, message] of refusedAtRegistration) {
      it(`refuses the registration when the metadata at the URL is ${what}, storing nothing`, async () => {
        arrange();
        const error = await addSamlWebdienst(depsOf(store), {
          organisationOin: oin,
          name: 'Geweigerd',
          metadataUrl: metadataServer.url,
          metadataSigningCertificate: federationKey.certificate,
        }).catch((caught: unknown) => caught);
        expect(error).to.be.instanceOf(ValidationError);
        expect((error as ValidationError).message).to.match(message);
        expect(await store.findWebdienstByClientId('https://geweigerd.example.nl/saml')).to.equal(undefined);
        metadataServer.mode = 'serve';
      });
    }

    it('refuses an http metadata URL in production, and a URL without its signing certificate', async () => {
      const production = await addSamlWebdienst(
        { ...depsOf(store), environment: 'production' },
        { organisationOin: oin, name: 'Productie', metadataUrl: metadataServer.url },
      ).catch((caught: unknown) => caught);
      expect((production as ValidationError).message).to.match(/must use https/);
      const withoutCertificate = await addSamlWebdienst(depsOf(store), {
        organisationOin: oin,
        name: 'Zonder certificaat',
        metadataUrl: metadataServer.url,
      }).catch((caught: unknown) => caught);
      expect((withoutCertificate as ValidationError).message).to.match(/--metadata-signing-cert FILE is required/);
    });

    it('refuses a metadata signing certificate the certificate policy refuses (production: self-signed)', async () => {
      const error = await addSamlWebdienst(
        { ...depsOf(store), environment: 'production' },
        {
          organisationOin: oin,
          name: 'Productie',
          metadataUrl: 'https://metadata.example.invalid/metadata.xml',
          metadataSigningCertificate: federationKey.certificate,
        },
      ).catch((caught: unknown) => caught);
      expect((error as ValidationError).message).to.match(/certificate refused .*the metadata signing certificate/);
    });

    it('takes a signed EntitiesDescriptor holding this one entity, and refuses one holding two', async () => {
      const entity = (entityId: string) =>
        spMetadata({ entityId, validUntil: clock.now() + hour }).replace(/ ID="[^"]*"/, '');
      const aggregate = (...entities: string[]) =>
        signMetadata(
          `<md:EntitiesDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" ID="${metadataId()}" validUntil="${new Date(clock.now() + 2 * hour).toISOString()}">${entities.join('')}</md:EntitiesDescriptor>`,
          federationKey,
        );
      metadataServer.body = aggregate(entity('https://een.example.nl/saml'));
      const { registration } = await addSamlWebdienst(depsOf(store), {
        organisationOin: oin,
        name: 'Uit een verzameling',
        metadataUrl: metadataServer.url,
        metadataSigningCertificate: federationKey.certificate,
      });
      expect(registration.entityId).to.equal('https://een.example.nl/saml');
      // The earliest validUntil of the aggregate and the entity counts.
      expect(registration.metadataValidUntil).to.equal(clock.now() + hour);

      metadataServer.body = aggregate(entity('https://twee.example.nl/saml'), entity('https://drie.example.nl/saml'));
      const error = await addSamlWebdienst(depsOf(store), {
        organisationOin: oin,
        name: 'Twee in een verzameling',
        metadataUrl: metadataServer.url,
        metadataSigningCertificate: federationKey.certificate,
      }).catch((caught: unknown) => caught);
      expect((error as ValidationError).message).to.match(/holds 2 entities/);
    });

    describe('the refresh', () => {
      const entityId = 'https://rollover.example.nl/saml';
      let webdienstId: string;
      before(async () => {
        webdienstId = (await register(entityId)).webdienst.id;
      });

      it('does nothing before the metadata is due, and fetches it when forced or due', async () => {
        const fetched = metadataServer.requests.length;
        expect(await refreshSamlMetadata(depsOf(store), webdienstId)).to.deep.include({ outcome: 'skipped' });
        expect(metadataServer.requests.length).to.equal(fetched);
        expect(await refreshSamlMetadata(depsOf(store), webdienstId, { force: true })).to.deep.include({
          outcome: 'refreshed',
        });
        expect(metadataServer.requests.length).to.equal(fetched + 1);
      });

      it('picks up a key rollover at the URL: the new key replaces the old, audited', async () => {
        serve({ entityId, spCertificate: rolledOverKey.certificate });
        clock.advance(25 * hour);
        const counts = await refreshDueSamlMetadata(depsOf(store));
        expect(counts.refreshed).to.be.at.least(1);
        expect(await signingCertificates(webdienstId)).to.deep.equal([body(rolledOverKey.certificate)]);
        const refreshed = (await store.listAuditEvents()).filter(
          (event) => event.type === 'admin.saml_metadata_refreshed' && event.webdienstId === webdienstId,
        );
        expect(refreshed.at(-1)?.details).to.deep.include({ url: metadataServer.url, signingCertificates: 1 });
      });

      const wrappedInExtensions = () => {
        // The genuine signed metadata moved into Extensions of a root that names the attacker's key.
        const genuine = signMetadata(spMetadata({ entityId, validUntil: clock.now() + hour }), federationKey);
        return (
          `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" ID="${metadataId()}" entityID="${entityId}" validUntil="${new Date(clock.now() + hour).toISOString()}">` +
          `<md:Extensions>${genuine}</md:Extensions>` +
          spMetadata({ entityId, spCertificate: strangerKey.certificate, validUntil: clock.now() + hour }).replace(
            /^<md:EntityDescriptor[^>]*>|<\/md:EntityDescriptor>$/g,
            '',
          ) +
          `</md:EntityDescriptor>`
        );
      };
      const signatureMovedToRoot = () => {
        // The genuine Signature on a new root, still referring to the genuine element inside it.
        const genuine = signMetadata(spMetadata({ entityId, validUntil: clock.now() + hour }), federationKey);
        const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(genuine)![0];
        return (
          `<md:EntityDescriptor xmlns:md="${ns.md}" xmlns:ds="${ns.ds}" ID="${metadataId()}" entityID="${entityId}" validUntil="${new Date(clock.now() + hour).toISOString()}">` +
          `${signature}<md:Extensions>${genuine.replace(signature, '')}</md:Extensions>` +
          spMetadata({ entityId, spCertificate: strangerKey.certificate, validUntil: clock.now() + hour }).replace(
            /^<md:EntityDescriptor[^>]*>|<\/md:EntityDescriptor>$/g,
            '',
          ) +
          `</md:EntityDescriptor>`
        );
      };
      const refusals: Array<[string, () => void, string, RegExp]> = [
        [
          'a signature by another key',
          () => {
            metadataServer.body = signMetadata(
              spMetadata({ entityId, spCertificate: strangerKey.certificate, validUntil: clock.now() + hour }),
              strangerKey,
            );
          },
          'signature',
          /bad_signature/,
        ],
        [
          'a wrapped signature (the signed element inside Extensions, another root used)',
          () => (metadataServer.body = wrappedInExtensions()),
          'signature',
          /signature_not_on_processed_element/,
        ],
        [
          'a wrapped signature (the Signature on the root, its Reference to an inner element)',
          () => (metadataServer.body = signatureMovedToRoot()),
          'signature',
          /reference_not_to_processed_element/,
        ],
        [
          'an expired validUntil',
          () => serve({ entityId, spCertificate: strangerKey.certificate, validUntil: clock.now() - 1 }),
          'expired',
          /expired/,
        ],
        [
          'another entityID',
          () => serve({ entityId: 'https://iemand-anders.example.nl/saml', spCertificate: strangerKey.certificate }),
          'entity_id_changed',
          /iemand-anders/,
        ],
        [
          'a second signature in the document',
          () => {
            const signed = signMetadata(spMetadata({ entityId, validUntil: clock.now() + hour }), federationKey);
            const signature = /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(signed)![0];
            metadataServer.body = signed.replace('</md:SPSSODescriptor>', `${signature}</md:SPSSODescriptor>`);
          },
          'signature',
          /several_signatures/,
        ],
        ['an oversized answer', () => (metadataServer.mode = 'oversized'), 'too_large', /larger than 64 KiB/],
        ['a slow answer', () => (metadataServer.mode = 'slow'), 'timeout', /within 500 ms/],
        [
          'a redirect to another scheme',
          () => (metadataServer.mode = 'redirect_to_other_scheme'),
          'redirect',
          /from http: to ftp:/,
        ],
      ];
      for (const [what, arrange, reason, message] of refusals) {
        it(`refuses ${what}: the last good metadata stays, the failure is recorded and audited`, async () => {
          const before = (await store.findSamlMetadataSource(webdienstId))!;
          arrange();
          const started = performance.now();
          const result = await refreshSamlMetadata(depsOf(store), webdienstId, { force: true });
          expect(performance.now() - started, 'refused within the fetch time limit').to.be.below(2000);
          metadataServer.mode = 'serve';
          expect(result).to.deep.include({ outcome: 'failed', reason });
          expect(result.message).to.match(message);
          expect(await signingCertificates(webdienstId)).to.deep.equal([body(rolledOverKey.certificate)]);
          const after = (await store.findSamlMetadataSource(webdienstId))!;
          expect(after).to.deep.include({
            lastErrorAt: clock.now(),
            lastSuccessAt: before.lastSuccessAt,
            validUntil: before.validUntil,
            consecutiveFailures: before.consecutiveFailures + 1,
            leaseUntil: null,
          });
          expect(after.lastError).to.match(message);
          expect(after.nextAttemptAt).to.equal(
            clock.now() + Math.min(settings.retryMs * 2 ** before.consecutiveFailures, settings.maxRefreshMs),
          );
          const failed = (await store.listAuditEvents()).filter(
            (event) => event.type === 'admin.saml_metadata_refresh_failed' && event.webdienstId === webdienstId,
          );
          expect(failed.at(-1)).to.deep.include({ outcome: 'failure', reason });
        });
      }

      it('asks with If-None-Match and keeps the metadata when it is not modified', async () => {
        serve({ entityId, spCertificate: rolledOverKey.certificate });
        metadataServer.etag = '"v7"';
        expect(await refreshSamlMetadata(depsOf(store), webdienstId, { force: true })).to.deep.include({
          outcome: 'refreshed',
        });
        expect((await store.findSamlMetadataSource(webdienstId))!).to.deep.include({
          etag: '"v7"',
          consecutiveFailures: 0,
          lastSuccessAt: clock.now(),
        });
        expect(await refreshSamlMetadata(depsOf(store), webdienstId, { force: true })).to.deep.include({
          outcome: 'not_modified',
        });
        expect(metadataServer.requests.at(-1)).to.deep.include({ ifNoneMatch: '"v7"' });
        expect(await signingCertificates(webdienstId)).to.deep.equal([body(rolledOverKey.certificate)]);
        metadataServer.etag = undefined;
      });

      it('stops refreshing when update-saml registers a metadata file instead', async () => {
        const other = await register('https://naar-bestand.example.nl/saml');
        await updateSamlWebdienst(depsOf(store), {
          entityId: 'https://naar-bestand.example.nl/saml',
          metadataXml: spMetadata({ entityId: 'https://naar-bestand.example.nl/saml', validUntil: clock.now() + hour }),
        });
        expect(await store.findSamlMetadataSource(other.webdienst.id)).to.equal(undefined);
      });
    });

    it('two processes refreshing at once fetch the due metadata once', async () => {
      const entityId = 'https://tweemaal.example.nl/saml';
      const { webdienst } = await register(entityId);
      clock.advance(25 * hour);
      serve({ entityId, spCertificate: rolledOverKey.certificate });
      metadataServer.delayMs = 300;
      const fetched = metadataServer.requests.length;
      const second = testStore.another();
      try {
        const results = await Promise.all([
          refreshSamlMetadata(depsOf(store), webdienst.id),
          refreshSamlMetadata(depsOf(second), webdienst.id),
        ]);
        expect(results.map((result) => result.outcome).sort()).to.deep.equal(['refreshed', 'skipped']);
        expect(metadataServer.requests.length - fetched).to.equal(1);
        expect(await signingCertificates(webdienst.id)).to.deep.equal([body(rolledOverKey.certificate)]);
      } finally {
        metadataServer.delayMs = 0;
      }
    });
  });
}
