// Whose connection checklist a refused AuthnRequest goes to: its Issuer, read without checking
// anything else (the message was refused; this only names the webdienst that sent it), and which
// checklist item the refusal fails.
import { inflateRawSync } from 'node:zlib';
import type { ChecklistItemName } from '../../core/checklist/items.ts';
import { maxXmlBytes } from './xml.ts';

const issuerOf = (xml: string): string | undefined =>
  xml.match(/<(?:\w+:)?Issuer\b[^>]*>\s*([^<\s]{1,200})\s*<\/(?:\w+:)?Issuer>/)?.[1];

export function redirectIssuer(querystring: string): string | undefined {
  try {
    const encoded = new URLSearchParams(querystring).get('SAMLRequest');
    if (!encoded) return undefined;
    return issuerOf(inflateRawSync(Buffer.from(encoded, 'base64'), { maxOutputLength: maxXmlBytes }).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function postIssuer(form: Record<string, string>): string | undefined {
  const encoded = form.SAMLRequest;
  return encoded ? issuerOf(Buffer.from(encoded, 'base64').toString('utf8').slice(0, maxXmlBytes)) : undefined;
}

const signatureReasons = new Set([
  'unsigned',
  'bad_signature',
  'signature_algorithm_not_allowed',
  'several_signatures',
  'signature_not_on_processed_element',
  'canonicalisation_not_allowed',
  'not_one_reference',
  'reference_not_to_processed_element',
]);
const endpointReasons = new Set([
  'acs_index_and_url',
  'acs_index_unknown',
  'acs_url_not_registered',
  'no_usable_acs',
  'acs_binding_not_allowed',
]);

export function refusalItem(reason: string): ChecklistItemName | undefined {
  if (signatureReasons.has(reason)) return 'request_signed';
  if (endpointReasons.has(reason)) return 'registered_endpoint';
  return undefined;
}
