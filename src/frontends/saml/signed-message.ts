// Reading a signed protocol message from a webdienst (an AuthnRequest or a LogoutRequest) by HTTP-Redirect,
// HTTP-POST or SOAP, with the checks that every message needs: sizes and the
// inflate limit, no DOCTYPE, schema validation, a known Issuer selects the metadata, the signature with
// that metadata's keys only (Redirect: over the exact query string; POST and SOAP: enveloped, fields read
// from the signed bytes), RSA-SHA256 or better. What the message says is checked by its own module.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { PoortwachterError } from '../../core/errors.ts';
import type { Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { algorithms, pemCertificate, verifyEnvelopedSignature } from './signature.ts';
import { soapBodyMessage } from './soap.ts';
import type { SamlRegistration } from './sp-metadata.ts';
import { trustedRegistration } from './trusted-certificates.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import {
  assertSchemaValid,
  attribute,
  child,
  maxXmlBytes,
  ns,
  parseInstant,
  parseXml,
  SamlRefused,
  text,
} from './xml.ts';

export const maxRelayStateBytes = 80;
const maxEncodedBytes = 48 * 1024;

export type RequestName = 'AuthnRequest' | 'LogoutRequest';

export interface SignedMessage {
  webdienst: WebdienstWithOrganisation;
  registration: SamlRegistration;
  /** The message element, read only from what the signature covers. */
  message: Element;
  relayState?: string;
}

export interface SignedMessageDeps {
  store: Pick<Store, 'findWebdienstByClientId'>;
  trust: CertificateTrust;
}

/** The raw query string split without decoding: the Redirect signature covers these exact bytes. */
function rawQuery(querystring: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of querystring.split('&')) {
    if (!part) continue;
    const at = part.indexOf('=');
    const key = at < 0 ? part : part.slice(0, at);
    if (out.has(key)) throw new SamlRefused(`duplicate_parameter_${key.slice(0, 20)}`);
    out.set(key, at < 0 ? '' : part.slice(at + 1));
  }
  return out;
}

function decodeParameter(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, '%20'));
  } catch {
    throw new SamlRefused('bad_url_encoding');
  }
}

function base64Bytes(value: string): Buffer {
  const compact = value.replace(/[\r\n\t ]/g, '');
  if (compact.length > maxEncodedBytes) throw new SamlRefused('base64_too_large', 413);
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new SamlRefused('bad_base64');
  return Buffer.from(compact, 'base64');
}

function checkRelayState(relayState: string | undefined): string | undefined {
  if (relayState === undefined || relayState === '') return undefined;
  // SAML Bindings 3.4.3 and 3.5.3: RelayState MUST NOT exceed 80 bytes.
  if (Buffer.byteLength(relayState, 'utf8') > maxRelayStateBytes) throw new SamlRefused('relay_state_too_long');
  return relayState;
}

/** The webdienst named by the message's Issuer; An unknown one gets the error page. */
async function senderOf(
  message: Element,
  name: RequestName,
  deps: SignedMessageDeps,
): Promise<{ webdienst: WebdienstWithOrganisation; registration: SamlRegistration }> {
  if (message.namespaceURI !== ns.samlp || message.localName !== name)
    throw new SamlRefused(`not_a_${name === 'AuthnRequest' ? 'authn' : 'logout'}_request`);
  const issuer = text(child(message, ns.saml, 'Issuer'));
  if (!issuer) throw new SamlRefused('no_issuer');
  const webdienst = await deps.store.findWebdienstByClientId(issuer);
  if (!webdienst || webdienst.protocol !== 'saml')
    throw new PoortwachterError('saml.unknown_webdienst', {
      status: 404,
      logMessage: 'SAML message refused: unknown_issuer',
    });
  return { webdienst, registration: trustedRegistration(deps.trust, webdienst) };
}

