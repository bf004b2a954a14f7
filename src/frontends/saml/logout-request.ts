// Reading a LogoutRequest from a webdienst (SAML core 3.7.1) by HTTP-Redirect, HTTP-POST or SOAP: the
// binding, signature and sender as for AuthnRequests (signed-message.ts), then
// ID, Version, Destination, the IssueInstant window and NotOnOrAfter, and who is to be logged out:
// the NameID and the SessionIndexes the webdienst was given in our assertion.
import type { WebdienstWithOrganisation } from '../../stores/index.ts';
import {
  issueInstantProblem,
  readPostMessage,
  readRedirectMessage,
  readSoapMessage,
  type SignedMessage,
  type SignedMessageDeps,
} from './signed-message.ts';
import type { SamlRegistration } from './sp-metadata.ts';
import { attribute, child, children, ns, parseInstant, SamlRefused, text } from './xml.ts';

export type LogoutBinding = 'redirect' | 'post' | 'soap';

export interface VerifiedLogoutRequest {
  webdienst: WebdienstWithOrganisation;
  registration: SamlRegistration;
  binding: LogoutBinding;
  requestId: string;
  relayState?: string;
  nameId: string;
  /** SAML core 3.7.1: without a SessionIndex the request is about every session of the principal. */
  sessionIndexes: string[];
}

export interface LogoutRequestCheckDeps extends SignedMessageDeps {
  sloUrl: string;
  now: number;
  maxAgeMs: number;
  clockSkewMs: number;
}

const maxSessionIndexes = 20;

/** The checks on what a verified LogoutRequest says; any failure is refused (an error page, nothing ended). */
function checkFields(
  { message, webdienst, registration, relayState }: SignedMessage,
  binding: LogoutBinding,
  deps: LogoutRequestCheckDeps,
): VerifiedLogoutRequest {
  const requestId = attribute(message, 'ID') ?? '';
  if (!requestId || requestId.length > 256) throw new SamlRefused('bad_id');
  if (attribute(message, 'Version') !== '2.0') throw new SamlRefused('version');
  // SAML Bindings 3.4.5.2 / 3.5.5.2: a signed message names where it was sent; on SOAP it may be left
  // out (like an ArtifactResolve), but it is never another endpoint.
  const destination = attribute(message, 'Destination');
  if (destination !== deps.sloUrl && !(binding === 'soap' && destination === undefined))
    throw new SamlRefused('wrong_destination');
  const stale = issueInstantProblem(message, deps);
  if (stale) throw new SamlRefused(stale);
  const notOnOrAfter = attribute(message, 'NotOnOrAfter');
  if (notOnOrAfter !== undefined) {
    const until = parseInstant(notOnOrAfter);
    if (until === undefined || until + deps.clockSkewMs <= deps.now) throw new SamlRefused('logout_request_expired'); // SAML core 3.7.3.2
  }
  // We never encrypt NameIDs, so a BaseID or EncryptedID cannot be one of ours.
  const nameId = text(child(message, ns.saml, 'NameID'));
  if (!nameId) throw new SamlRefused('no_name_id');
  const sessionIndexes = children(message, ns.samlp, 'SessionIndex').map((element) => text(element) ?? '');
  if (sessionIndexes.length > maxSessionIndexes || sessionIndexes.some((index) => !index || index.length > 256))
    throw new SamlRefused('bad_session_index');
  return {
    webdienst,
    registration,
    binding,
    requestId,
    ...(relayState !== undefined ? { relayState } : {}),
    nameId,
    sessionIndexes,
  };
}

export async function readRedirectLogoutRequest(
  querystring: string,
  deps: LogoutRequestCheckDeps,
): Promise<VerifiedLogoutRequest> {
  return checkFields(await readRedirectMessage(querystring, 'LogoutRequest', deps), 'redirect', deps);
}

export async function readPostLogoutRequest(
  form: Record<string, string>,
  deps: LogoutRequestCheckDeps,
): Promise<VerifiedLogoutRequest> {
  return checkFields(await readPostMessage(form, 'LogoutRequest', deps), 'post', deps);
}

export async function readSoapLogoutRequest(
  body: string,
  deps: LogoutRequestCheckDeps,
): Promise<VerifiedLogoutRequest> {
  return checkFields(await readSoapMessage(body, 'LogoutRequest', deps), 'soap', deps);
}
