// Aansluiten of a SAML webdienst: its SP metadata (a file or an https URL) is read, checked and stored
// with the webdienst (protocol 'saml', client_id = the SP's entityID). `update-saml` re-imports it
// (certificate rollover, new ACS endpoints). Invalid metadata: a clear error that names what is
// wrong, and nothing stored. Metadata by `--metadata-url` is signed, read again on a schedule
// (saml-metadata-refresh.ts), and must pass every check at registration.
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
import { checkSelfSignedFlag, type CertificateCheckDeps } from './certificate-checks.ts';
import { byOperator, type AdminDeps } from './organisations.ts';
import { assertRegistrationCertificatesAccepted } from './saml-metadata-url.ts';
import { assertOneMetadataSource, registrationFromUrl, type UrlDeps } from './saml-metadata-registration.ts';
import { assertRegistrableUri } from './webdiensten.ts';

export interface NewSamlWebdienst {
  organisationOin: string;
  name: string;
  /** A file path or an http(s) URL of the SP metadata; or the XML itself in `metadataXml`. */
  metadata?: string;
  metadataXml?: string;
  /** Signed metadata read from this URL now and on a schedule, with the certificate (PEM) that signs it. */
  metadataUrl?: string;
  metadataSigningCertificate?: string;
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
    throw new ValidationError(
      'admin.missing_metadata',
      '--metadata FILE_OR_URL (or --metadata-url URL with --metadata-signing-cert FILE) is required',
    );
  const xml = input.metadataXml ?? (await readMetadata(input.metadata!, deps.environment));
  const registration = parseSpMetadata(xml, {
    responseBinding,
    checkUrl: (url, what) => assertRegistrableUri(url, what, deps.environment),
  });
  // Every certificate of the metadata, also the old one beside a new one during a rollover: each is
  // trusted for signatures (or TLS client authentication) as long as it is listed.
  assertRegistrationCertificatesAccepted(deps, registration, owner);
  return owner.allowSelfSigned ? { ...registration, allowSelfSigned: true } : registration;
}

export async function addSamlWebdienst(
  deps: AdminDeps & UrlDeps,
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
  assertOneMetadataSource(input);
  const id = newId();
  const owner = { oin: organisation.oin, allowSelfSigned };
  const fromUrl =
    input.metadataUrl !== undefined
      ? await registrationFromUrl(
          deps,
          { url: input.metadataUrl, signingCertificatePem: input.metadataSigningCertificate },
          responseBinding,
          owner,
          id,
        )
      : undefined;
  const registration = fromUrl?.registration ?? (await registrationFrom(deps, input, responseBinding, owner));
  if (await deps.store.findWebdienstByClientId(registration.entityId))
    throw new ValidationError(
      'admin.client_id_taken',
      `a webdienst with entityID ${registration.entityId} is already registered`,
    );

  await deps.store.inTransaction(async (store) => {
    await store.insertWebdienst({
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
    if (fromUrl) await store.saveSamlMetadataSource(fromUrl.source);
  });
  deps.store.forgetCachedWebdiensten();
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
      ...(fromUrl ? { metadataUrl: fromUrl.source.url } : {}),
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
  /** From now on signed metadata from this URL; without a new signing certificate the registered one stays. */
  metadataUrl?: string;
  metadataSigningCertificate?: string;
  /** Unchanged when not given. */
  responseBinding?: string;
}

/**
 * `webdienst update-saml`: the webdienst's metadata read again and replaced as a whole, so a rolled-over
 * certificate or a new ACS endpoint works at once and a removed one no longer does. Checked like a new
 * registration first: invalid metadata changes nothing.
 */
export async function updateSamlWebdienst(
  deps: AdminDeps & UrlDeps,
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
  assertOneMetadataSource(input);
  // The flag stays as registered; in production it never holds (checkSelfSignedFlag).
  const owner = {
    oin: webdienst.organisation.oin,
    allowSelfSigned: current.allowSelfSigned === true && deps.environment !== 'production',
  };
  const registeredSource = await deps.store.findSamlMetadataSource(webdienst.id);
  const fromUrl =
    input.metadataUrl !== undefined
      ? await registrationFromUrl(
          deps,
          {
            url: input.metadataUrl,
            signingCertificatePem: input.metadataSigningCertificate,
            registeredSigningCertificate: registeredSource?.signingCertificate,
          },
          responseBinding,
          owner,
          webdienst.id,
        )
      : undefined;
  const registration = fromUrl?.registration ?? (await registrationFrom(deps, input, responseBinding, owner));
  // The entityID is the webdienst's identity (the Issuer it is found by): a new one is a new registration.
  if (registration.entityId !== input.entityId)
    throw new ValidationError(
      'admin.invalid_saml_metadata',
      `invalid SAML metadata: it is for entityID ${registration.entityId}, not ${input.entityId}`,
    );
  const updated = await deps.store.inTransaction(async (store) => {
    if (!(await store.updateWebdienstProtocolMetadata(webdienst.id, registration))) return false;
    // Metadata from a file ends the refresh from a URL; a URL starts (or replaces) it.
    if (fromUrl) await store.saveSamlMetadataSource(fromUrl.source);
    else await store.deleteSamlMetadataSource(webdienst.id);
    return true;
  });
  deps.store.forgetCachedWebdiensten();
  if (!updated) {
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
      metadataUrl: fromUrl?.source.url ?? null,
      ...byOperator(deps),
    },
  });
  return {
    webdienst: (await deps.store.findWebdienstById(webdienst.id))!,
    entityId: registration.entityId,
    registration,
  };
}
