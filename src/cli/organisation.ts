// `poortwachter organisation ...`: the organisations whose webdiensten connect.
import { setOrganisationSuspended, updateOrganisation } from '../admin/organisation-changes.ts';
import {
  addOrganisationContact,
  listOrganisationContacts,
  removeOrganisationContact,
} from '../admin/organisation-contacts.ts';
import { addOrganisation } from '../admin/organisations.ts';
import type { OrganisationContactRow, OrganisationRow } from '../stores/index.ts';
import { adminServices, iso, optional, required, UsageError, type Commands } from './command.ts';

export const organisationUsage = `  organisation add --name NAME --oin OIN [--public-task TEXT] [--bsn-entitled] [--bsn-legal-basis TEXT]
  organisation list
  organisation update --oin OIN [--name NAME] [--public-task TEXT] [--bsn-entitled | --not-bsn-entitled]
        [--bsn-legal-basis TEXT]
  organisation suspend --oin OIN [--reason TEXT]      (none of its webdiensten can log citizens in)
  organisation resume --oin OIN
  organisation contact-add --oin OIN --role technical|security|administrative --name NAME --email EMAIL
  organisation contacts --oin OIN
  organisation contact-remove --oin OIN (--id ID | --email EMAIL [--role ROLE])`;

const shown = (organisation: OrganisationRow) => ({
  oin: organisation.oin,
  name: organisation.name,
  public_task: organisation.publicTask,
  bsn_entitled: organisation.bsnEntitled,
  bsn_legal_basis: organisation.bsnLegalBasis ?? null,
  suspended_at: iso(organisation.suspendedAt ?? null),
});

const shownContact = (contact: OrganisationContactRow) => ({
  id: contact.id,
  role: contact.role,
  name: contact.name,
  email: contact.email,
  added_at: iso(contact.createdAt),
});

export const organisationCommands: Commands = {
  'organisation add': {
    options: {
      name: { type: 'string' },
      oin: { type: 'string' },
      'public-task': { type: 'string' },
      'bsn-entitled': { type: 'boolean' },
      'bsn-legal-basis': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      const deps = adminServices(config, store);
      const organisation = await addOrganisation(deps, {
        name: required(options, 'name'),
        oin: required(options, 'oin'),
        publicTask: options['public-task'] as string | undefined,
        bsnEntitled: options['bsn-entitled'] === true,
      });
      const legalBasis = optional(options, 'bsn-legal-basis');
      if (legalBasis) await updateOrganisation(deps, organisation.oin, { bsnLegalBasis: legalBasis });
      return { oin: organisation.oin, name: organisation.name, bsn_entitled: organisation.bsnEntitled };
    },
  },
  'organisation list': {
    options: {},
    run: async ({ store }) => (await store.listOrganisations()).map(shown),
  },
  'organisation update': {
    options: {
      oin: { type: 'string' },
      name: { type: 'string' },
      'public-task': { type: 'string' },
      'bsn-entitled': { type: 'boolean' },
      'not-bsn-entitled': { type: 'boolean' },
      'bsn-legal-basis': { type: 'string' },
    },
    run: async ({ config, store, options }) => {
      if (options['bsn-entitled'] && options['not-bsn-entitled'])
        throw new UsageError('give --bsn-entitled or --not-bsn-entitled, not both');
      const bsnEntitled = options['bsn-entitled'] ? true : options['not-bsn-entitled'] ? false : undefined;
      return shown(
        await updateOrganisation(adminServices(config, store), required(options, 'oin'), {
          name: optional(options, 'name'),
          publicTask: optional(options, 'public-task'),
          bsnEntitled,
          bsnLegalBasis: optional(options, 'bsn-legal-basis'),
        }),
      );
    },
  },
  'organisation suspend': {
    options: { oin: { type: 'string' }, reason: { type: 'string' } },
    run: async ({ config, store, options }) =>
      shown(
        await setOrganisationSuspended(
          adminServices(config, store),
          required(options, 'oin'),
          true,
          optional(options, 'reason'),
        ),
      ),
  },
  'organisation resume': {
    options: { oin: { type: 'string' } },
    run: async ({ config, store, options }) =>
      shown(await setOrganisationSuspended(adminServices(config, store), required(options, 'oin'), false)),
  },
  'organisation contact-add': {
    options: { oin: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
    run: async ({ config, store, options }) =>
      shownContact(
        await addOrganisationContact(adminServices(config, store), required(options, 'oin'), {
          role: required(options, 'role'),
          name: required(options, 'name'),
          email: required(options, 'email'),
        }),
      ),
  },
  'organisation contacts': {
    options: { oin: { type: 'string' } },
    run: async ({ config, store, options }) =>
      (await listOrganisationContacts(adminServices(config, store), required(options, 'oin'))).map(shownContact),
  },
  'organisation contact-remove': {
    options: { oin: { type: 'string' }, id: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' } },
    run: async ({ config, store, options }) => {
      const id = optional(options, 'id');
      const email = optional(options, 'email');
      if ((id === undefined) === (email === undefined)) throw new UsageError('give --id or --email (not both)');
      const role = optional(options, 'role');
      const removed = await removeOrganisationContact(
        adminServices(config, store),
        required(options, 'oin'),
        id !== undefined ? { id } : { email: email!, ...(role !== undefined ? { role } : {}) },
      );
      return { removed: removed.map(shownContact) };
    },
  },
};
