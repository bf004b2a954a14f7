// The certificate policy for webdiensten (SAML metadata certificates, OIDC x5c chains, TLS client
// certificates), decided in one place. In production a webdienst is who its PKIoverheid certificate
// says it is: the certificate chains to a trust anchor, is within its validity, holds an RSA key of at
// least 2048 bits or an EC key on P-256 or larger, is signed with SHA-256 or stronger, is not revoked
// by its CA's CRL, and carries the OIN of the organisation it is registered under in the subject's
// serialNumber. Preproduction also accepts a self-signed certificate for a webdienst registered with
// the flag; development accepts any self-signed one. A refusal names its rule.
import { X509Certificate } from 'node:crypto';
import type { Environment } from '../../../config/index.ts';
import { certificateFields } from './certificate-fields.ts';
import { signatureHashes } from './crl.ts';
import { anchorFrom, type TrustAnchor, type TrustMaterial } from './trust-anchors.ts';

export type CertificateRule =
  | 'unreadable'
  | 'not_yet_valid'
  | 'expired'
  | 'weak_key'
  | 'weak_signature'
  | 'self_signed'
  | 'untrusted_chain'
  | 'revoked'
  | 'revocation_unknown'
  | 'no_oin'
  | 'other_oin';

export type CertificateVerdict =
  | { accepted: true; selfSigned: boolean; certificate: X509Certificate }
  | { accepted: false; rule: CertificateRule; message: string };

export interface CertificateCheck {
  /** Base64 DER (as in SAML metadata and x5c), PEM, or an X509Certificate. */
  certificate: string | X509Certificate;
  /** Intermediates the webdienst sent along (x5c); never trusted by themselves. */
  intermediates?: X509Certificate[];
  /** The OIN of the organisation the webdienst is registered under. */
  oin: string;
  /** The webdienst's registration flag (preproduction only). */
  allowSelfSigned: boolean;
}

const maxChainLength = 8;
// RFC 5480 / FIPS 186-5: the named curves at P-256 strength or above.
const strongCurves = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const refuse = (rule: CertificateRule, message: string): CertificateVerdict => ({ accepted: false, rule, message });

