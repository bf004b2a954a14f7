// The contacts of organisations: one row per organisation, role and address; listed by role; the
// contacts of suspended organisations left out of the notices to all.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { ContactRole, OrganisationRow } from '../../src/stores/index.ts';
import { databaseKinds } from '../support/databases.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const now = 1_800_000_000_000;

for (const kind of databaseKinds) {
  describe(`organisation contact store (${kind})`, () => {
    let opened: TestStore;
    let gemeente: OrganisationRow;
    let elders: OrganisationRow;
    const organisation = async (name: string): Promise<OrganisationRow> => {
      const row = { id: randomUUID(), oin: uniqueOin(), name, publicTask: '', bsnEntitled: false, createdAt: now };
      await opened.store.insertOrganisation(row);
      return row;
    };
    const contact = (organisationId: string, role: ContactRole, email: string, name = 'Team') => ({
      id: randomUUID(),
      organisationId,
      role,
      name,
      email,
      createdAt: now,
    });
    before(async () => {
      opened = await openTestStore(kind);
      gemeente = await organisation('Gemeente Voorbeeld');
      elders = await organisation('Gemeente Elders');
    });
    after(() => opened.close());

    it('keeps one contact per organisation, role and address, and lists them by role', async () => {
      const technical = contact(gemeente.id, 'technical', 'tech@voorbeeld.nl', 'Team Techniek');
      expect(await opened.store.insertOrganisationContact(technical)).to.equal(true);
      expect(
        await opened.another().insertOrganisationContact(contact(gemeente.id, 'technical', 'tech@voorbeeld.nl')),
      ).to.equal(false);
      expect(
        await opened.store.insertOrganisationContact(contact(gemeente.id, 'security', 'tech@voorbeeld.nl')),
      ).to.equal(true);
      expect(await opened.store.insertOrganisationContact(contact(elders.id, 'technical', 'tech@elders.nl'))).to.equal(
        true,
      );
      const listed = await opened.store.listOrganisationContacts(gemeente.id);
      expect(listed.map((row) => row.role)).to.deep.equal(['security', 'technical']);
      expect(listed[1]).to.deep.equal(technical);
      expect(await opened.store.listOrganisationContacts(gemeente.id, 'technical')).to.deep.equal([technical]);
    });

    it('lists the contacts of every organisation for notices, leaving out suspended organisations', async () => {
      expect((await opened.store.listContactsOfActiveOrganisations()).map((row) => row.email).sort()).to.deep.equal([
        'tech@elders.nl',
        'tech@voorbeeld.nl',
        'tech@voorbeeld.nl',
      ]);
      await opened.store.setOrganisationSuspended(elders.oin, now);
      expect((await opened.store.listContactsOfActiveOrganisations()).map((row) => row.email)).to.deep.equal([
        'tech@voorbeeld.nl',
        'tech@voorbeeld.nl',
      ]);
      await opened.store.setOrganisationSuspended(elders.oin, null);
    });

    it('removes contacts by address and role, by address in every role, or by id', async () => {
      const removed = await opened.store.deleteOrganisationContacts(gemeente.id, {
        email: 'tech@voorbeeld.nl',
        role: 'security',
      });
      expect(removed.map((row) => row.role)).to.deep.equal(['security']);
      expect(await opened.store.deleteOrganisationContacts(elders.id, { email: 'tech@voorbeeld.nl' })).to.deep.equal(
        [],
      );
      const [eldersTechnical] = await opened.store.listOrganisationContacts(elders.id);
      expect(await opened.store.deleteOrganisationContacts(gemeente.id, { id: eldersTechnical!.id })).to.deep.equal([]);
      expect(await opened.store.deleteOrganisationContacts(elders.id, { id: eldersTechnical!.id })).to.have.length(1);
      expect(await opened.store.deleteOrganisationContacts(gemeente.id, { email: 'tech@voorbeeld.nl' })).to.have.length(
        1,
      );
      expect(await opened.store.listContactsOfActiveOrganisations()).to.deep.equal([]);
    });
  });
}
