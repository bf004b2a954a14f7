// SAML metadata registered by URL: read from the URL, believed only when signed with the registered
// metadata signing certificate and still valid (frontends/saml/signed-metadata.ts), and then checked
// like uploaded metadata (sp-metadata.ts, the certificate policy). Used at registration, where any
// failure refuses it, and by the scheduled refresh (saml-metadata-refresh.ts).
import { X509Certificate } from 'node:crypto';
import type { Config } from '../../config/index.ts';
import { ValidationError } from '../core/errors.ts';
import { fetchMetadata } from '../frontends/saml/metadata-fetch.ts';
import { certificateBody } from '../frontends/saml/signature.ts';
import { MetadataRefused, verifySignedMetadata } from '../frontends/saml/signed-metadata.ts';
import { spRegistrationOf, type ResponseBinding, type SamlRegistration } from '../frontends/saml/sp-metadata.ts';
import type { CertificateOwner } from '../core/trust/certificate-trust.ts';
import { assertCertificateAccepted, trustOf, type CertificateCheckDeps } from './certificate-checks.ts';
import { assertRegistrableUri } from './webdiensten.ts';

export interface SamlMetadataSettings {
  fetchTimeoutMs: number;
  allowPrivateNetwork: boolean;
  minRefreshMs: number;
  maxRefreshMs: number;
  retryMs: number;
}

export const samlMetadataSettings = (
  config: Pick<Config, 'samlMetadata' | 'allowPrivateNetworkCalls'>,
): SamlMetadataSettings => ({
  fetchTimeoutMs: config.samlMetadata.fetchTimeoutMs,
  allowPrivateNetwork: config.allowPrivateNetworkCalls,
  minRefreshMs: config.samlMetadata.minRefreshSeconds * 1000,
  maxRefreshMs: config.samlMetadata.maxRefreshSeconds * 1000,
  retryMs: config.samlMetadata.retrySeconds * 1000,
});

export interface MetadataUrlDeps extends CertificateCheckDeps {
  samlMetadata: SamlMetadataSettings;
}

/** Every certificate of the metadata, the old beside a new one during a rollover, passes the policy. */
export function assertRegistrationCertificatesAccepted(
  deps: CertificateCheckDeps,
  registration: SamlRegistration,
  owner: CertificateOwner,
): void {
  const trust = trustOf(deps);
  registration.signingCertificates.forEach((certificate, index) =>
    assertCertificateAccepted(trust, certificate, owner, `signing certificate ${index + 1} of the SAML metadata`),
  );
  registration.encryptionCertificates.forEach((certificate, index) =>
    assertCertificateAccepted(trust, certificate, owner, `encryption certificate ${index + 1} of the SAML metadata`),
  );
}

/** The metadata URL as registered: https (http only for loopback outside production), no credentials in it. */
export function checkMetadataUrl(url: string, environment: Config['environment']): string {
  assertRegistrableUri(url, '--metadata-url', environment);
  if (new URL(url).username || new URL(url).password)
    throw new ValidationError('admin.invalid_uri', '--metadata-url must not hold credentials');
  return url;
}

/** The PEM of the metadata signing certificate, read and checked against the policy; its base64 DER body. */
export function checkMetadataSigningCertificate(
  deps: CertificateCheckDeps,
  pem: string,
  owner: CertificateOwner,
): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new ValidationError(
      'admin.invalid_metadata_signing_certificate',
      '--metadata-signing-cert must be a PEM certificate (-----BEGIN CERTIFICATE-----)',
    );
  }
  const details = certificate.publicKey.asymmetricKeyDetails;
  if (certificate.publicKey.asymmetricKeyType !== 'rsa' || (details?.modulusLength ?? 0) < 2048)
    throw new ValidationError(
      'admin.invalid_metadata_signing_certificate',
      'the metadata signing certificate must hold an RSA key of at least 2048 bits',
    );
  assertCertificateAccepted(trustOf(deps), certificate.toString(), owner, 'the metadata signing certificate');
  return certificateBody(certificate.toString());
}

export type MetadataFromUrl =
  | { modified: false }
  | {
      modified: true;
      registration: SamlRegistration;
      validUntil: number;
      cacheDurationMs: number | null;
      etag: string | null;
      lastModified: string | null;
    };

/**
 * Fetches, verifies and reads the metadata; throws MetadataRefused (could not read, not signed right,
 * not valid) or ValidationError (unusable metadata, a certificate the policy refuses).
 */
export async function readMetadataFromUrl(
  deps: MetadataUrlDeps,
  source: { url: string; signingCertificate: string; etag?: string | null; lastModified?: string | null },
  responseBinding: ResponseBinding,
  owner: CertificateOwner,
): Promise<MetadataFromUrl> {
  const fetched = await fetchMetadata(source.url, {
    timeoutMs: deps.samlMetadata.fetchTimeoutMs,
    allowPrivateNetwork: deps.samlMetadata.allowPrivateNetwork,
    etag: source.etag ?? null,
    lastModified: source.lastModified ?? null,
  });
  if (!fetched.modified) return fetched;
  const signed = verifySignedMetadata(fetched.body, source.signingCertificate, deps.clock.now());
  const registration = spRegistrationOf(signed.entity, {
    responseBinding,
    checkUrl: (url, what) => assertRegistrableUri(url, what, deps.environment),
  });
  assertRegistrationCertificatesAccepted(deps, registration, owner);
  return {
    modified: true,
    registration: {
      ...registration,
      ...(owner.allowSelfSigned ? { allowSelfSigned: true } : {}),
      metadataValidUntil: signed.validUntil,
    },
    validUntil: signed.validUntil,
    cacheDurationMs: signed.cacheDurationMs ?? null,
    etag: fetched.etag,
    lastModified: fetched.lastModified,
  };
}

/**
 * When to read the metadata again (SAML Metadata 2.3.1): after its cacheDuration, or half its time left
 * to validUntil when that is sooner, kept within the configured bounds.
 */
export function nextRefreshAt(
  now: number,
  metadata: { validUntil: number | null; cacheDurationMs: number | null },
  settings: Pick<SamlMetadataSettings, 'minRefreshMs' | 'maxRefreshMs'>,
): number {
  const wanted = Math.min(
    metadata.cacheDurationMs ?? Number.POSITIVE_INFINITY,
    metadata.validUntil === null ? Number.POSITIVE_INFINITY : (metadata.validUntil - now) / 2,
  );
  return now + Math.round(Math.min(Math.max(wanted, settings.minRefreshMs), settings.maxRefreshMs));
}

/** After consecutive failures: the retry time, doubling, never later than the maximum refresh time. */
export function nextRetryAt(
  now: number,
  consecutiveFailures: number,
  settings: Pick<SamlMetadataSettings, 'retryMs' | 'maxRefreshMs'>,
): number {
  const doubled = settings.retryMs * 2 ** Math.min(Math.max(consecutiveFailures - 1, 0), 20);
  return now + Math.min(doubled, settings.maxRefreshMs);
}

/** The operator's message for a failed read: a MetadataRefused or ValidationError says what; others do not leak. */
export function failureOf(error: unknown): { reason: string; message: string } | undefined {
  if (error instanceof MetadataRefused) return { reason: error.reason, message: error.message };
  if (error instanceof ValidationError) return { reason: error.code.replace(/^admin\./, ''), message: error.message };
  return undefined;
}
