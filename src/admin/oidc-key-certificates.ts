// The certificates of an OIDC webdienst's private_key_jwt keys (RFC 7517 4.7, x5c: the key's
// certificate first, then its issuers). In production every signing key must come with one, and the
// certificate policy holds for it as for SAML; elsewhere keys with an x5c are checked, keys without
// pass. The jwks_uri is read once here in production, so a refused certificate is named at
// registration, not at the first login.
import { ValidationError } from '../core/errors.ts';
import type { CertificateOwner } from '../core/trust/certificate-trust.ts';
import { checkJwkCertificate } from '../core/trust/jwk-certificate.ts';
import { trustOf, type CertificateCheckDeps } from './certificate-checks.ts';

interface Jwk {
  kid?: string;
  use?: string;
  x5c?: unknown;
  [name: string]: unknown;
}

const maxJwksBytes = 64 * 1024;

async function fetchJwks(uri: string): Promise<unknown[]> {
  let body: string;
  try {
    const response = await fetch(uri, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.text();
  } catch (error) {
    throw new ValidationError(
      'admin.jwks_unreachable',
      `could not fetch --jwks-uri ${uri}: ${(error as Error).message}`,
    );
  }
  if (Buffer.byteLength(body) > maxJwksBytes)
    throw new ValidationError('admin.invalid_jwks', 'invalid JWKS at --jwks-uri: larger than 64 KiB');
  try {
    const keys = (JSON.parse(body) as { keys?: unknown }).keys;
    if (!Array.isArray(keys)) throw new Error('no keys');
    return keys as unknown[];
  } catch {
    throw new ValidationError('admin.invalid_jwks', 'invalid JWKS at --jwks-uri: not a JSON object with "keys"');
  }
}

function checkKey(deps: CertificateCheckDeps, key: Jwk, owner: CertificateOwner, where: string): void {
  const verdict = checkJwkCertificate(trustOf(deps), key, owner);
  if (!verdict.accepted)
    throw new ValidationError(
      'admin.certificate_refused',
      `certificate refused (${verdict.rule}): ${verdict.message} (${where})`,
      { rule: verdict.rule },
    );
}

/** Checks the certificates of the webdienst's keys (inline jwks, or the jwks_uri in production). */
export async function checkKeyCertificates(
  deps: CertificateCheckDeps,
  input: { jwks?: { keys: unknown[] }; jwksUri?: string },
  owner: CertificateOwner,
): Promise<void> {
  const keys =
    input.jwks?.keys ??
    (input.jwksUri && deps.environment === 'production' ? await fetchJwks(input.jwksUri) : undefined);
  if (!keys) return;
  const signing = keys.filter(
    (key): key is Jwk => typeof key === 'object' && key !== null && (key as Jwk).use !== 'enc',
  );
  if (signing.length === 0 && deps.environment === 'production')
    throw new ValidationError('admin.invalid_jwks', 'the JWKS holds no signing key');
  signing.forEach((key, index) => checkKey(deps, key, owner, `key ${key.kid ?? index + 1} of the JWKS`));
}
