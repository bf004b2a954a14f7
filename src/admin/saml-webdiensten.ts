// Aansluiten of a SAML webdienst: its SP metadata (a file or an https URL) is read, checked and stored
// with the webdienst (protocol 'saml', client_id = the SP's entityID). `update-saml` re-imports it
// (certificate rollover, new ACS endpoints). Invalid metadata: a clear error that names what is
// wrong, and nothing stored.
import { readFile } from 'node:fs/promises';
import type { Config } from '../../config/index.ts';
import { ValidationError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { offeredLevelName } from '../core/levels.ts';
import {
  parseSpMetadata,
  samlRegistrationOf,
  type ResponseBinding,
  type SamlRegistration,
} from '../frontends/saml/sp-metadata.ts';
import type { WebdienstWithOrganisation } from '../stores/index.ts';
import {
  assertCertificateAccepted,
  checkSelfSignedFlag,
  trustOf,
  type CertificateCheckDeps,
} from './certificate-checks.ts';
import { byOperator, type AdminDeps } from './organisations.ts';
import { assertRegistrableUri } from './webdiensten.ts';

export interface NewSamlWebdienst {
  organisationOin: string;
  name: string;
  /** A file path or an http(s) URL of the SP metadata; or the XML itself in `metadataXml`. */
  metadata?: string;
  metadataXml?: string;
  level?: string;
  federation?: string;
  responseBinding?: string;
  /** Preproduction only: the webdienst may use self-signed certificates. */
  allowSelfSigned?: boolean;
}

export interface RegisteredSamlWebdienst {
  webdienst: WebdienstWithOrganisation;
  entityId: string;
  registration: SamlRegistration;
}

const maxMetadataBytes = 256 * 1024;

async function readMetadata(source: string, environment: Config['environment']): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    assertRegistrableUri(source, '--metadata', environment);
    let response: Response;
    try {
      response = await fetch(source, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new ValidationError(
        'admin.metadata_unreachable',
        `could not fetch SAML metadata from ${source}: ${(error as Error).message}`,
      );
    }
    if (!response.ok)
      throw new ValidationError(
        'admin.metadata_unreachable',
        `could not fetch SAML metadata from ${source}: HTTP ${response.status}`,
      );
    const body = await response.text();
    if (Buffer.byteLength(body) > maxMetadataBytes)
      throw new ValidationError('admin.invalid_saml_metadata', 'invalid SAML metadata: larger than 256 KiB');
    return body;
  }
  try {
    const body = await readFile(source, 'utf8');
    if (Buffer.byteLength(body) > maxMetadataBytes)
      throw new ValidationError('admin.invalid_saml_metadata', 'invalid SAML metadata: larger than 256 KiB');
    return body;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(
      'admin.metadata_unreadable',
      `cannot read SAML metadata file ${source}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function checkResponseBinding(value: string | undefined, fallback: ResponseBinding): ResponseBinding {
  const responseBinding = (value ?? fallback) as ResponseBinding;
  if (responseBinding !== 'artifact' && responseBinding !== 'post')
    throw new ValidationError(
      'admin.invalid_response_binding',
      `--response-binding must be artifact or post, not "${value}"`,
    );
  return responseBinding;
}

async function registrationFrom(
  deps: CertificateCheckDeps,
  input: { metadata?: string; metadataXml?: string },
  responseBinding: ResponseBinding,
  owner: { oin: string; allowSelfSigned: boolean },
): Promise<SamlRegistration> {
  if (!input.metadata && !input.metadataXml)
    throw new ValidationError('admin.missing_metadata', '--metadata FILE_OR_URL is required');
  const xml = input.metadataXml ?? (await readMetadata(input.metadata!, deps.environment));
  const registration = parseSpMetadata(xml, {
    responseBinding,
    checkUrl: (url, what) => assertRegistrableUri(url, what, deps.environment),
  });
  // Every certificate of the metadata, also the old one beside a new one during a rollover: each is
  // trusted for signatures (or TLS client authentication) as long as it is listed.
  const trust = trustOf(deps);
  registration.signingCertificates.forEach((certificate, index) =>
    assertCertificateAccepted(trust, certificate, owner, `signing certificate ${index + 1} of the SAML metadata`),
  );
  registration.encryptionCertificates.forEach((certificate, index) =>
    assertCertificateAccepted(trust, certificate, owner, `encryption certificate ${index + 1} of the SAML metadata`),
  );
  return owner.allowSelfSigned ? { ...registration, allowSelfSigned: true } : registration;
}

export async function addSamlWebdienst(
  deps: AdminDeps & CertificateCheckDeps,
  input: NewSamlWebdienst,
): Promise<RegisteredSamlWebdienst> {
  const organisation = await deps.store.findOrganisationByOin(input.organisationOin);
  if (!organisation)
    throw new ValidationError(
      'admin.unknown_organisation',
      `no organisation with OIN ${input.organisationOin}; add it first with "organisation add"`,
    );
  const name = input.name.trim();
  if (name.length < 2 || name.length > 200)
    throw new ValidationError('admin.invalid_name', 'webdienst name must be 2 to 200 characters');
  const level = offeredLevelName(input.level);
  if (!level) throw new ValidationError('admin.invalid_level', `--level must be basis or midden, not "${input.level}"`);
  if (input.federation !== undefined && !/^[a-z0-9][a-z0-9-]{0,99}$/.test(input.federation))
    throw new ValidationError('admin.invalid_federation', 'federation names are lower-case letters, digits and dashes');
  const responseBinding = checkResponseBinding(input.responseBinding, 'artifact');
  const allowSelfSigned = checkSelfSignedFlag(deps.environment, input.allowSelfSigned);
  const registration = await registrationFrom(deps, input, responseBinding, {
    oin: organisation.oin,
    allowSelfSigned,
  });
  if (await deps.store.findWebdienstByClientId(registration.entityId))
    throw new ValidationError(
      'admin.client_id_taken',
      `a webdienst with entityID ${registration.entityId} is already registered`,
    );

  const id = newId();
  await deps.store.insertWebdienst({
    id,
    organisationId: organisation.id,
    name,
    protocol: 'saml',
    clientId: registration.entityId,
    minimumLevel: level,
    federation: input.federation ?? null,
    protocolMetadata: registration,
    createdAt: deps.clock.now(),
  });
  await deps.audit.record({
    type: 'admin.webdienst_added',
    outcome: 'success',
    webdienstId: id,
    details: {
      protocol: 'saml',
      organisation: organisation.oin,
      level,
      responseBinding,
      allowSelfSigned,
      ...byOperator(deps),
    },
  });
  const webdienst = (await deps.store.findWebdienstById(id))!;
  return { webdienst, entityId: registration.entityId, registration };
}

export interface SamlMetadataUpdate {
  /** The entityID the webdienst is registered with; the new metadata must name the same one. */
  entityId: string;
  metadata?: string;
  metadataXml?: string;
  /** Unchanged when not given. */
  responseBinding?: string;
}

/**
 * `webdienst update-saml`: the webdienst's metadata read again and replaced as a whole, so a rolled-over
 * certificate or a new ACS endpoint works at once and a removed one no longer does. Checked like a new
 * registration first: invalid metadata changes nothing.
 */
export async function updateSamlWebdienst(
  deps: AdminDeps & CertificateCheckDeps,
  input: SamlMetadataUpdate,
): Promise<RegisteredSamlWebdienst> {
  const webdienst = await deps.store.findWebdienstByClientId(input.entityId);
  if (!webdienst || webdienst.protocol !== 'saml')
    throw new ValidationError(
      'admin.unknown_webdienst',
      `no SAML webdienst with entityID ${input.entityId}; register it with "webdienst add-saml"`,
    );
  const current = samlRegistrationOf(webdienst);
  const responseBinding = checkResponseBinding(input.responseBinding, current.responseBinding);
  // The flag stays as registered; in production it never holds (checkSelfSignedFlag).
  const registration = await registrationFrom(deps, input, responseBinding, {
    oin: webdienst.organisation.oin,
    allowSelfSigned: current.allowSelfSigned === true && deps.environment !== 'production',
  });
  // The entityID is the webdienst's identity (the Issuer it is found by): a new one is a new registration.
  if (registration.entityId !== input.entityId)
    throw new ValidationError(
      'admin.invalid_saml_metadata',
      `invalid SAML metadata: it is for entityID ${registration.entityId}, not ${input.entityId}`,
    );
  if (!(await deps.store.updateWebdienstProtocolMetadata(webdienst.id, registration))) {
    throw new ValidationError(
      'admin.unknown_webdienst',
      `the webdienst with entityID ${input.entityId} was removed meanwhile`,
    );
  }
  await deps.audit.record({
    type: 'admin.webdienst_updated',
    outcome: 'success',
    webdienstId: webdienst.id,
    details: {
      protocol: 'saml',
      responseBinding,
      signingCertificates: registration.signingCertificates.length,
      assertionConsumerServices: registration.assertionConsumerServices.length,
      ...byOperator(deps),
    },
  });
  return {
    webdienst: (await deps.store.findWebdienstById(webdienst.id))!,
    entityId: registration.entityId,
    registration,
  };
}
