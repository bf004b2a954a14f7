// Reading an AuthnRequest (HTTP-Redirect or HTTP-POST) and every check that
// samlify leaves to us: the binding, sizes, schema, Issuer and signature in signed-message.ts;
// here Destination, IssueInstant window, ACS by index or exact URL and binding, and the requested level.
// Replay is checked when it is stored.
import type { Level } from '../../core/levels.ts';
import { requiredLevel, type LevelComparison } from '../../core/required-level.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import type { Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { bindings, type SamlIdp } from './idp.ts';
import { issueInstantProblem, readPostMessage, readRedirectMessage, type SignedMessage } from './signed-message.ts';
import type { AssertionConsumerService, SamlRegistration } from './sp-metadata.ts';
import { attribute, child, children, ns, SamlRefused, text } from './xml.ts';

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
  trust: CertificateTrust;
  now: number;
  maxAgeMs: number;
  clockSkewMs: number;
}

/** HTTP-Redirect binding (SAML Bindings 3.4): deflated request, signature over the query string. */
export async function readRedirectRequest(querystring: string, deps: RequestCheckDeps): Promise<VerifiedAuthnRequest> {
  return checkFields(await readRedirectMessage(querystring, 'AuthnRequest', deps), deps);
}

/** HTTP-POST binding (SAML Bindings 3.5): an enveloped XML signature; fields read from the signed bytes. */
export async function readPostRequest(
  form: Record<string, string>,
  deps: RequestCheckDeps,
): Promise<VerifiedAuthnRequest> {
  return checkFields(await readPostMessage(form, 'AuthnRequest', deps), deps);
}

/**
 * The ACS to answer at: by index, or by exact URL (and binding) from the metadata;
 * a named ACS that is unknown or not allowed for this webdienst is refused (no answer anywhere). A
 * ProtocolBinding alone names no endpoint, so one we do not answer with is an invalid request answered
 * at the default ACS (SAML core 3.4.1: without an ACS in the request the metadata's default is used).
 */
function chooseAcs(
  request: Element,
  registration: SamlRegistration,
): { acs: AssertionConsumerService; invalid?: string } {
  const allowed = (acs: AssertionConsumerService) =>
    acs.binding === bindings.artifact || (acs.binding === bindings.post && registration.responseBinding === 'post');
  const indexValue = attribute(request, 'AssertionConsumerServiceIndex');
  const url = attribute(request, 'AssertionConsumerServiceURL');
  const protocolBinding = attribute(request, 'ProtocolBinding');
  if (indexValue !== undefined && (url !== undefined || protocolBinding !== undefined))
    throw new SamlRefused('acs_index_and_url'); // SAML core 3.4.1
  let acs: AssertionConsumerService | undefined;
  if (indexValue !== undefined) {
    acs = registration.assertionConsumerServices.find((candidate) => String(candidate.index) === indexValue);
    if (!acs) throw new SamlRefused('acs_index_unknown');
  } else if (url !== undefined) {
    // Exactly a registered URL, and with the binding the metadata gives it.
    const matches = registration.assertionConsumerServices.filter(
      (candidate) =>
        candidate.location === url && (protocolBinding === undefined || candidate.binding === protocolBinding),
    );
    acs = matches.find(allowed) ?? matches[0];
    if (!acs) throw new SamlRefused('acs_url_not_registered');
  } else {
    const usable = registration.assertionConsumerServices.filter(allowed);
    const preferred = usable.filter(
      (candidate) =>
        candidate.binding ===
        (protocolBinding ?? (registration.responseBinding === 'post' ? bindings.post : bindings.artifact)),
    );
    const fallback = usable.filter(
      (candidate) =>
        candidate.binding === (registration.responseBinding === 'post' ? bindings.post : bindings.artifact),
    );
    const pick = (candidates: AssertionConsumerService[]) =>
      candidates.find((candidate) => candidate.isDefault) ?? [...candidates].sort((a, b) => a.index - b.index)[0];
    acs = pick(preferred) ?? pick(fallback) ?? usable[0];
    if (!acs) throw new SamlRefused('no_usable_acs');
    if (protocolBinding !== undefined && acs.binding !== protocolBinding)
      return { acs, invalid: 'unsupported_protocol_binding' };
  }
  if (!allowed(acs)) throw new SamlRefused('acs_binding_not_allowed');
  return { acs };
}

/** RequestedAuthnContext (SAML core 3.3.2.2.1) as the login core's ask; the core decides the level. */
function requestedLevel(request: Element, webdienst: WebdienstWithOrganisation): Level | 'unmet' {
  const context = child(request, ns.samlp, 'RequestedAuthnContext');
  if (!context) return requiredLevel(webdienst.minimumLevel);
  const comparison = attribute(context, 'Comparison') ?? 'exact';
  if (!['exact', 'minimum', 'better', 'maximum'].includes(comparison)) return 'unmet';
  return requiredLevel(webdienst.minimumLevel, {
    comparison: comparison as LevelComparison,
    uris: children(context, ns.saml, 'AuthnContextClassRef').map((ref) => text(ref) ?? ''),
    unknownUris: 'unmet',
  });
}

/**
 * Which failures get an error page and which a SAML answer. An unknown Issuer,
 * unreadable XML or a bad signature get an error page and no SAML answer, and so does anything that
 * leaves us without a trustworthy place to answer (an ACS not exactly in the
 * metadata, a wrong Destination) or that is not this webdienst's fresh request (28: a replayed ID).
 * A signed request from a known webdienst with a usable ACS that we cannot serve is an invalid request:
 * `Requester`/`NoSupportedIDP`, delivered like any answer ("an error is still delivered as an artifact").
 */
function checkFields(
  { message: request, webdienst, registration, relayState }: SignedMessage,
  deps: RequestCheckDeps,
): VerifiedAuthnRequest {
  const requestId = attribute(request, 'ID') ?? '';
  if (!requestId || requestId.length > 256) throw new SamlRefused('bad_id');
  // SAML Bindings 3.4.5.2 / 3.5.5.2: a signed request names where it was sent.
  if (attribute(request, 'Destination') !== deps.idp.ssoUrl) throw new SamlRefused('wrong_destination');
  const { acs, invalid: acsInvalid } = chooseAcs(request, registration);

  const issuerElement = child(request, ns.saml, 'Issuer');
  const issuerFormat = issuerElement && attribute(issuerElement, 'Format');
  let invalid = acsInvalid;
  if (attribute(request, 'Version') !== '2.0') invalid ??= 'version';
  if (issuerFormat !== undefined && issuerFormat !== 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity')
    invalid ??= 'issuer_format';
  invalid ??= issueInstantProblem(request, deps);
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
