// Single logout towards SAML webdiensten: a signed LogoutRequest in a SOAP
// envelope to the webdienst's SOAP SingleLogoutService, with the NameID and SessionIndex of our assertion.
// Only SOAP: by HTTP-Redirect the NameID (the BSN) would end up in a URL, and the back channel needs no
// browser. Confirmed only by a LogoutResponse to this request with top-level status Success.
import type { Logger } from 'pino';
import type { ConnectionObserver } from '../../core/checklist/observer.ts';
import type { Clock } from '../../core/clock.ts';
import type { LogoutNotifier } from '../../core/sso/single-logout.ts';
import type { SsoParticipantRow, Store, WebdienstWithOrganisation } from '../../stores/index.ts';
import { bindings, type SamlIdp } from './idp.ts';
import { nameIdOf, nameIdXml, samlId, statusCodes } from './response.ts';
import { subjectFor } from '../../core/subject.ts';
import { signElement, verifyEnvelopedSignature } from './signature.ts';
import { postSoap } from './soap-client.ts';
import { soapBodyMessage, soapEnvelope } from './soap.ts';
import { samlRegistrationOf, type SamlRegistration } from './sp-metadata.ts';
import { trustedRegistration } from './trusted-certificates.ts';
import type { CertificateTrust } from '../../core/trust/certificate-trust.ts';
import {
  assertSchemaValid,
  attribute,
  child,
  descendants,
  escapeXml,
  ns,
  parseXml,
  SamlRefused,
  samlInstant,
  text,
} from './xml.ts';

export interface SoapLogoutDeps {
  idp: SamlIdp;
  store: Pick<Store, 'findCitizenById'>;
  clock: Clock;
  pairwiseSalt: string;
  allowPrivateNetworkCalls: boolean;
  logger: Pick<Logger, 'warn'>;
  /** The connection checklist's observer (outside production). */
  observer?: ConnectionObserver;
  trust: CertificateTrust;
  /** Poortwachter's own client certificate for the SOAP calls (mutual TLS), when configured. */
  clientCertificate?: { cert: string; key: string };
  /** Extra CAs for the webdiensten's server certificates (tests; production uses the system's). */
  ca?: string[];
}

/** A webdienst that does not answer within this time is reported as not confirmed. */
const answerTimeoutMs = 5_000;
/** SAML core 3.7.1 NotOnOrAfter: the request is worthless after this. */
const requestLifetimeMs = 5 * 60_000;

function logoutRequestXml(
  deps: SoapLogoutDeps,
  input: {
    id: string;
    destination: string;
    nameId: { nameId: string; nameIdFormat?: string };
    audience: string;
    sessionIndex: string;
  },
): string {
  const now = deps.clock.now();
  return (
    `<samlp:LogoutRequest xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${input.id}" Version="2.0" IssueInstant="${samlInstant(now)}" Destination="${escapeXml(input.destination)}" NotOnOrAfter="${samlInstant(now + requestLifetimeMs)}" Reason="urn:oasis:names:tc:SAML:2.0:logout:user">` +
    `<saml:Issuer>${escapeXml(deps.idp.entityId)}</saml:Issuer>${nameIdXml(input.nameId, deps.idp, input.audience)}` +
    `<samlp:SessionIndex>${escapeXml(input.sessionIndex)}</samlp:SessionIndex></samlp:LogoutRequest>`
  );
}

/**
 * Whether the webdienst's SOAP answer confirms our LogoutRequest `requestId`. A signature, when present,
 * must verify with the webdienst's metadata keys. An unsigned answer is accepted: pysaml2 does not sign
 * SOAP LogoutResponses by default (`logout_responses_signed` is False in python3-pysaml2 7.0.1), and
 * SAML Bindings 3.2.2.2 lets the SOAP exchange rely on the TLS connection we opened to the endpoint
 * from the metadata (https in production, webdiensten.ts).
 */
function confirms(
  answer: string,
  requestId: string,
  webdienst: WebdienstWithOrganisation,
  registration: SamlRegistration,
): boolean {
  const doc = parseXml(answer);
  let response = soapBodyMessage(doc, 'LogoutResponse');
  if (descendants(doc, ns.ds, 'Signature').length > 0) {
    const { element, canonical } = verifyEnvelopedSignature(answer, doc, response, registration.signingCertificates);
    assertSchemaValid(canonical);
    response = element;
  }
  const issuer = text(child(response, ns.saml, 'Issuer'));
  if (issuer !== undefined && issuer !== webdienst.clientId) throw new SamlRefused('issuer_mismatch');
  if (attribute(response, 'InResponseTo') !== requestId) throw new SamlRefused('in_response_to_mismatch');
  const status = child(response, ns.samlp, 'Status');
  const code = status && child(status, ns.samlp, 'StatusCode');
  // SAML core 3.7.3.2: top-level Success, also with a second-level PartialLogout, means this webdienst ended its session.
  return !!code && attribute(code, 'Value') === statusCodes.success;
}

export function soapLogoutNotifier(deps: SoapLogoutDeps): LogoutNotifier {
  return async (participant: SsoParticipantRow, webdienst, session) => {
    const registration = samlRegistrationOf(webdienst);
    const endpoint = registration.singleLogoutServices?.find((service) => service.binding === bindings.soap);
    if (!endpoint) return false; // no way to reach it: the logged-out page names it
    const citizen = await deps.store.findCitizenById(session.citizenId);
    if (!citizen) return false;
    const id = samlId();
    const request = logoutRequestXml(deps, {
      id,
      destination: endpoint.location,
      nameId: nameIdOf(subjectFor(citizen, webdienst, deps.pairwiseSalt)),
      audience: webdienst.clientId,
      sessionIndex: participant.sessionRef,
    });
    try {
      const signed = signElement(request, deps.idp.signing, `/*[local-name(.)='LogoutRequest']`);
      const answer = await postSoap(endpoint.location, soapEnvelope(signed), {
        timeoutMs: answerTimeoutMs,
        allowPrivateNetwork: deps.allowPrivateNetworkCalls,
        ...(deps.clientCertificate ? { clientCertificate: deps.clientCertificate } : {}),
        ...(deps.ca ? { ca: deps.ca } : {}),
      });
      const confirmed = confirms(answer, id, webdienst, trustedRegistration(deps.trust, webdienst));
      if (!confirmed)
        deps.logger.warn({ webdienstId: webdienst.id }, 'SAML SOAP logout: the webdienst answered without Success');
      await deps.observer?.observe({
        webdienstId: webdienst.id,
        item: 'logout',
        ok: confirmed,
        evidence: confirmed
          ? `our SOAP LogoutRequest confirmed at ${endpoint.location}`
          : `our SOAP LogoutRequest at ${endpoint.location} answered without Success`,
      });
      return confirmed;
    } catch (error) {
      const reason = error instanceof SamlRefused ? error.reason : (error as Error).message.slice(0, 120);
      deps.logger.warn({ webdienstId: webdienst.id, reason }, 'SAML SOAP logout not confirmed');
      await deps.observer?.observe({
        webdienstId: webdienst.id,
        item: 'logout',
        ok: false,
        evidence: `no logout answer from ${endpoint.location}: ${reason}`,
      });
      return false;
    }
  };
}
