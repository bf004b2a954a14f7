// Preproduction to production: a webdienst's registration is exported from
// preproduction with its connection checklist report, and imported into production only when that
// report passed; the report goes with the audit event of the import.
import type { Config } from '../../config/index.ts';
import { checklistReport, type ChecklistReport } from '../core/checklist/report.ts';
import { ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { isLevelName } from '../core/levels.ts';
import type { OidcRegistration } from '../frontends/oidc/client-metadata.ts';
import type { SamlRegistration } from '../frontends/saml/sp-metadata.ts';
import type { WebdienstWithOrganisation } from '../stores/index.ts';
import { assertCertificateAccepted, trustOf, type CertificateCheckDeps } from './certificate-checks.ts';
import { updateOrganisation } from './organisation-changes.ts';
import { addOrganisation, byOperator, type AdminDeps } from './organisations.ts';
import { registeredWebdienst } from './webdienst-changes.ts';
import { addOidcWebdienst, assertRegistrableUri } from './webdiensten.ts';

export const exportFormat = 'poortwachter-webdienst-export/1';

export interface WebdienstExport {
  format: typeof exportFormat;
  exportedFrom: Config['environment'];
  exportedAt: string;
  organisation: { oin: string; name: string; publicTask: string; bsnEntitled: boolean; bsnLegalBasis: string | null };
  webdienst: {
    name: string;
    protocol: 'oidc' | 'saml';
    clientId: string;
    minimumLevel: string;
    federation: string | null;
    /** The protocol registration, without a client secret (production issues none). */
    registration: Record<string, unknown>;
  };
  checklist: ChecklistReport;
}

type Deps = AdminDeps & CertificateCheckDeps;

/** A webdienst by client_id, entityID, or its name when that is unique. */
export async function findWebdienstForOperator(deps: AdminDeps, nameOrId: string): Promise<WebdienstWithOrganisation> {
  const byId = await deps.store.findWebdienstByClientId(nameOrId);
  if (byId && byId.protocol !== 'account') return byId;
  const named = (await deps.store.listWebdiensten()).filter((webdienst) => webdienst.name === nameOrId);
  if (named.length > 1)
    throw new ValidationError(
      'admin.ambiguous_webdienst',
      `several webdiensten are named "${nameOrId}"; give the client_id`,
    );
  if (named.length === 1) return named[0]!;
  return registeredWebdienst(deps, nameOrId);
}

export async function webdienstChecklist(deps: AdminDeps, nameOrId: string): Promise<ChecklistReport> {
  const webdienst = await findWebdienstForOperator(deps, nameOrId);
  return checklistReport(webdienst, await deps.store.listConnectionObservations(webdienst.id), deps.clock.now());
}

export async function exportWebdienst(deps: Deps, nameOrId: string): Promise<WebdienstExport> {
  const webdienst = await findWebdienstForOperator(deps, nameOrId);
  if (webdienst.protocol === 'account') throw new ValidationError('admin.unknown_webdienst', 'not a webdienst');
  const registration = { ...webdienst.protocolMetadata };
  delete registration.client_secret;
  const checklist = checklistReport(
    webdienst,
    await deps.store.listConnectionObservations(webdienst.id),
    deps.clock.now(),
  );
  await deps.audit.record({
    type: 'admin.webdienst_exported',
    outcome: 'success',
    webdienstId: webdienst.id,
    details: { checklistPassed: checklist.passed, ...byOperator(deps) },
  });
  const { organisation } = webdienst;
  return {
    format: exportFormat,
    exportedFrom: deps.environment,
    exportedAt: new Date(deps.clock.now()).toISOString(),
    organisation: {
      oin: organisation.oin,
      name: organisation.name,
      publicTask: organisation.publicTask,
      bsnEntitled: organisation.bsnEntitled,
      bsnLegalBasis: organisation.bsnLegalBasis ?? null,
    },
    webdienst: {
      name: webdienst.name,
      protocol: webdienst.protocol,
      clientId: webdienst.clientId,
      minimumLevel: webdienst.minimumLevel,
      federation: webdienst.federation,
      registration,
    },
    checklist,
  };
}

const refused = (message: string) => new ValidationError('admin.import_refused', `import refused: ${message}`);

function readExport(value: unknown): WebdienstExport {
  const exported = value as Partial<WebdienstExport> | null;
  if (!exported || typeof exported !== 'object' || exported.format !== exportFormat)
    throw refused(`not a webdienst export (format ${exportFormat})`);
  const { webdienst, organisation, checklist } = exported;
  if (!webdienst || !organisation || !checklist || !Array.isArray(checklist.items))
    throw refused('the export lacks the webdienst, its organisation or its checklist report');
  if (webdienst.protocol !== 'oidc' && webdienst.protocol !== 'saml') throw refused('unknown protocol');
  if (!isLevelName(webdienst.minimumLevel)) throw refused(`unknown level ${String(webdienst.minimumLevel)}`);
  return exported as WebdienstExport;
}

/** Refused unless the checklist report is this webdienst's and every item passed. */
function assertChecklistPassed(exported: WebdienstExport): void {
  const { checklist, webdienst } = exported;
  if (checklist.webdienst.clientId !== webdienst.clientId) throw refused("the checklist report is another webdienst's");
  const failing = checklist.items.filter((item) => item.result !== 'pass');
  if (!checklist.passed || failing.length > 0)
    throw refused(
      `the connection checklist did not pass: ${failing.map((item) => `${item.item} ${item.result}${item.evidence ? ` (${item.evidence})` : ''}`).join('; ') || 'not passed'}`,
    );
}

async function organisationFor(deps: Deps, exported: WebdienstExport) {
  const existing = await deps.store.findOrganisationByOin(exported.organisation.oin);
  if (existing) return existing;
  const added = await addOrganisation(deps, exported.organisation);
  if (exported.organisation.bsnLegalBasis)
    await updateOrganisation(deps, added.oin, { bsnLegalBasis: exported.organisation.bsnLegalBasis });
  return added;
}

async function importSaml(
  deps: Deps,
  exported: WebdienstExport,
  organisation: { id: string; oin: string },
): Promise<string> {
  const registration = exported.webdienst.registration as unknown as SamlRegistration;
  if (registration.entityId !== exported.webdienst.clientId || !registration.assertionConsumerServices?.length)
    throw refused('the SAML registration is incomplete');
  for (const acs of registration.assertionConsumerServices)
    assertRegistrableUri(acs.location, 'an assertion consumer service', deps.environment);
  for (const slo of registration.singleLogoutServices ?? [])
    assertRegistrableUri(slo.location, 'a single logout service', deps.environment);
  // The certificate policy as at registration; the self-signed flag never holds in production.
  const allowSelfSigned = registration.allowSelfSigned === true && deps.environment !== 'production';
  const owner = { oin: organisation.oin, allowSelfSigned };
  const trust = trustOf(deps);
  (registration.signingCertificates ?? []).forEach((certificate, index) =>
    assertCertificateAccepted(trust, certificate, owner, `signing certificate ${index + 1} of the SAML registration`),
  );
  (registration.encryptionCertificates ?? []).forEach((certificate, index) =>
    assertCertificateAccepted(
      trust,
      certificate,
      owner,
      `encryption certificate ${index + 1} of the SAML registration`,
    ),
  );
  if (await deps.store.findWebdienstByClientId(registration.entityId))
    throw new ValidationError('admin.client_id_taken', `entityID ${registration.entityId} is already registered`);
  const id = newId();
  await deps.store.insertWebdienst({
    id,
    organisationId: organisation.id,
    name: exported.webdienst.name,
    protocol: 'saml',
    clientId: registration.entityId,
    minimumLevel: exported.webdienst.minimumLevel,
    federation: exported.webdienst.federation,
    // Imported as a fixed registration: a metadata URL and its validUntil are registered again here
    // (`update-saml --metadata-url`), with this deployment's refresh.
    protocolMetadata: { ...registration, allowSelfSigned: allowSelfSigned || undefined, metadataValidUntil: undefined },
    createdAt: deps.clock.now(),
  });
  return id;
}

async function importOidc(deps: Deps, exported: WebdienstExport, oin: string): Promise<string> {
  const registration = exported.webdienst.registration as unknown as OidcRegistration & {
    backchannel_logout_uri?: string;
  };
  const { webdienst } = await addOidcWebdienst(deps, {
    organisationOin: oin,
    name: exported.webdienst.name,
    clientId: exported.webdienst.clientId,
    redirectUris: registration.redirect_uris ?? [],
    postLogoutRedirectUris: registration.post_logout_redirect_uris,
    backchannelLogoutUri: registration.backchannel_logout_uri,
    level: exported.webdienst.minimumLevel,
    federation: exported.webdienst.federation ?? undefined,
    auth: registration.token_endpoint_auth_method,
    jwksUri: registration.jwks_uri,
    jwks: registration.jwks,
    allowSelfSigned: registration.allow_self_signed === true && deps.environment !== 'production',
  });
  return webdienst.id;
}

/** `webdienst import`: the registration of an export whose checklist passed; audited with the report. */
export async function importWebdienst(
  deps: Deps,
  value: unknown,
): Promise<{ webdienst: WebdienstWithOrganisation; checklist: ChecklistReport }> {
  const exported = readExport(value);
  if (deps.environment === 'production' && exported.exportedFrom !== 'preproduction')
    throw refused(`production takes webdiensten from preproduction, not from ${exported.exportedFrom}`);
  try {
    assertChecklistPassed(exported);
  } catch (error) {
    await deps.audit.record({
      type: 'admin.webdienst_import_refused',
      outcome: 'failure',
      reason: 'checklist_not_passed',
      details: {
        clientId: exported.webdienst.clientId,
        checklist: JSON.stringify(exported.checklist.items.map((item) => `${item.item}:${item.result}`)),
        ...byOperator(deps),
      },
    });
    throw error;
  }
  const organisation = await organisationFor(deps, exported);
  const id =
    exported.webdienst.protocol === 'saml'
      ? await importSaml(deps, exported, organisation)
      : await importOidc(deps, exported, organisation.oin);
  await deps.audit.record({
    type: 'admin.webdienst_imported',
    outcome: 'success',
    webdienstId: id,
    details: {
      protocol: exported.webdienst.protocol,
      exportedFrom: exported.exportedFrom,
      exportedAt: exported.exportedAt,
      checklist: JSON.stringify(exported.checklist),
      ...byOperator(deps),
    },
  });
  return { webdienst: (await deps.store.findWebdienstById(id))!, checklist: exported.checklist };
}
