// A self-signed X.509 certificate for a signing key, for the SAML metadata outside production (where
// keys are generated; production configures certificate files). Node can read certificates but not
// make them, and the certificate is only a key container here (SAML metadata trust is the metadata,
// not a CA), so this is a minimal DER writer: v3, sha256WithRSAEncryption, CN only, no extensions.
import { createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...content: Buffer[]) => tlv(0x30, ...content);

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const part of rest) {
    const chunk: number[] = [];
    let value = part;
    do {
      chunk.unshift((value & 0x7f) | (chunk.length ? 0x80 : 0));
      value >>= 7;
    } while (value > 0);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

const name = (commonName: string) =>
  sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(commonName, 'utf8')))));

/** PEM of a self-signed certificate for this RSA private key, valid from a day ago for `years`. */
export function selfSignedCertificate(privateKey: KeyObject, commonName: string, now: number, years = 10): string {
  const algorithm = sequence(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const serial = randomBytes(16);
  // DER INTEGER: positive (high bit clear) and minimal (no leading zero byte), so 0x40..0x7f first.
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  const notBefore = new Date(now - 24 * 3600 * 1000);
  const notAfter = new Date(now + years * 365 * 24 * 3600 * 1000);
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, serial),
    algorithm,
    name(commonName),
    sequence(time(notBefore), time(notAfter)),
    name(commonName),
    createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = sequence(tbs, algorithm, tlv(0x03, Buffer.from([0]), signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  const check = new X509Certificate(pem);
  if (!check.verify(createPublicKey(privateKey))) throw new Error('generated certificate does not verify');
  return pem;
}
