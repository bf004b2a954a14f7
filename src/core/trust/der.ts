// A strict, bounded reader of DER (ITU-T X.690 section 10), enough for what node:crypto does not read
// itself: the entries of a certificate revocation list and the RDNs of a certificate's subject. It
// only reads definite lengths within the buffer, so a crafted file ends in an error, never a loop.
export class DerError extends Error {
  override name = 'DerError';
}

export interface DerNode {
  tag: number;
  /** The whole element: tag, length and content (what a signature covers, for a TBS element). */
  raw: Buffer;
  content: Buffer;
}

export const derTags = {
  integer: 0x02,
  bitString: 0x03,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** The element at `offset` of `buffer`. */
function readNode(buffer: Buffer, offset: number): DerNode {
  if (offset + 2 > buffer.length) throw new DerError('truncated element');
  const tag = buffer[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used here');
  let length = buffer[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) throw new DerError('indefinite or oversized length');
    if (offset + 2 + count > buffer.length) throw new DerError('truncated length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + buffer[offset + 2 + i]!;
    header += count;
  }
  const end = offset + header + length;
  if (end > buffer.length) throw new DerError('element longer than its container');
  return { tag, raw: buffer.subarray(offset, end), content: buffer.subarray(offset + header, end) };
}

/** The one element that fills `buffer`. */
export function readDer(buffer: Buffer): DerNode {
  const node = readNode(buffer, 0);
  if (node.raw.length !== buffer.length) throw new DerError('trailing bytes');
  return node;
}

/** The elements inside a constructed element (SEQUENCE, SET, context tag). */
export function childrenOf(node: DerNode): DerNode[] {
  if (!(node.tag & 0x20)) throw new DerError('not a constructed element');
  const out: DerNode[] = [];
  for (let offset = 0; offset < node.content.length;) {
    const child = readNode(node.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: unexpected element`);
  return node;
}

export function oidText(node: DerNode): string {
  expectTag(node, derTags.oid, 'object identifier');
  const bytes = node.content;
  if (bytes.length === 0) throw new DerError('empty object identifier');
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  if (bytes[bytes.length - 1]! & 0x80) throw new DerError('truncated object identifier');
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** An INTEGER as upper-case hex without leading zero bytes, the way node:crypto prints serial numbers. */
export function integerHex(node: DerNode): string {
  expectTag(node, derTags.integer, 'integer');
  let bytes = node.content;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes.toString('hex').toUpperCase();
}

/** UTCTime (RFC 5280 4.1.2.5.1: YY < 50 is 20YY) or GeneralizedTime, in milliseconds. */
export function timeValue(node: DerNode): number {
  const value = node.content.toString('latin1');
  const match =
    node.tag === derTags.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(value)
      : node.tag === derTags.generalizedTime
        ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(value)
        : null;
  if (!match) throw new DerError('not a UTC time');
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const year = node.tag === derTags.utcTime ? (y < 50 ? 2000 + y : 1900 + y) : y;
  return Date.UTC(year, mo - 1, d, h, mi, s);
}

/** The text of a UTF8String, PrintableString or IA5String (what RFC 5280 names use in practice). */
export function stringValue(node: DerNode): string {
  if (!([derTags.utf8String, derTags.printableString, 0x16] as number[]).includes(node.tag))
    throw new DerError('not a UTF8String, PrintableString or IA5String');
  return node.content.toString('utf8');
}
