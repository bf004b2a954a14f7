// The trust anchors (root and intermediate certificates, PEM bundles; in production the PKIoverheid
// roots the operator installs) and the CRLs of their CAs, read from the configured files. Anything
// unreadable, a file without certificates, or a CRL that no anchor signed is refused at start with
// the file named; a later reload that fails keeps what was loaded before.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../../../config/index.ts';
import { certificateFields } from './certificate-fields.ts';
import { crlDer, crlSignedBy, parseCrl, type RevocationList } from './crl.ts';

export interface TrustAnchor {
  certificate: X509Certificate;
  subjectDer: Buffer;
  issuerDer: Buffer;
}

export interface TrustMaterial {
  anchors: TrustAnchor[];
  /** Each CRL with the anchor whose key signed it. */
  crls: Array<RevocationList & { issuer: TrustAnchor }>;
  loadedAt: number;
}

export class TrustConfigError extends ConfigError {
  override name = 'TrustConfigError';
  constructor(problem: string) {
    super(`Invalid configuration: ${problem}`);
  }
}

function readFile(path: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TrustConfigError(
      `${setting}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

/** Every certificate of a PEM bundle. */
export function pemCertificates(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

export function anchorFrom(certificate: X509Certificate): TrustAnchor {
  const { subjectDer, issuerDer } = certificateFields(certificate);
  return { certificate, subjectDer, issuerDer };
}

function readAnchors(paths: string[]): TrustAnchor[] {
  const setting = 'trust.anchorFiles (TRUST_ANCHOR_FILES)';
  const anchors: TrustAnchor[] = [];
  for (const path of paths) {
    let certificates: X509Certificate[];
    try {
      certificates = pemCertificates(readFile(path, setting).toString('utf8'));
    } catch (error) {
      if (error instanceof TrustConfigError) throw error;
      throw new TrustConfigError(`${setting}: ${path} holds a certificate that cannot be read`);
    }
    if (certificates.length === 0) throw new TrustConfigError(`${setting}: ${path} holds no PEM certificate`);
    for (const certificate of certificates) {
      if (!certificate.ca)
        throw new TrustConfigError(
          `${setting}: ${path} holds a certificate that is not a CA certificate (${certificate.subject.replace(/\n/g, ', ')})`,
        );
      if (!anchors.some((anchor) => anchor.certificate.fingerprint256 === certificate.fingerprint256))
        anchors.push(anchorFrom(certificate));
    }
  }
  return anchors;
}

function readCrls(paths: string[], anchors: TrustAnchor[]): TrustMaterial['crls'] {
  const setting = 'trust.crlFiles (TRUST_CRL_FILES)';
  return paths.map((path) => {
    let crl: RevocationList;
    try {
      crl = parseCrl(crlDer(readFile(path, setting)));
    } catch (error) {
      if (error instanceof TrustConfigError) throw error;
      throw new TrustConfigError(`${setting}: ${path} is not a readable CRL (PEM or DER)`);
    }
    const issuer = anchors.find(
      (anchor) => anchor.subjectDer.equals(crl.issuerDer) && crlSignedBy(crl, anchor.certificate.publicKey),
    );
    if (!issuer)
      throw new TrustConfigError(`${setting}: ${path} is not signed (SHA-256 or stronger) by any trust anchor`);
    return { ...crl, issuer };
  });
}

/** Reads the anchor and CRL files of the configuration; throws TrustConfigError naming the file. */
export function loadTrustMaterial(trust: Config['trust'], now: number): TrustMaterial {
  const anchors = readAnchors(trust.anchorFiles);
  return { anchors, crls: readCrls(trust.crlFiles, anchors), loadedAt: now };
}
