// Contacts of an organisation added through src/admin (the command line and the console both call
// it): checked input with a message per mistake, duplicates refused, removal by id or address, and
// every change audited with the actor the caller names.
import { expect } from 'chai';
import {
  addOrganisationContact,
  listOrganisationContacts,
  removeOrganisationContact,
} from '../../src/admin/organisation-contacts.ts';
import { addOrganisation, type AdminDeps } from '../../src/admin/organisations.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import { PoortwachterError } from '../../src/core/errors.ts';
import { FakeClock } from '../support/clock.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

async function refused(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await promise.then(
    () => expect.fail('accepted'),
    (error: Error) => {
      expect(error).to.be.instanceOf(PoortwachterError);
      expect((error as PoortwachterError).status).to.equal(400);
      expect(error.message).to.match(message);
    },
  );
}

describe('organisation contacts (src/admin)', () => {
  let opened: TestStore;
  const clock = new FakeClock();
  const oin = uniqueOin();
  const deps = (): AdminDeps => ({
    store: opened.store,
    clock,
    audit: createAuditLog(opened.store, clock),
    operator: 'operator:jansen',
  });
  before(async () => {
    opened = await openTestStore('sqlite');
    await addOrganisation(deps(), { name: 'Gemeente Voorbeeld', oin, bsnEntitled: false });
  });
  after(() => opened.close());

  it('adds a contact with a trimmed name and a lower-case address, audited with the operator', async () => {
    const contact = await addOrganisationContact(deps(), oin, {
      role: 'technical',
      name: '  Team Techniek ',
      email: ' Techniek@Voorbeeld.NL ',
    });
    expect(contact).to.deep.include({ role: 'technical', name: 'Team Techniek', email: 'techniek@voorbeeld.nl' });
    expect(await listOrganisationContacts(deps(), oin)).to.deep.equal([contact]);
    const [event] = await opened.store.listAuditEvents({ type: 'admin.organisation_contact_added' });
    expect(event!.details).to.deep.include({
      oin,
      contact: contact.id,
      role: 'technical',
      operator: 'operator:jansen',
    });
  });

  it('refuses each kind of bad input with a message that names it', async () => {
    const add = (input: { role: string; name: string; email: string }, on = oin) =>
      addOrganisationContact(deps(), on, input);
    await refused(
      add({ role: 'baas', name: 'Team', email: 'a@voorbeeld.nl' }),
      /role must be technical, security or administrative/,
    );
    await refused(add({ role: 'security', name: 'T', email: 'a@voorbeeld.nl' }), /name must be 2 to 200 characters/);
    await refused(add({ role: 'security', name: 'x'.repeat(201), email: 'a@voorbeeld.nl' }), /name must be 2 to 200/);
    await refused(add({ role: 'security', name: 'Team\nBcc: x', email: 'a@voorbeeld.nl' }), /control characters/);
    await refused(add({ role: 'security', name: 'Team', email: 'geen-adres' }), /e-mail address is not valid/);
    await refused(
      add({ role: 'security', name: 'Team', email: 'a@b.nl\r\nBcc: x@y.nl' }),
      /e-mail address is not valid/,
    );
    await refused(add({ role: 'security', name: 'Team', email: `${'a'.repeat(250)}@b.nl` }), /at most 254/);
    await refused(
      add({ role: 'technical', name: 'Team', email: 'TECHNIEK@voorbeeld.nl' }),
      /already a technical contact/,
    );
    await refused(
      add({ role: 'technical', name: 'Team', email: 'a@voorbeeld.nl' }, '123'),
      /OIN must be exactly 20 digits/,
    );
    await refused(
      add({ role: 'technical', name: 'Team', email: 'a@voorbeeld.nl' }, '00000001999999999000'),
      /no organisation with OIN/,
    );
    expect(await listOrganisationContacts(deps(), oin)).to.have.length(1);
  });

  it('removes a contact by id, or by address in one role or every role, each removal audited', async () => {
    const security = await addOrganisationContact(deps(), oin, {
      role: 'security',
      name: 'CISO',
      email: 'ciso@voorbeeld.nl',
    });
    await addOrganisationContact(deps(), oin, { role: 'administrative', name: 'CISO', email: 'ciso@voorbeeld.nl' });
    await addOrganisationContact(deps(), oin, { role: 'technical', name: 'CISO', email: 'ciso@voorbeeld.nl' });
    expect(await removeOrganisationContact(deps(), oin, { id: security.id })).to.deep.equal([security]);
    const oneRole = await removeOrganisationContact(deps(), oin, { email: 'CISO@voorbeeld.nl', role: 'technical' });
    expect(oneRole.map((contact) => contact.role)).to.deep.equal(['technical']);
    await refused(removeOrganisationContact(deps(), oin, { email: 'ciso@voorbeeld.nl', role: 'baas' }), /role must be/);
    const rest = await removeOrganisationContact(deps(), oin, { email: 'ciso@voorbeeld.nl' });
    expect(rest.map((contact) => contact.role)).to.deep.equal(['administrative']);
    await refused(removeOrganisationContact(deps(), oin, { id: security.id }), /has no such contact/);
    expect(await opened.store.listAuditEvents({ type: 'admin.organisation_contact_removed' })).to.have.length(3);
  });
});
