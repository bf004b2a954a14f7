// The certificates a webdienst registered, with their expiry, for its console page: a SAML
// webdienst's signing and encryption certificates from its metadata, an OIDC webdienst's x5c
// certificates of its registered keys (RFC 7517 4.7: the first one is the key's own). Keys behind a
// jwks_uri are read at login, not here.
import { X509Certificate } from 'node:crypto';
import type { WebdienstRow } from '../../stores/index.ts';

export interface ListedCertificate {
  use: 'signing' | 'encryption';
  subject: string;
  issuer: string;
  validTo: number;
  /** The expiry date, yyyy-mm-dd (UTC). */
  validToText: string;
  daysLeft: number;
  expired: boolean;
}

const dayMs = 24 * 3600 * 1000;

function listed(der: string, use: ListedCertificate['use'], now: number): ListedCertificate | undefined {
  try {
    const certificate = new X509Certificate(Buffer.from(der.replace(/\s+/g, ''), 'base64'));
    const validTo = Date.parse(certificate.validTo);
    return {
      use,
      subject: certificate.subject.replace(/\n/g, ', '),
      issuer: certificate.issuer.replace(/\n/g, ', '),
      validTo,
      validToText: new Date(validTo).toISOString().slice(0, 10),
      daysLeft: Math.floor((validTo - now) / dayMs),
      expired: validTo <= now,
    };
  } catch {
    return undefined; // registration checked it; an unreadable one is simply not listed
  }
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

export function certificatesOf(webdienst: WebdienstRow, now: number): ListedCertificate[] {
  const metadata = webdienst.protocolMetadata;
  const found: Array<ListedCertificate | undefined> = [];
  if (webdienst.protocol === 'saml') {
    for (const der of strings(metadata.signingCertificates)) found.push(listed(der, 'signing', now));
    for (const der of strings(metadata.encryptionCertificates)) found.push(listed(der, 'encryption', now));
  } else {
    const keys = (metadata.jwks as { keys?: unknown } | undefined)?.keys;
    for (const key of Array.isArray(keys) ? keys : []) {
      const jwk = key as { use?: unknown; x5c?: unknown };
      const [own] = strings(jwk.x5c);
      if (own) found.push(listed(own, jwk.use === 'enc' ? 'encryption' : 'signing', now));
    }
  }
  return found.filter((certificate): certificate is ListedCertificate => certificate !== undefined);
}
