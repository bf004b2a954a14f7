// Aansluiten after the first registration: an organisation's name, public task and BSN entitlement
// (with the law that grants it) change; an organisation is suspended (none of its webdiensten can log
// citizens in) and resumed. Every change is audited with the operator.
import { ValidationError } from '../core/errors.ts';
import type { OrganisationRow } from '../stores/index.ts';
import { byOperator, type AdminDeps } from './organisations.ts';

export interface OrganisationUpdate {
  name?: string;
  publicTask?: string;
  bsnEntitled?: boolean;
  bsnLegalBasis?: string;
}

async function existing(deps: AdminDeps, oin: string): Promise<OrganisationRow> {
  if (!/^\d{20}$/.test(oin)) throw new ValidationError('admin.invalid_oin', 'OIN must be exactly 20 digits');
  const organisation = await deps.store.findOrganisationByOin(oin);
  if (!organisation) throw new ValidationError('admin.unknown_organisation', `no organisation with OIN ${oin}`);
  return organisation;
}

export async function updateOrganisation(
  deps: AdminDeps,
  oin: string,
  input: OrganisationUpdate,
): Promise<OrganisationRow> {
  const before = await existing(deps, oin);
  const name = input.name?.trim();
  if (name !== undefined && (name.length < 2 || name.length > 200))
    throw new ValidationError('admin.invalid_name', 'organisation name must be 2 to 200 characters');
  const bsnLegalBasis = input.bsnLegalBasis?.trim();
  if (bsnLegalBasis !== undefined && bsnLegalBasis.length > 500)
    throw new ValidationError('admin.invalid_legal_basis', 'the legal basis must be at most 500 characters');
  const changes = {
    ...(name !== undefined ? { name } : {}),
    ...(input.publicTask !== undefined ? { publicTask: input.publicTask.trim().slice(0, 500) } : {}),
    ...(input.bsnEntitled !== undefined ? { bsnEntitled: input.bsnEntitled } : {}),
    ...(bsnLegalBasis !== undefined ? { bsnLegalBasis: bsnLegalBasis || null } : {}),
  };
  if (Object.keys(changes).length === 0)
    throw new ValidationError('admin.nothing_to_change', 'nothing to change: give at least one new value');
  await deps.store.updateOrganisation(oin, changes);
  deps.store.forgetCachedWebdiensten();
  const after = (await deps.store.findOrganisationByOin(oin))!;
  await deps.audit.record({
    type: 'admin.organisation_changed',
    outcome: 'success',
    details: {
      oin,
      changed: Object.keys(changes).join(','),
      bsnEntitled: after.bsnEntitled,
      ...(changes.bsnEntitled !== undefined && changes.bsnEntitled !== before.bsnEntitled
        ? { bsnEntitlementChanged: true }
        : {}),
      ...byOperator(deps),
    },
  });
  return after;
}

/** Suspends (`suspended` true) or resumes an organisation; doing what is already so changes nothing. */
export async function setOrganisationSuspended(
  deps: AdminDeps,
  oin: string,
  suspended: boolean,
  reason?: string,
): Promise<OrganisationRow> {
  const before = await existing(deps, oin);
  if (Boolean(before.suspendedAt) === suspended) return before;
  await deps.store.setOrganisationSuspended(oin, suspended ? deps.clock.now() : null);
  deps.store.forgetCachedWebdiensten();
  await deps.audit.record({
    type: suspended ? 'admin.organisation_suspended' : 'admin.organisation_resumed',
    outcome: 'success',
    ...(reason ? { reason: reason.slice(0, 200) } : {}),
    details: { oin, ...byOperator(deps) },
  });
  return (await deps.store.findOrganisationByOin(oin))!;
}
