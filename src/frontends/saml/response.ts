// The Response we send: Issuer; Status; on success one
// Assertion with Subject/NameID (`s00000000:<BSN>` without Format for a BSN-entitled organisation,
// else a persistent pairwise identifier), bearer SubjectConfirmation with InResponseTo, Recipient and
// NotOnOrAfter, Conditions -2/+2 minutes with the Audience, and an AuthnStatement with AuthnInstant,
// SessionIndex, SubjectLocality and the level's class URI. The Assertion is signed (and encrypted for a
// webdienst with an encryption certificate on HTTP-POST), then the Response.
// Every value is escaped, so a crafted value cannot add elements or attributes.
import { randomBytes } from 'node:crypto';
import type { Subject } from '../../core/subject.ts';
import { encryptAssertion } from './encryption.ts';
import type { SamlIdp } from './idp.ts';
import { signElement } from './signature.ts';
import { escapeXml, ns, samlInstant } from './xml.ts';

export const statusCodes = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  noAuthnContext: 'urn:oasis:names:tc:SAML:2.0:status:NoAuthnContext',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  noSupportedIdp: 'urn:oasis:names:tc:SAML:2.0:status:NoSupportedIDP',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
  unknownPrincipal: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
  requestUnsupported: 'urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported',
} as const;

export interface SamlStatus {
  code: string;
  subCode?: string;
  message?: string;
}

export interface AssertionContent {
  nameId: string;
  /** Undefined for the BSN NameID (no Format attribute). */
  nameIdFormat?: string;
  levelUri: string;
  authnInstant: number;
  sessionIndex: string;
  clientAddress: string;
}

export interface ResponseInput {
  idp: SamlIdp;
  inResponseTo: string;
  destination: string;
  audience: string;
  now: number;
  status: SamlStatus;
  assertion?: AssertionContent;
  /** The webdienst's encryption certificate: the signed Assertion is then sent encrypted (HTTP-POST). */
  encryptFor?: string;
}

export const samlId = (): string => `_${randomBytes(20).toString('hex')}`;

export const persistentFormat = 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent';

/** The subject as a NameID (NameIDPolicy is not consulted): the BSN with its sector prefix, or the pseudonym. */
export function nameIdOf(subject: Subject): { nameId: string; nameIdFormat?: string } {
  return subject.kind === 'bsn'
    ? { nameId: `s00000000:${subject.value}` }
    : { nameId: subject.value, nameIdFormat: persistentFormat };
}

export function statusXml(status: SamlStatus): string {
  const inner = status.subCode ? `<samlp:StatusCode Value="${escapeXml(status.subCode)}"/>` : '';
  return `<samlp:Status><samlp:StatusCode Value="${escapeXml(status.code)}">${inner}</samlp:StatusCode>${status.message ? `<samlp:StatusMessage>${escapeXml(status.message)}</samlp:StatusMessage>` : ''}</samlp:Status>`;
}

/** The NameID element as the webdienst got it in the assertion (and gets it again in a LogoutRequest). */
export function nameIdXml(
  nameId: { nameId: string; nameIdFormat?: string },
  idp: Pick<SamlIdp, 'entityId'>,
  audience: string,
): string {
  const format = nameId.nameIdFormat
    ? ` Format="${escapeXml(nameId.nameIdFormat)}" NameQualifier="${escapeXml(idp.entityId)}" SPNameQualifier="${escapeXml(audience)}"`
    : '';
  return `<saml:NameID${format}>${escapeXml(nameId.nameId)}</saml:NameID>`;
}

function assertionXml(input: ResponseInput, content: AssertionContent, id: string): string {
  const { idp, now } = input;
  const issuer = `<saml:Issuer>${escapeXml(idp.entityId)}</saml:Issuer>`;
  return (
    `<saml:Assertion xmlns:saml="${ns.saml}" ID="${id}" Version="2.0" IssueInstant="${samlInstant(now)}">${issuer}` +
    `<saml:Subject>${nameIdXml(content, idp, input.audience)}` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${escapeXml(input.inResponseTo)}" Recipient="${escapeXml(input.destination)}" NotOnOrAfter="${samlInstant(now + 2 * 60_000)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${samlInstant(now - 2 * 60_000)}" NotOnOrAfter="${samlInstant(now + 2 * 60_000)}"><saml:AudienceRestriction><saml:Audience>${escapeXml(input.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${samlInstant(content.authnInstant)}" SessionIndex="${escapeXml(content.sessionIndex)}"><saml:SubjectLocality Address="${escapeXml(content.clientAddress)}"/>` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>${escapeXml(content.levelUri)}</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion>`
  );
}

/** A signed Response (and a signed Assertion inside it on success), as XML without declaration. */
export function buildResponse(input: ResponseInput): string {
  const responseId = samlId();
  const assertionId = samlId();
  const open =
    `<samlp:Response xmlns:samlp="${ns.samlp}" xmlns:saml="${ns.saml}" ID="${responseId}" Version="2.0" IssueInstant="${samlInstant(input.now)}" Destination="${escapeXml(input.destination)}" InResponseTo="${escapeXml(input.inResponseTo)}">` +
    `<saml:Issuer>${escapeXml(input.idp.entityId)}</saml:Issuer>${statusXml(input.status)}`;
  let xml = `${open}${input.assertion ? `<!--assertion-->` : ''}</samlp:Response>`;
  if (input.assertion) {
    const assertion = signElement(
      assertionXml(input, input.assertion, assertionId),
      input.idp.signing,
      `/*[local-name(.)='Assertion']`,
    );
    xml = xml.replace('<!--assertion-->', () =>
      input.encryptFor ? encryptAssertion(assertion, input.encryptFor) : assertion,
    );
  }
  return signElement(xml, input.idp.signing, `/*[local-name(.)='Response']`);
}
