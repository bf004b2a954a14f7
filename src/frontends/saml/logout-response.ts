// The LogoutResponse we send (SAML core 3.7.2) and its delivery: by HTTP-Redirect with
// the signature over the query string (SAML Bindings 3.4.4.1; the XML itself then carries none), or by
// HTTP-POST and SOAP with an enveloped signature. A LogoutResponse carries no NameID, so no BSN ends up
// in a URL.
import { sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { SamlIdp } from './idp.ts';
import { samlId, statusXml, type SamlStatus } from './response.ts';
import { algorithms, signElement } from './signature.ts';
import { escapeXml, ns, samlInstant } from './xml.ts';

export interface LogoutResponseInput {
  idp: SamlIdp;
  inResponseTo: string;
  /** The SP endpoint (SAML Bindings 3.4.5.2 and 3.5.5.2: a signed message names it); none on SOAP. */
  destination?: string;
  now: number;
  status: SamlStatus;
}

function logoutResponseXml(input: LogoutResponseInput): string {
  const destination = input.destination ? ` Destination="${escapeXml(input.destination)}"` : '';
  return (
    `<samlp:LogoutResponse xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${samlId()}" Version="2.0" IssueInstant="${samlInstant(input.now)}"${destination} InResponseTo="${escapeXml(input.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(input.idp.entityId)}</saml:Issuer>${statusXml(input.status)}</samlp:LogoutResponse>`
  );
}

/** For HTTP-POST and SOAP: the LogoutResponse with an enveloped signature. */
export function signedLogoutResponse(input: LogoutResponseInput): string {
  return signElement(logoutResponseXml(input), input.idp.signing, `/*[local-name(.)='LogoutResponse']`);
}

/** For HTTP-Redirect: the URL with the deflated LogoutResponse, RelayState, SigAlg and Signature. */
export function logoutResponseRedirectUrl(
  input: LogoutResponseInput & { destination: string; relayState?: string },
): string {
  const parts = [
    `SAMLResponse=${encodeURIComponent(deflateRawSync(Buffer.from(logoutResponseXml(input), 'utf8')).toString('base64'))}`,
  ];
  if (input.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(input.relayState)}`);
  parts.push(`SigAlg=${encodeURIComponent(algorithms.rsaSha256)}`);
  const signature = sign('sha256', Buffer.from(parts.join('&'), 'utf8'), input.idp.signing.privateKey);
  parts.push(`Signature=${encodeURIComponent(signature.toString('base64'))}`);
  return `${input.destination}${input.destination.includes('?') ? '&' : '?'}${parts.join('&')}`;
}
