// Registering SAML metadata by URL (`webdienst add-saml|update-saml --metadata-url`): the URL and the
// metadata signing certificate checked, the metadata read now, and every check must pass, or the
// registration is refused with the reason. What is then stored: the registration and its source row
// with the first refresh state.
import type { Config } from '../../config/index.ts';
import { ValidationError } from '../core/errors.ts';
import type { ResponseBinding, SamlRegistration } from '../frontends/saml/sp-metadata.ts';
import type { SamlMetadataSourceRow } from '../stores/index.ts';
import type { CertificateCheckDeps } from './certificate-checks.ts';
import type { AdminDeps } from './organisations.ts';
import {
  checkMetadataSigningCertificate,
  checkMetadataUrl,
  failureOf,
  nextRefreshAt,
  readMetadataFromUrl,
  type SamlMetadataSettings,
} from './saml-metadata-url.ts';

/** The settings of the command line and tests that name none: no private addresses outside development. */
const fallbackMetadataSettings = (environment: Config['environment']): SamlMetadataSettings => ({
  fetchTimeoutMs: 10_000,
  allowPrivateNetwork: environment === 'development',
  minRefreshMs: 3600_000,
  maxRefreshMs: 86400_000,
  retryMs: 300_000,
});

export type UrlDeps = CertificateCheckDeps & { samlMetadata?: SamlMetadataSettings };

/**
 * Metadata from a URL at registration: every check must pass now, or the registration is refused.
 * `signingCertificatePem` unset keeps the one registered before (update-saml).
 */
export async function registrationFromUrl(
  deps: AdminDeps & UrlDeps,
  input: { url: string; signingCertificatePem?: string; registeredSigningCertificate?: string },
  responseBinding: ResponseBinding,
  owner: { oin: string; allowSelfSigned: boolean },
  webdienstId: string,
): Promise<{ registration: SamlRegistration; source: SamlMetadataSourceRow }> {
  const url = checkMetadataUrl(input.url, deps.environment);
  if (!input.signingCertificatePem && !input.registeredSigningCertificate)
    throw new ValidationError(
      'admin.missing_metadata_signing_certificate',
      '--metadata-signing-cert FILE is required with --metadata-url: the certificate whose key signs the metadata',
    );
  const signingCertificate = input.signingCertificatePem
    ? checkMetadataSigningCertificate(deps, input.signingCertificatePem, owner)
    : input.registeredSigningCertificate!;
  const samlMetadata = deps.samlMetadata ?? fallbackMetadataSettings(deps.environment);
  let read;
  try {
    read = await readMetadataFromUrl({ ...deps, samlMetadata }, { url, signingCertificate }, responseBinding, owner);
  } catch (error) {
    const failure = failureOf(error);
    if (!failure) throw error;
    if (error instanceof ValidationError) throw error;
    throw new ValidationError('admin.metadata_refused', `SAML metadata from ${url} refused: ${failure.message}`, {
      reason: failure.reason,
    });
  }
  if (!read.modified) throw new ValidationError('admin.metadata_unreachable', `no metadata from ${url}`);
  const now = deps.clock.now();
  return {
    registration: read.registration,
    source: {
      webdienstId,
      url,
      signingCertificate,
      etag: read.etag,
      lastModified: read.lastModified,
      validUntil: read.validUntil,
      cacheDurationMs: read.cacheDurationMs,
      lastSuccessAt: now,
      lastAttemptAt: now,
      lastErrorAt: null,
      lastError: null,
      consecutiveFailures: 0,
      nextAttemptAt: nextRefreshAt(now, read, samlMetadata),
      leaseUntil: null,
      createdAt: now,
    },
  };
}

export function assertOneMetadataSource(input: {
  metadata?: string;
  metadataXml?: string;
  metadataUrl?: string;
}): void {
  if (input.metadataUrl !== undefined && (input.metadata !== undefined || input.metadataXml !== undefined))
    throw new ValidationError(
      'admin.two_metadata_sources',
      'give --metadata FILE_OR_URL or --metadata-url URL (signed, refreshed on a schedule), not both',
    );
}
