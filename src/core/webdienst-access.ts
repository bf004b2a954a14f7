// Whether a webdienst may log citizens in at all: not while it, or its organisation, is suspended
// (aansluiten). The front-ends translate a refusal into their protocol's error:
// OIDC `unauthorized_client` at the redirect URI (RFC 6749 section 4.1.2.1), SAML a Response with
// `Responder`/`RequestDenied` (SAML Core 3.2.2.2).
import type { WebdienstWithOrganisation } from '../stores/index.ts';

export type LoginRefusal = 'webdienst_suspended' | 'organisation_suspended';

export function loginRefusal(webdienst: WebdienstWithOrganisation): LoginRefusal | undefined {
  if (webdienst.suspendedAt) return 'webdienst_suspended';
  if (webdienst.organisation.suspendedAt) return 'organisation_suspended';
  return undefined;
}

/** The text for the webdienst's log (never shown to a citizen as is). */
export const refusalDescription: Record<LoginRefusal, string> = {
  webdienst_suspended: 'this webdienst is suspended and cannot log citizens in',
  organisation_suspended: "this webdienst's organisation is suspended and cannot log citizens in",
};
