// SAML metadata read from a URL is believed only when signed (SAML Metadata 3: an enveloped XML
// signature on the root element) by the key of the certificate registered for it, and only while
// valid (SAML Metadata 2.3.1: validUntil; cacheDuration says when to read it again). The signature is
// checked as every incoming signature is (signature.ts: exactly one, on the root, one Reference to the
// root's ID, exclusive c14n, no wrapping), and the entity is read from the signed bytes only.
import { verifyEnvelopedSignature } from './signature.ts';
import { attribute, children, ns, parseXml, SamlRefused } from './xml.ts';

export interface SignedMetadata {
  /** The md:EntityDescriptor, parsed from what the signature covers. */
  entity: Element;
  /** The earliest validUntil of the signed root and the entity (epoch ms). */
  validUntil: number;
  /** The shortest cacheDuration of the two, when given. */
  cacheDurationMs?: number;
}

/** Why fetched metadata is not used: `reason` a stable code, `message` for the operator. */
export class MetadataRefused extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'MetadataRefused';
  }
}

// xs:dateTime with a time zone (XML Schema 3.2.7); metadata without one would mean local time of who knows where.
function parseDateTime(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}

/** xs:duration (XML Schema 3.2.6) in milliseconds; years as 365 days and months as 30. */
export function parseDuration(value: string | undefined): number | undefined {
  const match =
    value === undefined
      ? null
      : /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value);
  if (!match || value === 'P' || value!.endsWith('T')) return undefined;
  const [years, months, weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const totalDays = years! * 365 + months! * 30 + weeks! * 7 + days!;
  return Math.round(((totalDays * 24 + hours!) * 60 + minutes!) * 60_000 + seconds! * 1000);
}

function earliest(values: Array<number | undefined>): number | undefined {
  const given = values.filter((value): value is number => value !== undefined);
  return given.length ? Math.min(...given) : undefined;
}

/** Checks signature and validity of metadata XML; throws MetadataRefused naming what is wrong. */
export function verifySignedMetadata(xml: string, signingCertificate: string, now: number): SignedMetadata {
  let doc: Document;
  try {
    doc = parseXml(xml);
  } catch (error) {
    throw new MetadataRefused(
      'unreadable',
      `not readable XML${error instanceof SamlRefused ? ` (${error.reason})` : ''}`,
    );
  }
  const root = doc.documentElement;
  if (root.namespaceURI !== ns.md || !['EntityDescriptor', 'EntitiesDescriptor'].includes(root.localName))
    throw new MetadataRefused(
      'not_metadata',
      `the root element must be md:EntityDescriptor or md:EntitiesDescriptor, not ${root.localName}`,
    );
  let signed: Element;
  try {
    signed = verifyEnvelopedSignature(xml, doc, root, [signingCertificate]).element;
  } catch (error) {
    if (!(error instanceof SamlRefused)) throw error;
    throw new MetadataRefused(
      'signature',
      `the signature does not hold (${error.reason}): the metadata must be signed, on its root element, with the key of the registered metadata signing certificate`,
    );
  }
  let entity = signed;
  if (signed.localName === 'EntitiesDescriptor') {
    const entities = children(signed, ns.md, 'EntityDescriptor');
    if (entities.length !== 1 || children(signed, ns.md, 'EntitiesDescriptor').length)
      throw new MetadataRefused(
        'not_one_entity',
        `the signed md:EntitiesDescriptor holds ${entities.length} entities; register the URL of metadata with exactly one`,
      );
    entity = entities[0]!;
  }
  const rawValidUntil = [
    attribute(signed, 'validUntil'),
    ...(entity === signed ? [] : [attribute(entity, 'validUntil')]),
  ];
  if (rawValidUntil.every((value) => value === undefined))
    throw new MetadataRefused(
      'no_valid_until',
      'the metadata has no validUntil: signed metadata must say how long it is valid (SAML Metadata 2.3.1)',
    );
  const validUntils = rawValidUntil.map(parseDateTime);
  if (rawValidUntil.some((value, index) => value !== undefined && validUntils[index] === undefined))
    throw new MetadataRefused('bad_valid_until', 'validUntil is not a date and time with a time zone');
  const validUntil = earliest(validUntils)!;
  if (validUntil <= now)
    throw new MetadataRefused(
      'expired',
      `the metadata expired: validUntil ${new Date(validUntil).toISOString()} is not in the future`,
    );
  const cacheDurationMs = earliest([
    parseDuration(attribute(signed, 'cacheDuration')),
    ...(entity === signed ? [] : [parseDuration(attribute(entity, 'cacheDuration'))]),
  ]);
  return { entity, validUntil, ...(cacheDurationMs !== undefined ? { cacheDurationMs } : {}) };
}
