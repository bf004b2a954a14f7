// The contacts of a connected organisation: the technical contact gets the certificate expiry
// warnings, every contact the notices of maintenance and disruptions. Added, listed and removed by an
// operator (command line or console); every change is audited with the operator.
import { z } from 'zod';
import { ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { ContactRole, OrganisationContactRow, OrganisationRow } from '../stores/index.ts';
import { byOperator, type AdminDeps } from './organisations.ts';

export const contactRoles = ['technical', 'security', 'administrative'] as const satisfies readonly ContactRole[];

// No control characters in a name: it is written into mail text, one line.
const contactSchema = z.object({
  role: z.enum(contactRoles, { error: 'role must be technical, security or administrative' }),
  name: z
    .string()
    .trim()
    .min(2, 'name must be 2 to 200 characters')
    .max(200, 'name must be 2 to 200 characters')
    .regex(/^[^\p{Cc}]*$/u, 'name must not hold control characters'),
  email: z
    .string()
    .trim()
    .max(254, 'e-mail address must be at most 254 characters')
    .pipe(z.email({ error: 'e-mail address is not valid' }))
    .transform((email) => email.toLowerCase()),
});
/** As typed by an operator: checked here. */
export interface NewOrganisationContact {
  role: string;
  name: string;
  email: string;
}

async function organisationOf(deps: AdminDeps, oin: string): Promise<OrganisationRow> {
  if (!/^\d{20}$/.test(oin)) throw new ValidationError('admin.invalid_oin', 'OIN must be exactly 20 digits');
  const organisation = await deps.store.findOrganisationByOin(oin);
  if (!organisation) throw new ValidationError('admin.unknown_organisation', `no organisation with OIN ${oin}`);
  return organisation;
}

function parsed<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const field = issue?.path[0];
  // One code per field, so a form can show the refusal at its field and in its own language.
  const code =
    field === 'role' || field === 'name' || field === 'email'
      ? `admin.invalid_contact_${field}`
      : 'admin.invalid_contact';
  throw new ValidationError(code, issue?.message ?? 'invalid contact');
}

export function parseContactRole(value: string): ContactRole {
  return parsed(contactSchema.shape.role.safeParse(value));
}

export async function addOrganisationContact(
  deps: AdminDeps,
  oin: string,
  input: NewOrganisationContact,
): Promise<OrganisationContactRow> {
  const organisation = await organisationOf(deps, oin);
  const contact = parsed(contactSchema.safeParse(input));
  const row: OrganisationContactRow = {
    id: newId(),
    organisationId: organisation.id,
    ...contact,
    createdAt: deps.clock.now(),
  };
  if (!(await deps.store.insertOrganisationContact(row)))
    throw new ValidationError(
      'admin.contact_exists',
      `${contact.email} is already a ${contact.role} contact of the organisation with OIN ${oin}`,
    );
  await deps.audit.record({
    type: 'admin.organisation_contact_added',
    outcome: 'success',
    details: { oin, contact: row.id, role: row.role, ...byOperator(deps) },
  });
  return row;
}

export async function listOrganisationContacts(deps: AdminDeps, oin: string): Promise<OrganisationContactRow[]> {
  return deps.store.listOrganisationContacts((await organisationOf(deps, oin)).id);
}

/** Removes a contact by id, or by e-mail address (in every role, or in the one given). */
export async function removeOrganisationContact(
  deps: AdminDeps,
  oin: string,
  match: { id: string } | { email: string; role?: string },
): Promise<OrganisationContactRow[]> {
  const organisation = await organisationOf(deps, oin);
  const removed = await deps.store.deleteOrganisationContacts(
    organisation.id,
    'id' in match
      ? { id: match.id }
      : {
          email: match.email.trim().toLowerCase(),
          ...(match.role !== undefined ? { role: parseContactRole(match.role) } : {}),
        },
  );
  if (removed.length === 0)
    throw new ValidationError('admin.unknown_contact', `the organisation with OIN ${oin} has no such contact`);
  for (const contact of removed)
    await deps.audit.record({
      type: 'admin.organisation_contact_removed',
      outcome: 'success',
      details: { oin, contact: contact.id, role: contact.role, ...byOperator(deps) },
    });
  return removed;
}
