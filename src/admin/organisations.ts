// Aansluiten, step one: an organisation with an OIN, its public task, and whether the law lets it
// process the BSN.
import type { AuditLog } from '../core/audit.ts';
import type { Clock } from '../core/clock.ts';
import { ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import type { OrganisationRow, Store } from '../stores/index.ts';

export interface NewOrganisation {
  name: string;
  oin: string;
  publicTask?: string;
  bsnEntitled: boolean;
  /** An organisation of the development seed: a production start refuses a database holding one. */
  testData?: boolean;
}

export interface AdminDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  /** Who made the change (a console operator's name, or `cli:<user>`), recorded with every audit event. */
  operator?: string;
}

/** The operator's name for an audit event's details, when known. */
export const byOperator = (deps: Pick<AdminDeps, 'operator'>): { operator?: string } =>
  deps.operator ? { operator: deps.operator } : {};

export async function addOrganisation(deps: AdminDeps, input: NewOrganisation): Promise<OrganisationRow> {
  const name = input.name.trim();
  if (name.length < 2 || name.length > 200)
    throw new ValidationError('admin.invalid_name', 'organisation name must be 2 to 200 characters');
  if (!/^\d{20}$/.test(input.oin)) throw new ValidationError('admin.invalid_oin', 'OIN must be exactly 20 digits');
  if (await deps.store.findOrganisationByOin(input.oin))
    throw new ValidationError('admin.oin_taken', `an organisation with OIN ${input.oin} already exists`);
  const organisation: OrganisationRow = {
    id: newId(),
    oin: input.oin,
    name,
    publicTask: (input.publicTask ?? '').trim().slice(0, 500),
    bsnEntitled: input.bsnEntitled,
    createdAt: deps.clock.now(),
  };
  await deps.store.insertOrganisation(organisation, { testData: input.testData === true });
  await deps.audit.record({
    type: 'admin.organisation_added',
    outcome: 'success',
    details: {
      oin: organisation.oin,
      bsnEntitled: organisation.bsnEntitled,
      ...(input.testData ? { testData: true } : {}),
      ...byOperator(deps),
    },
  });
  return organisation;
}