/** HTTP-Redirect binding (SAML Bindings 3.4): deflated message, signature over the query string. */
export async function readRedirectMessage(
  querystring: string,
  name: RequestName,
  deps: SignedMessageDeps,
): Promise<SignedMessage> {
  if (querystring.length > maxEncodedBytes * 3 + 4096) throw new SamlRefused('query_too_large', 414);
  const query = rawQuery(querystring);
  const rawRequest = query.get('SAMLRequest');
  if (!rawRequest) throw new SamlRefused('no_saml_request');
  const encoding = query.get('SAMLEncoding');
  if (
    encoding !== undefined &&
    decodeParameter(encoding) !== 'urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE'
  )
    throw new SamlRefused('unknown_encoding');
  const relayState = checkRelayState(query.has('RelayState') ? decodeParameter(query.get('RelayState')!) : undefined);
  let xml: string;
  try {
    // The limit holds while inflating, so a deflate bomb never fills memory.
    xml = inflateRawSync(base64Bytes(decodeParameter(rawRequest)), { maxOutputLength: maxXmlBytes }).toString('utf8');
  } catch (error) {
    if (error instanceof SamlRefused) throw error;
    throw new SamlRefused(
      (error as Error).name === 'RangeError' ? 'inflate_limit' : 'bad_deflate',
      (error as Error).name === 'RangeError' ? 413 : 400,
    );
  }
  const doc = parseXml(xml);
  const { webdienst, registration } = await senderOf(doc.documentElement, name, deps);

  const rawSigAlg = query.get('SigAlg');
  const rawSignature = query.get('Signature');
  if (!rawSigAlg || !rawSignature) throw new SamlRefused('unsigned');
  const sigAlg = decodeParameter(rawSigAlg);
  const hash = sigAlg === algorithms.rsaSha256 ? 'sha256' : sigAlg === algorithms.rsaSha512 ? 'sha512' : undefined;
  if (!hash) throw new SamlRefused('signature_algorithm_not_allowed');
  // SAML Bindings 3.4.4.1: the signed octets are the parameters as they appear in the query string.
  const signedOctets = Buffer.from(
    [
      `SAMLRequest=${rawRequest}`,
      ...(query.has('RelayState') ? [`RelayState=${query.get('RelayState')}`] : []),
      `SigAlg=${rawSigAlg}`,
    ].join('&'),
    'utf8',
  );
  const signature = base64Bytes(decodeParameter(rawSignature));
  const valid = registration.signingCertificates.some((certificate) => {
    try {
      return verifySignature(hash, signedOctets, createPublicKey(pemCertificate(certificate)), signature);
    } catch {
      return false;
    }
  });
  if (!valid) throw new SamlRefused('bad_signature');
  assertSchemaValid(xml);
  return { webdienst, registration, message: doc.documentElement, ...(relayState !== undefined ? { relayState } : {}) };
}

/** An enveloped signature on `message` (an element of `doc`, parsed from `xml`); the fields come from the signed bytes. */
async function verifiedEnveloped(
  xml: string,
  doc: Document,
  message: Element,
  name: RequestName,
  deps: SignedMessageDeps,
): Promise<Omit<SignedMessage, 'relayState'>> {
  const { webdienst, registration } = await senderOf(message, name, deps);
  const { element, canonical } = verifyEnvelopedSignature(xml, doc, message, registration.signingCertificates);
  assertSchemaValid(canonical);
  if (text(child(element, ns.saml, 'Issuer')) !== webdienst.clientId) throw new SamlRefused('issuer_changed');
  return { webdienst, registration, message: element };
}

/** HTTP-POST binding (SAML Bindings 3.5): an enveloped XML signature. */
export async function readPostMessage(
  form: Record<string, string>,
  name: RequestName,
  deps: SignedMessageDeps,
): Promise<SignedMessage> {
  const encoded = form.SAMLRequest;
  if (!encoded) throw new SamlRefused('no_saml_request');
  const relayState = checkRelayState(form.RelayState);
  const xml = base64Bytes(encoded).toString('utf8');
  const doc = parseXml(xml);
  return {
    ...(await verifiedEnveloped(xml, doc, doc.documentElement, name, deps)),
    ...(relayState !== undefined ? { relayState } : {}),
  };
}

/** SOAP binding (SAML Bindings 3.2): the message is the only child of the SOAP Body, signed enveloped. */
export async function readSoapMessage(
  body: string,
  name: RequestName,
  deps: SignedMessageDeps,
): Promise<SignedMessage> {
  const doc = parseXml(body);
  return verifiedEnveloped(body, doc, soapBodyMessage(doc, name), name, deps);
}

/** A request is fresh, within the configured age and clock skew; the problem, if any. */
export function issueInstantProblem(
  message: Element,
  window: { now: number; maxAgeMs: number; clockSkewMs: number },
): string | undefined {
  const issued = parseInstant(attribute(message, 'IssueInstant'));
  if (issued === undefined) return 'issue_instant_not_utc';
  if (issued < window.now - window.maxAgeMs) return 'issue_instant_too_old';
  if (issued > window.now + window.clockSkewMs) return 'issue_instant_in_future';
  return undefined;
}
