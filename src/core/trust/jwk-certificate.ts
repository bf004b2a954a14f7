// The certificate of a JWK (RFC 7517 4.7, x5c: the key's certificate first, then its issuers) under
// the certificate policy: the first certificate must hold the JWK's key, and the policy must accept
// it, with the rest of x5c as intermediates. In production a key without x5c has no certificate to
// trust; elsewhere it passes as it is.
import { createPublicKey, X509Certificate } from 'node:crypto';
import type { CertificateRule } from './certificate-policy.ts';
import type { CertificateOwner, CertificateTrust } from './certificate-trust.ts';

export type JwkVerdict =
  { accepted: true } | { accepted: false; rule: CertificateRule | 'no_certificate' | 'key_mismatch'; message: string };

export function checkJwkCertificate(
  trust: CertificateTrust,
  key: Record<string, unknown>,
  owner: CertificateOwner,
): JwkVerdict {
  if (!Array.isArray(key.x5c) || key.x5c.length === 0)
    return trust.environment === 'production'
      ? {
          accepted: false,
          rule: 'no_certificate',
          message: 'every private_key_jwt key needs an x5c certificate chain in production',
        }
      : { accepted: true };
  let chain: X509Certificate[];
  try {
    chain = key.x5c.map((body) => new X509Certificate(Buffer.from(String(body), 'base64')));
  } catch {
    return { accepted: false, rule: 'unreadable', message: 'the certificate cannot be read (X.509, DER or PEM)' };
  }
  const [leaf, ...intermediates] = chain as [X509Certificate, ...X509Certificate[]];
  let sameKey = false;
  try {
    sameKey = createPublicKey({ key, format: 'jwk' }).equals(leaf.publicKey);
  } catch {
    sameKey = false;
  }
  // RFC 7517 4.7: the key in the first certificate MUST match the public key of the JWK.
  if (!sameKey)
    return { accepted: false, rule: 'key_mismatch', message: "the first x5c certificate does not hold the JWK's key" };
  const verdict = trust.check({ certificate: leaf, intermediates, ...owner });
  return verdict.accepted ? { accepted: true } : verdict;
}