export function readCertificate(value: string | X509Certificate): X509Certificate | undefined {
  if (value instanceof X509Certificate) return value;
  try {
    const pem = value.includes('-----BEGIN')
      ? value
      : `-----BEGIN CERTIFICATE-----\n${value.replace(/\s+/g, '')}\n-----END CERTIFICATE-----\n`;
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

function keyProblem(certificate: X509Certificate): string | undefined {
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss')
    return (details.modulusLength ?? 0) >= 2048 ? undefined : `RSA ${details.modulusLength ?? '?'} bits`;
  if (key.asymmetricKeyType === 'ec')
    return strongCurves.has(details.namedCurve ?? '') ? undefined : `EC ${details.namedCurve ?? '?'}`;
  return key.asymmetricKeyType ?? 'an unknown key type';
}

function isSelfSigned(certificate: X509Certificate, subjectDer: Buffer, issuerDer: Buffer): boolean {
  return subjectDer.equals(issuerDer) && certificate.verify(certificate.publicKey);
}

function validityProblem(certificate: X509Certificate, now: number): CertificateVerdict | undefined {
  if (certificate.validFromDate.getTime() > now)
    return refuse('not_yet_valid', `the certificate is not valid before ${day(certificate.validFromDate.getTime())}`);
  if (certificate.validToDate.getTime() < now)
    return refuse('expired', `the certificate expired on ${day(certificate.validToDate.getTime())}`);
  return undefined;
}

/** The path from the certificate up to a trust anchor, or why there is none. */
function chainToAnchor(
  leaf: TrustAnchor,
  intermediates: X509Certificate[],
  trust: TrustMaterial,
  now: number,
): TrustAnchor[] | CertificateVerdict {
  const pool = [...trust.anchors, ...intermediates.map(anchorFrom)];
  const path = [leaf];
  for (let current = leaf; path.length <= maxChainLength;) {
    const issuer = pool.find(
      (candidate) =>
        candidate.certificate.ca &&
        candidate.subjectDer.equals(current.issuerDer) &&
        !path.includes(candidate) &&
        current.certificate.verify(candidate.certificate.publicKey),
    );
    if (!issuer) break;
    const expired = validityProblem(issuer.certificate, now);
    if (expired)
      return refuse(
        'untrusted_chain',
        `the certificate's issuer ${issuer.certificate.subject.replace(/\n/g, ', ')} is not valid now`,
      );
    path.push(issuer);
    if (trust.anchors.includes(issuer) && issuer.subjectDer.equals(issuer.issuerDer)) return path;
    current = issuer;
  }
  const top = path[path.length - 1]!;
  if (path.length > 1 && trust.anchors.includes(top)) return path;
  return refuse('untrusted_chain', 'the certificate does not chain to a trust anchor');
}

function revocationProblem(
  path: TrustAnchor[],
  trust: TrustMaterial,
  now: number,
  requireCrl: boolean,
): CertificateVerdict | undefined {
  for (const [index, certificate] of path.slice(0, -1).entries()) {
    const issuer = path[index + 1]!;
    // The CRL's signer, found by name and key: also when the chain got the CA's certificate from x5c.
    const crl = trust.crls.find(
      (candidate) =>
        candidate.issuer.subjectDer.equals(issuer.subjectDer) &&
        candidate.issuer.certificate.publicKey.equals(issuer.certificate.publicKey),
    );
    if (!crl) {
      if (index === 0 && requireCrl)
        return refuse(
          'revocation_unknown',
          `no CRL of the issuer ${issuer.certificate.subject.replace(/\n/g, ', ')} is loaded`,
        );
      continue;
    }
    if (crl.nextUpdate !== undefined && crl.nextUpdate < now)
      return refuse(
        'revocation_unknown',
        `the CRL of ${issuer.certificate.subject.replace(/\n/g, ', ')} was due for renewal on ${day(crl.nextUpdate)}`,
      );
    if (crl.revokedSerials.has(certificate.certificate.serialNumber.toUpperCase()))
      return refuse(
        'revoked',
        index === 0
          ? `the certificate (serial ${certificate.certificate.serialNumber}) is revoked`
          : `the issuing CA ${certificate.certificate.subject.replace(/\n/g, ', ')} is revoked`,
      );
  }
  return undefined;
}

/** The policy's verdict on one certificate of a webdienst in this environment, at `now`. */
export function checkCertificate(
  input: CertificateCheck,
  context: { environment: Environment; trust: TrustMaterial; now: number },
): CertificateVerdict {
  const certificate = readCertificate(input.certificate);
  if (!certificate) return refuse('unreadable', 'the certificate cannot be read (X.509, DER or PEM)');
  let fields;
  try {
    fields = certificateFields(certificate);
  } catch {
    return refuse('unreadable', 'the certificate cannot be read (X.509, DER or PEM)');
  }
  const invalid = validityProblem(certificate, context.now);
  if (invalid) return invalid;
  const weakKey = keyProblem(certificate);
  if (weakKey)
    return refuse('weak_key', `the key must be RSA of at least 2048 bits or EC on P-256 or larger, not ${weakKey}`);
  if (!signatureHashes[certificate.signatureAlgorithmOid ?? ''])
    return refuse(
      'weak_signature',
      `the certificate must be signed with SHA-256 or stronger (RSA or ECDSA), not ${certificate.signatureAlgorithm ?? certificate.signatureAlgorithmOid}`,
    );
  if (isSelfSigned(certificate, fields.subjectDer, fields.issuerDer)) {
    if (context.environment === 'development') return { accepted: true, selfSigned: true, certificate };
    if (context.environment === 'preproduction' && input.allowSelfSigned)
      return { accepted: true, selfSigned: true, certificate };
    return refuse(
      'self_signed',
      context.environment === 'production'
        ? 'self-signed certificates are refused in production; the certificate must chain to a trust anchor'
        : 'a self-signed certificate is accepted in preproduction only for a webdienst registered with --allow-self-signed',
    );
  }
  const path = chainToAnchor(
    { certificate, subjectDer: fields.subjectDer, issuerDer: fields.issuerDer },
    input.intermediates ?? [],
    context.trust,
    context.now,
  );
  if (!Array.isArray(path)) return path;
  const revoked = revocationProblem(path, context.trust, context.now, context.environment === 'production');
  if (revoked) return revoked;
  const oins = fields.subjectSerialNumbers.filter((value) => /^\d{20}$/.test(value));
  if (oins.length === 0)
    return refuse('no_oin', "the certificate's subject has no serialNumber with an OIN (20 digits)");
  if (!oins.includes(input.oin))
    return refuse(
      'other_oin',
      `the certificate carries OIN ${oins.join(', ')}, not the organisation's OIN ${input.oin}`,
    );
  return { accepted: true, selfSigned: false, certificate };
}
