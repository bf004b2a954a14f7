// Certificate revocation lists (RFC 5280 section 5) as the operator provides them (PEM or DER files):
// read, their signature checked with the key of the CA that issued them, and the serial numbers they
// revoke kept per issuer name.
import { verify, type KeyObject } from 'node:crypto';
import { childrenOf, derTags, expectTag, integerHex, oidText, readDer, timeValue, type DerNode } from './der.ts';

export interface RevocationList {
  /** DER of the issuer's Name, compared byte for byte with a certificate's issuer. */
  issuerDer: Buffer;
  thisUpdate: number;
  nextUpdate?: number;
  /** Serial numbers in upper-case hex, as X509Certificate.serialNumber prints them. */
  revokedSerials: Set<string>;
  tbs: Buffer;
  signatureAlgorithm: string;
  signature: Buffer;
}

/** The hash of the RSA PKCS#1 v1.5 and ECDSA signature algorithms (RFC 4055, RFC 5758); SHA-1 is not among them. */
export const signatureHashes: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

function isTime(node: DerNode | undefined): node is DerNode {
  return node?.tag === derTags.utcTime || node?.tag === derTags.generalizedTime;
}

/** The DER of a CRL from a PEM (X509 CRL) or DER file. */
export function crlDer(file: Buffer): Buffer {
  const text = file.toString('latin1');
  const pem = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(text);
  return pem ? Buffer.from(pem[1]!.replace(/\s+/g, ''), 'base64') : file;
}

export function parseCrl(der: Buffer): RevocationList {
  const [tbsNode, algorithm, signatureNode] = childrenOf(expectTag(readDer(der), derTags.sequence, 'CRL'));
  const tbsFields = childrenOf(expectTag(tbsNode, derTags.sequence, 'tbsCertList'));
  let index = tbsFields[0]?.tag === derTags.integer ? 1 : 0; // version v2, optional
  index += 1; // signature AlgorithmIdentifier, repeated outside
  const issuer = expectTag(tbsFields[index++], derTags.sequence, 'CRL issuer');
  const thisUpdate = tbsFields[index++];
  if (!isTime(thisUpdate)) throw new Error('CRL without thisUpdate');
  const next = tbsFields[index];
  const nextUpdate = isTime(next) ? timeValue(next) : undefined;
  if (nextUpdate !== undefined) index += 1;
  const revokedSerials = new Set<string>();
  const entries = tbsFields[index];
  if (entries?.tag === derTags.sequence) {
    for (const entry of childrenOf(entries)) {
      const [serial] = childrenOf(expectTag(entry, derTags.sequence, 'revoked certificate'));
      revokedSerials.add(integerHex(expectTag(serial, derTags.integer, 'revoked serial number')));
    }
  }
  const [algorithmOid] = childrenOf(expectTag(algorithm, derTags.sequence, 'signature algorithm'));
  const bits = expectTag(signatureNode, derTags.bitString, 'CRL signature');
  if (bits.content[0] !== 0) throw new Error('CRL signature is not a whole number of bytes');
  return {
    issuerDer: issuer.raw,
    thisUpdate: timeValue(thisUpdate),
    ...(nextUpdate !== undefined ? { nextUpdate } : {}),
    revokedSerials,
    tbs: tbsNode!.raw,
    signatureAlgorithm: oidText(algorithmOid!),
    signature: bits.content.subarray(1),
  };
}

/** Whether the CRL was signed by this key (its issuer's), with a SHA-256+ algorithm. */
export function crlSignedBy(crl: RevocationList, issuerKey: KeyObject): boolean {
  const hash = signatureHashes[crl.signatureAlgorithm];
  if (!hash) return false;
  try {
    return verify(hash, crl.tbs, issuerKey, crl.signature);
  } catch {
    return false;
  }
}
