// Every certificate a connected webdienst registered, with its expiry: the signing and encryption
// certificates of a SAML webdienst's metadata, and the x5c certificate of each key of an OIDC
// webdienst's registered JWKS (RFC 7517 4.7: the first certificate is the key's own; the rest are
// its issuers, which the organisation does not renew), inline or read from its jwks_uri when a reader
// is given (a jwks_uri that cannot be read is reported, not fatal). Read by `webdienst certificates`,
// the expiry warnings and the console.
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { oidcRegistrationOf } from '../frontends/oidc/client-metadata.ts';
import { pemCertificate } from '../frontends/saml/signature.ts';
import { samlRegistrationOf } from '../frontends/saml/sp-metadata.ts';
import type { Store, WebdienstWithOrganisation } from '../stores/index.ts';
import type { JwksReader } from './jwks-reader.ts';

export const dayMs = 86_400_000;

export interface CertificateExpiry {
  webdienstId: string;
  /** The OIDC client_id or the SAML entityID. */
  clientId: string;
  webdienstName: string;
  protocol: 'oidc' | 'saml';
  organisationId: string;
  organisationOin: string;
  organisationName: string;
  /** SAML: signing, encryption or both; OIDC: the key's kid (or its place in the JWKS). */
  use: string;
  subject: string;
  issuer: string;
  /** SHA-256 of the DER certificate, as colon-separated hex pairs. */
  fingerprint: string;
  notAfter: number;
  /** Whole days until notAfter; negative once it has passed. */
  daysLeft: number;
  /** The webdienst or its organisation is suspended. */
  suspended: boolean;
}

export interface CertificateExpiryDeps {
  store: Pick<Store, 'listWebdiensten'>;
  clock: Clock;
  /** Reads the keys at an OIDC webdienst's jwks_uri; without it only registered keys are seen. */
  readJwks?: JwksReader;
}

/** A webdienst whose jwks_uri could not be read, and why (no secrets: a status or an error message). */
export interface UnreadableJwks {
  clientId: string;
  jwksUri: string;
  reason: string;
}

interface Found {
  use: string;
  certificate: X509Certificate;
}

/** One line: the certificate's name without the line breaks node:crypto puts between its parts. */
const oneLine = (name: string): string =>
  name
    .split('\n')
    .filter(Boolean)
    .join(', ')
    .replace(/\p{Cc}/gu, ' ');

function read(body: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pemCertificate(body));
  } catch {
    return undefined;
  }
}

function samlCertificates(webdienst: WebdienstWithOrganisation): Found[] {
  const registration = samlRegistrationOf(webdienst);
  const bodies = [...new Set([...registration.signingCertificates, ...registration.encryptionCertificates])];
  return bodies.flatMap((body) => {
    const certificate = read(body);
    if (!certificate) return [];
    const uses = [
      ...(registration.signingCertificates.includes(body) ? ['signing'] : []),
      ...(registration.encryptionCertificates.includes(body) ? ['encryption'] : []),
    ];
    return [{ use: uses.join(', '), certificate }];
  });
}

function keyCertificates(keys: unknown[]): Found[] {
  return keys.flatMap((key, index) => {
    const { x5c, kid, use } = (typeof key === 'object' && key !== null ? key : {}) as {
      x5c?: unknown;
      kid?: unknown;
      use?: unknown;
    };
    if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') return [];
    const certificate = read(x5c[0]);
    const name = `${use === 'enc' ? 'encryption key' : 'key'} ${typeof kid === 'string' ? kid : index + 1}`;
    return certificate ? [{ use: name, certificate }] : [];
  });
}

async function certificatesOf(
  webdienst: WebdienstWithOrganisation,
  readJwks: JwksReader | undefined,
  unreadable: UnreadableJwks[],
): Promise<Found[]> {
  let registration;
  try {
    if (webdienst.protocol === 'saml') return samlCertificates(webdienst);
    if (webdienst.protocol !== 'oidc') return [];
    registration = oidcRegistrationOf(webdienst);
  } catch {
    // A stored registration that no longer reads is reported where it is used (a login); it has no
    // certificate to list here.
    return [];
  }
  if (registration.jwks) return keyCertificates(registration.jwks.keys);
  if (!registration.jwks_uri || !readJwks) return [];
  try {
    return keyCertificates(await readJwks(registration.jwks_uri));
  } catch (error) {
    unreadable.push({
      clientId: webdienst.clientId,
      jwksUri: registration.jwks_uri,
      reason: (error as Error).message.slice(0, 200),
    });
    return [];
  }
}

/** Every certificate of every connected webdienst (removed ones left out), the soonest to expire first. */
export async function certificateExpiries(
  deps: CertificateExpiryDeps,
  options: { clientId?: string; unreadable?: UnreadableJwks[] } = {},
): Promise<CertificateExpiry[]> {
  const now = deps.clock.now();
  const webdiensten = (await deps.store.listWebdiensten()).filter(
    (webdienst) => options.clientId === undefined || webdienst.clientId === options.clientId,
  );
  const unreadable = options.unreadable ?? [];
  const expiries: CertificateExpiry[] = [];
  for (const webdienst of webdiensten)
    for (const { use, certificate } of await certificatesOf(webdienst, deps.readJwks, unreadable)) {
      const notAfter = Date.parse(certificate.validTo);
      expiries.push({
        webdienstId: webdienst.id,
        clientId: webdienst.clientId,
        webdienstName: webdienst.name,
        protocol: webdienst.protocol as 'oidc' | 'saml',
        organisationId: webdienst.organisation.id,
        organisationOin: webdienst.organisation.oin,
        organisationName: webdienst.organisation.name,
        use,
        subject: oneLine(certificate.subject),
        issuer: oneLine(certificate.issuer),
        fingerprint: certificate.fingerprint256,
        notAfter,
        daysLeft: Math.floor((notAfter - now) / dayMs),
        suspended: Boolean(webdienst.suspendedAt) || Boolean(webdienst.organisation.suspendedAt),
      });
    }
  return expiries.sort((a, b) => a.notAfter - b.notAfter || a.clientId.localeCompare(b.clientId));
}
