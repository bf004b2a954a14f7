// The store side of aansluiten after the first registration: an organisation's changes and suspension,
// a webdienst's changes, suspension and removal (gone for lookups, its client_id free again), and the
// connection checklist's observations, on both databases.
import { expect } from 'chai';
import { databaseKinds } from '../support/databases.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_800_000_000_000;

for (const kind of databaseKinds) {
  describe(`registration changes and connection observations in the store (${kind})`, () => {
    let opened: TestStore;
    before(async () => (opened = await openTestStore(kind)));
    after(() => opened.close());

    it('changes, suspends and removes; a removed webdienst is not found and its client_id can be used again', async () => {
      const { store } = opened;
      const oin = uniqueOin();
      await store.insertOrganisation({
        id: `org-${kind}`,
        oin,
        name: 'Org',
        publicTask: '',
        bsnEntitled: false,
        createdAt: now,
      });
      expect(
        await store.updateOrganisation(oin, { name: 'Org 2', bsnEntitled: true, bsnLegalBasis: 'Wet X' }),
      ).to.equal(true);
      expect(await store.setOrganisationSuspended(oin, now)).to.equal(true);
      expect(await store.findOrganisationByOin(oin)).to.deep.include({
        name: 'Org 2',
        bsnEntitled: true,
        bsnLegalBasis: 'Wet X',
        suspendedAt: now,
      });
      const webdienst = {
        id: `wd-${kind}`,
        organisationId: `org-${kind}`,
        name: 'Dienst',
        protocol: 'oidc' as const,
        clientId: `client-${kind}`,
        minimumLevel: 'basis',
        federation: null,
        protocolMetadata: { redirect_uris: ['https://a.example/cb'] },
        createdAt: now,
      };
      await store.insertWebdienst(webdienst);
      expect(
        await store.updateWebdienst(webdienst.id, { name: 'Dienst 2', minimumLevel: 'midden', federation: 'f' }),
      ).to.equal(true);
      expect(await store.setWebdienstSuspended(webdienst.id, now + 1)).to.equal(true);
      const found = (await opened.another().findWebdienstByClientId(webdienst.clientId))!;
      expect(found).to.deep.include({
        name: 'Dienst 2',
        minimumLevel: 'midden',
        federation: 'f',
        suspendedAt: now + 1,
      });
      expect(found.organisation).to.deep.include({ suspendedAt: now, bsnLegalBasis: 'Wet X' });

      await store.insertConnectionObservation({
        webdienstId: webdienst.id,
        at: now,
        item: 'logout',
        ok: true,
        evidence: 'seen',
      });
      await store.insertConnectionObservation({
        webdienstId: webdienst.id,
        at: now + 5,
        item: 'logout',
        ok: false,
        evidence: 'x'.repeat(600),
      });
      const observations = await store.listConnectionObservations(webdienst.id);
      expect(observations.map((row) => [row.item, row.ok, row.at])).to.deep.equal([
        ['logout', true, now],
        ['logout', false, now + 5],
      ]);
      expect(observations[1]!.evidence).to.have.length(500);

      expect(await store.removeWebdienst(webdienst.id, now + 2)).to.equal(true);
      expect(await store.removeWebdienst(webdienst.id, now + 3), 'removed once').to.equal(false);
      expect(await opened.another().findWebdienstByClientId(webdienst.clientId)).to.equal(undefined);
      expect(await store.findWebdienstById(webdienst.id)).to.equal(undefined);
      await store.insertWebdienst({ ...webdienst, id: `wd2-${kind}` });
      expect((await store.findWebdienstByClientId(webdienst.clientId))!.id).to.equal(`wd2-${kind}`);
    });
  });
}
