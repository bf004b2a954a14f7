// What node:crypto's X509Certificate does not give in a form safe to compare: the issuer and subject
// names as DER (RFC 5280 7.1 compares names; their text form differs between printers) and the
// subject's serialNumber attribute (X.520 2.5.4.5), where PKIoverheid organisation certificates carry
// the organisation's OIN.
import type { X509Certificate } from 'node:crypto';
import { childrenOf, derTags, expectTag, oidText, readDer, stringValue, type DerNode } from './der.ts';

const serialNumberOid = '2.5.4.5';

export interface CertificateFields {
  issuerDer: Buffer;
  subjectDer: Buffer;
  /** Every serialNumber value in the subject (normally one). */
  subjectSerialNumbers: string[];
}

function tbsFields(certificate: X509Certificate): DerNode[] {
  const [tbs] = childrenOf(expectTag(readDer(certificate.raw), derTags.sequence, 'certificate'));
  const fields = childrenOf(expectTag(tbs, derTags.sequence, 'tbsCertificate'));
  // RFC 5280 4.1: version is an optional [0] EXPLICIT field before the serial number.
  return fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
}

/** The attribute values of `oid` in a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function nameAttributes(name: DerNode, oid: string): string[] {
  const values: string[] = [];
  for (const rdn of childrenOf(expectTag(name, derTags.sequence, 'name'))) {
    for (const attribute of childrenOf(expectTag(rdn, derTags.set, 'relative distinguished name'))) {
      const [type, value] = childrenOf(expectTag(attribute, derTags.sequence, 'attribute'));
      if (type && value && oidText(type) === oid) values.push(stringValue(value));
    }
  }
  return values;
}

export function certificateFields(certificate: X509Certificate): CertificateFields {
  // serialNumber, signature, issuer, validity, subject
  const [, , issuer, , subject] = tbsFields(certificate);
  if (!issuer || !subject) throw new Error('certificate without issuer or subject');
  return {
    issuerDer: issuer.raw,
    subjectDer: subject.raw,
    subjectSerialNumbers: nameAttributes(subject, serialNumberOid),
  };
}
