// The queue of mail to organisation contacts and the record of certificate expiry warnings: a dedupe
// key queues once; one process claims a mail, a second cannot; a stale claim is taken again; failures
// are counted up to a limit; a warning is recorded once, whichever process tries.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { NewContactMail, OrganisationRow } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_800_000_000_000;
const minute = 60_000;

for (const kind of databaseKinds) {
  describe(`contact mail store (${kind})`, () => {
    let opened: TestStore;
    let organisation: OrganisationRow;
    const mail = (dedupeKey: string, createdAt = now): NewContactMail => ({
      id: randomUUID(),
      dedupeKey,
      kind: 'maintenance',
      organisationId: organisation.id,
      recipient: 'tech@voorbeeld.nl',
      subject: 'Onderhoud',
      body: 'Beste contactpersoon,',
      createdAt,
    });
    const due = (at: number, maxAttempts = 3) =>
      opened.store.listDueContactMails({ staleBefore: at - 10 * minute, maxAttempts }, 100);
    before(async () => {
      opened = await openTestStore(kind);
      organisation = {
        id: randomUUID(),
        oin: uniqueOin(),
        name: 'Gemeente',
        publicTask: '',
        bsnEntitled: false,
        createdAt: now,
      };
      await opened.store.insertOrganisation(organisation);
    });
    after(() => opened.close());

    it('queues a dedupe key once, also from a second process, and lists due mail oldest first', async () => {
      expect(await opened.store.queueContactMails([mail('m:2', now + 1), mail('m:1')])).to.equal(2);
      expect(await opened.another().queueContactMails([mail('m:1'), mail('m:3', now + 2)])).to.equal(1);
      expect((await due(now)).map((row) => row.dedupeKey)).to.deep.equal(['m:1', 'm:2', 'm:3']);
    });

    it('lets one process claim a mail; the other does not get it, and a sent mail is never due again', async () => {
      const [first] = await due(now);
      const claims = await Promise.all([
        opened.store.claimContactMail(first!.id, now, now - 10 * minute),
        opened.another().claimContactMail(first!.id, now, now - 10 * minute),
      ]);
      expect(claims.filter(Boolean)).to.have.length(1);
      expect((await due(now)).map((row) => row.dedupeKey)).to.deep.equal(['m:2', 'm:3']);
      await opened.store.markContactMailSent(first!.id, now + 1);
      expect((await due(now + 60 * minute)).map((row) => row.dedupeKey)).to.deep.equal(['m:2', 'm:3']);
      expect(await opened.store.claimContactMail(first!.id, now + 60 * minute, now + 50 * minute)).to.equal(false);
    });

    it('takes a claim again once it is stale (its process died), and stops after the attempts limit', async () => {
      const [second] = await due(now);
      expect(await opened.store.claimContactMail(second!.id, now, now - 10 * minute)).to.equal(true);
      expect((await due(now + 5 * minute)).map((row) => row.dedupeKey)).to.deep.equal(['m:3']);
      expect((await due(now + 11 * minute)).map((row) => row.dedupeKey)).to.deep.equal(['m:2', 'm:3']);
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        const at = now + attempt * 11 * minute;
        expect(await opened.store.claimContactMail(second!.id, at, at - 10 * minute)).to.equal(true);
        await opened.store.recordContactMailFailure(second!.id, 'ECONNREFUSED');
      }
      expect((await due(now + 100 * minute)).map((row) => row.dedupeKey)).to.deep.equal(['m:3']);
      const [row] = (await opened.store.listContactMails()).filter((listed) => listed.id === second!.id);
      expect(row).to.deep.include({ attempts: 3, lastError: 'ECONNREFUSED', sentAt: null });
    });

    it('records a certificate expiry warning once, whichever process records it', async () => {
      const webdienstId = randomUUID();
      await opened.store.insertWebdienst({
        id: webdienstId,
        organisationId: organisation.id,
        name: 'Dienst',
        protocol: 'saml',
        clientId: `https://${webdienstId}.example.nl/saml`,
        minimumLevel: 'basis',
        federation: null,
        protocolMetadata: {},
        createdAt: now,
      });
      const warning = { webdienstId, fingerprint: 'AB:CD', thresholdDays: 60, warnedAt: now };
      const recorded = await Promise.all([
        opened.store.insertCertificateExpiryWarning(warning),
        opened.another().insertCertificateExpiryWarning(warning),
      ]);
      expect(recorded.filter(Boolean)).to.have.length(1);
      expect(await opened.store.insertCertificateExpiryWarning({ ...warning, thresholdDays: 30 })).to.equal(true);
      expect(await opened.store.listCertificateExpiryWarnings()).to.have.deep.members([
        warning,
        { ...warning, thresholdDays: 30 },
      ]);
    });
  });
}
