// Reading an AuthnRequest (HTTP-Redirect or HTTP-POST) and every check of SECURITY-TESTS.md 23-28 that
// samlify leaves to us (STACK.md): sizes and the inflate limit, no DOCTYPE, schema validation, a known
// Issuer selects the metadata, the signature with that metadata's keys only (Redirect: over the exact
// query string; POST: enveloped, fields read from the signed bytes), RSA-SHA256 or better, Destination,
// IssueInstant window, ACS by index or exact URL and binding. Replay is checked when it is stored.
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { PoortwachterError } from '../../core/errors.ts';
import { highestLevel, levelByName, levelFromUri, levels, type Level } from '../../core/levels.ts';
import type { Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { bindings, type SamlIdp } from './idp.ts';
import { algorithms, pemCertificate, verifyEnvelopedSignature } from './signature.ts';
import type { AssertionConsumerService, SamlRegistration } from './sp-metadata.ts';
import { assertSchemaValid, attribute, child, children, maxXmlBytes, ns, parseInstant, parseXml, SamlRefused, text } from './xml.ts';

export const maxRelayStateBytes = 80;
const maxEncodedBytes = 48 * 1024;

export interface VerifiedAuthnRequest {
  webdienst: WebdienstWithOrganisation;
  registration: SamlRegistration;
  requestId: string;
  acs: AssertionConsumerService;
  relayState?: string;
  forceAuthn: boolean;
  isPassive: boolean;
  /** The level to log in at, or 'unmet' when the request asks for a level we cannot deliver. */
  level: Level | 'unmet';
  /** Set when the request is signed and has a usable ACS but cannot be served: Requester/NoSupportedIDP. */
  invalid?: string;
}

export interface RequestCheckDeps {
  idp: SamlIdp;
  store: Pick<Store, 'findWebdienstByClientId'>;
  now: number;
  maxAgeMs: number;
  clockSkewMs: number;
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
  // SAML Bindings 3.4.3 and 3.5.3: RelayState MUST NOT exceed 80 bytes (SECURITY-TESTS.md 30).
  if (Buffer.byteLength(relayState, 'utf8') > maxRelayStateBytes) throw new SamlRefused('relay_state_too_long');
  return relayState;
}

async function webdienstOf(doc: Document, deps: RequestCheckDeps): Promise<{ webdienst: WebdienstWithOrganisation; registration: SamlRegistration }> {
  const root = doc.documentElement;
  if (root.namespaceURI !== ns.samlp || root.localName !== 'AuthnRequest') throw new SamlRefused('not_an_authn_request');
  const issuer = text(child(root, ns.saml, 'Issuer'));
  if (!issuer) throw new SamlRefused('no_issuer');
  const webdienst = await deps.store.findWebdienstByClientId(issuer);
  if (!webdienst || webdienst.protocol !== 'saml') throw new PoortwachterError('saml.unknown_webdienst', { status: 404, logMessage: 'SAML message refused: unknown_issuer' });
  return { webdienst, registration: webdienst.protocolMetadata as unknown as SamlRegistration };
}

/** HTTP-Redirect binding (SAML Bindings 3.4): deflated request, signature over the query string. */
export async function readRedirectRequest(querystring: string, deps: RequestCheckDeps): Promise<VerifiedAuthnRequest> {
  if (querystring.length > maxEncodedBytes * 3 + 4096) throw new SamlRefused('query_too_large', 414);
  const query = rawQuery(querystring);
  const rawRequest = query.get('SAMLRequest');
  if (!rawRequest) throw new SamlRefused('no_saml_request');
  const encoding = query.get('SAMLEncoding');
  if (encoding !== undefined && decodeParameter(encoding) !== 'urn:oasis:names:tc:SAML:2.0:bindings:URL-Encoding:DEFLATE') throw new SamlRefused('unknown_encoding');
  const relayState = checkRelayState(query.has('RelayState') ? decodeParameter(query.get('RelayState')!) : undefined);
  let xml: string;
  try {
    // SECURITY-TESTS.md 24: the limit holds while inflating, so a deflate bomb never fills memory.
    xml = inflateRawSync(base64Bytes(decodeParameter(rawRequest)), { maxOutputLength: maxXmlBytes }).toString('utf8');
  } catch (error) {
    if (error instanceof SamlRefused) throw error;
    throw new SamlRefused((error as Error).name === 'RangeError' ? 'inflate_limit' : 'bad_deflate', (error as Error).name === 'RangeError' ? 413 : 400);
  }
  const doc = parseXml(xml);
  const { webdienst, registration } = await webdienstOf(doc, deps);

  const rawSigAlg = query.get('SigAlg');
  const rawSignature = query.get('Signature');
  if (!rawSigAlg || !rawSignature) throw new SamlRefused('unsigned');
  const sigAlg = decodeParameter(rawSigAlg);
  const hash = sigAlg === algorithms.rsaSha256 ? 'sha256' : sigAlg === algorithms.rsaSha512 ? 'sha512' : undefined;
  if (!hash) throw new SamlRefused('signature_algorithm_not_allowed');
  // SAML Bindings 3.4.4.1: the signed octets are the parameters as they appear in the query string.
  const signedOctets = Buffer.from([`SAMLRequest=${rawRequest}`, ...(query.has('RelayState') ? [`RelayState=${query.get('RelayState')}`] : []), `SigAlg=${rawSigAlg}`].join('&'), 'utf8');
  const signature = base64Bytes(decodeParameter(rawSignature));
  const valid = registration.signingCertificates.some((certificate) => {
    try {
      return verifySignature(hash, signedOctets, createPublicKey(pemCertificate(certificate)), signature);
    } catch {
      return false;
    }
  });
  if (!valid) throw new SamlRefused('bad_signature');
  await assertSchemaValid(xml);
  return checkFields(doc.documentElement, webdienst, registration, relayState, deps);
}

/** HTTP-POST binding (SAML Bindings 3.5): an enveloped XML signature; fields read from the signed bytes. */
export async function readPostRequest(form: Record<string, string>, deps: RequestCheckDeps): Promise<VerifiedAuthnRequest> {
  const encoded = form.SAMLRequest;
  if (!encoded) throw new SamlRefused('no_saml_request');
  const relayState = checkRelayState(form.RelayState);
  const xml = base64Bytes(encoded).toString('utf8');
  const doc = parseXml(xml);
  const { webdienst, registration } = await webdienstOf(doc, deps);
  const { element, canonical } = verifyEnvelopedSignature(xml, doc, doc.documentElement, registration.signingCertificates);
  await assertSchemaValid(canonical);
  if (text(child(element, ns.saml, 'Issuer')) !== webdienst.clientId) throw new SamlRefused('issuer_changed');
  return checkFields(element, webdienst, registration, relayState, deps);
}

/**
 * The ACS to answer at (SECURITY-TESTS.md 27): by index, or by exact URL (and binding) from the metadata;
 * a named ACS that is unknown or not allowed for this webdienst is refused (no answer anywhere). A
 * ProtocolBinding alone names no endpoint, so one we do not answer with is an invalid request answered
 * at the default ACS (SAML core 3.4.1: without an ACS in the request the metadata's default is used).
 */
function chooseAcs(request: Element, registration: SamlRegistration): { acs: AssertionConsumerService; invalid?: string } {
  const allowed = (acs: AssertionConsumerService) => acs.binding === bindings.artifact || (acs.binding === bindings.post && registration.responseBinding === 'post');
  const indexValue = attribute(request, 'AssertionConsumerServiceIndex');
  const url = attribute(request, 'AssertionConsumerServiceURL');
  const protocolBinding = attribute(request, 'ProtocolBinding');
  if (indexValue !== undefined && (url !== undefined || protocolBinding !== undefined)) throw new SamlRefused('acs_index_and_url'); // SAML core 3.4.1
  let acs: AssertionConsumerService | undefined;
  if (indexValue !== undefined) {
    acs = registration.assertionConsumerServices.find((candidate) => String(candidate.index) === indexValue);
    if (!acs) throw new SamlRefused('acs_index_unknown');
  } else if (url !== undefined) {
    // SECURITY-TESTS.md 27: exactly a registered URL, and with the binding the metadata gives it.
    const matches = registration.assertionConsumerServices.filter((candidate) => candidate.location === url && (protocolBinding === undefined || candidate.binding === protocolBinding));
    acs = matches.find(allowed) ?? matches[0];
    if (!acs) throw new SamlRefused('acs_url_not_registered');
  } else {
    const usable = registration.assertionConsumerServices.filter(allowed);
    const preferred = usable.filter((candidate) => candidate.binding === (protocolBinding ?? (registration.responseBinding === 'post' ? bindings.post : bindings.artifact)));
    const fallback = usable.filter((candidate) => candidate.binding === (registration.responseBinding === 'post' ? bindings.post : bindings.artifact));
    const pick = (candidates: AssertionConsumerService[]) => candidates.find((candidate) => candidate.isDefault) ?? [...candidates].sort((a, b) => a.index - b.index)[0];
    acs = pick(preferred) ?? pick(fallback) ?? usable[0];
    if (!acs) throw new SamlRefused('no_usable_acs');
    if (protocolBinding !== undefined && acs.binding !== protocolBinding) return { acs, invalid: 'unsupported_protocol_binding' };
  }
  if (!allowed(acs)) throw new SamlRefused('acs_binding_not_allowed');
  return { acs };
}

/** RequestedAuthnContext (SAML core 3.3.2.2.1) against our levels; the webdienst's minimum always holds. */
function requestedLevel(request: Element, webdienst: WebdienstWithOrganisation): Level | 'unmet' {
  const minimum = levelByName(webdienst.minimumLevel);
  const context = child(request, ns.samlp, 'RequestedAuthnContext');
  if (!context) return minimum;
  const asked = children(context, ns.saml, 'AuthnContextClassRef').map((ref) => levelFromUri(text(ref) ?? ''));
  if (asked.length === 0 || asked.some((level) => level === undefined)) return 'unmet';
  const known = (asked as Level[]).sort((a, b) => a.rank - b.rank);
  const comparison = attribute(context, 'Comparison') ?? 'exact';
  let level: Level | undefined;
  if (comparison === 'exact' || comparison === 'minimum') level = known[0];
  else if (comparison === 'better') level = Object.values(levels).filter((candidate) => candidate.rank > known[0]!.rank).sort((a, b) => a.rank - b.rank)[0];
  else if (comparison === 'maximum') level = minimum.rank <= known[known.length - 1]!.rank ? minimum : undefined;
  if (!level) return 'unmet';
  const required = highestLevel(minimum, level);
  return required.offered ? required : 'unmet';
}

/**
 * Which failures get an error page and which a SAML answer. DESIGN.md section 5: an unknown Issuer,
 * unreadable XML or a bad signature get an error page and no SAML answer, and so does anything that
 * leaves us without a trustworthy place to answer (SECURITY-TESTS.md 27: an ACS not exactly in the
 * metadata, a wrong Destination) or that is not this webdienst's fresh request (28: a replayed ID).
 * A signed request from a known webdienst with a usable ACS that we cannot serve is an invalid request:
 * `Requester`/`NoSupportedIDP`, delivered like any answer ("an error is still delivered as an artifact").
 */
function checkFields(request: Element, webdienst: WebdienstWithOrganisation, registration: SamlRegistration, relayState: string | undefined, deps: RequestCheckDeps): VerifiedAuthnRequest {
  const requestId = attribute(request, 'ID') ?? '';
  if (!requestId || requestId.length > 256) throw new SamlRefused('bad_id');
  // SAML Bindings 3.4.5.2 / 3.5.5.2: a signed request names where it was sent.
  if (attribute(request, 'Destination') !== deps.idp.ssoUrl) throw new SamlRefused('wrong_destination');
  const { acs, invalid: acsInvalid } = chooseAcs(request, registration);

  const issuerElement = child(request, ns.saml, 'Issuer');
  const issuerFormat = issuerElement && attribute(issuerElement, 'Format');
  const issued = parseInstant(attribute(request, 'IssueInstant'));
  let invalid = acsInvalid;
  if (attribute(request, 'Version') !== '2.0') invalid ??= 'version';
  if (issuerFormat !== undefined && issuerFormat !== 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity') invalid ??= 'issuer_format';
  if (issued === undefined) invalid ??= 'issue_instant_not_utc';
  else if (issued < deps.now - deps.maxAgeMs) invalid ??= 'issue_instant_too_old'; // SECURITY-TESTS.md 28
  else if (issued > deps.now + deps.clockSkewMs) invalid ??= 'issue_instant_in_future';
  const bool = (name: string) => {
    const value = attribute(request, name);
    return value === 'true' || value === '1';
  };
  return {
    webdienst,
    registration,
    requestId,
    acs,
    ...(relayState !== undefined ? { relayState } : {}),
    forceAuthn: bool('ForceAuthn'),
    isPassive: bool('IsPassive'),
    level: requestedLevel(request, webdienst),
    ...(invalid ? { invalid } : {}),
  };
}
