// Reading untrusted SAML XML safely: bounded sizes, no DOCTYPE (so no DTD,
// no entities, no billion laughs), a parser that throws on any error, schema validation, and small
// namespace-aware helpers. Writing: escaping for text and attributes.
import { DOMParser } from '@xmldom/xmldom';
import { PoortwachterError } from '../../core/errors.ts';
import { schemaValid } from './schema-validator.ts';

export const ns = {
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
} as const;

export const maxXmlBytes = 64 * 1024;

/** A refused SAML message: an error page at the IdP, the reason in the log. */
export class SamlRefused extends PoortwachterError {
  constructor(
    readonly reason: string,
    status = 400,
  ) {
    super('saml.invalid_request', { status, logMessage: `SAML message refused: ${reason}` });
  }
}

export function parseXml(xml: string): Document {
  if (Buffer.byteLength(xml, 'utf8') > maxXmlBytes) throw new SamlRefused('xml_too_large', 413);
  // No DTD at all, so no internal or external entities; refused before parsing.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new SamlRefused('doctype');
  // Only the reason code: a parser message may quote the untrusted input.
  const fail = () => {
    throw new SamlRefused('unreadable_xml');
  };
  let doc: Document;
  try {
    doc = new DOMParser({ errorHandler: { warning: () => undefined, error: fail, fatalError: fail } }).parseFromString(
      xml,
      'text/xml',
    );
  } catch (error) {
    if (error instanceof SamlRefused) throw error;
    throw new SamlRefused('unreadable_xml');
  }
  if (!doc?.documentElement) throw new SamlRefused('unreadable_xml');
  return doc;
}

/** Schema validation with the SAML 2.0 protocol and assertion schemas (schema-validator.ts). */
export function assertSchemaValid(xml: string): void {
  if (!schemaValid(xml)) throw new SamlRefused('schema_invalid');
}

export function elements(parent: Node): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) if (node.nodeType === 1) out.push(node as Element);
  return out;
}

/** Every descendant element with this name (xmldom's NodeList is not iterable). */
export function descendants(parent: Element | Document, namespace: string, localName: string): Element[] {
  const list = parent.getElementsByTagNameNS(namespace, localName);
  const out: Element[] = [];
  for (let i = 0; i < list.length; i += 1) out.push(list.item(i)!);
  return out;
}

export function isElement(node: Element | undefined, namespace: string, localName: string): node is Element {
  return !!node && node.namespaceURI === namespace && node.localName === localName;
}

/** The direct children with this name. */
export function children(parent: Element, namespace: string, localName: string): Element[] {
  return elements(parent).filter((child) => isElement(child, namespace, localName));
}

/** The only direct child with this name; refused when there are several. */
export function child(parent: Element, namespace: string, localName: string): Element | undefined {
  const found = children(parent, namespace, localName);
  if (found.length > 1) throw new SamlRefused(`duplicate_${localName}`);
  return found[0];
}

export function text(element: Element | undefined): string | undefined {
  if (!element) return undefined;
  return (element.textContent ?? '').trim();
}

export function attribute(element: Element, name: string): string | undefined {
  return element.hasAttribute(name) ? element.getAttribute(name)! : undefined;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function samlInstant(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** xs:dateTime in UTC as SAML requires (SAML core 1.3.3); undefined when it is anything else. */
export function parseInstant(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
