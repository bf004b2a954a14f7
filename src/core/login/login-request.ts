// The protocol-neutral login request and result: the OIDC and SAML front-ends
// translate their protocol into a LoginRequest, and a LoginResult back into their protocol.
import type { WebdienstProtocol, WebdienstWithOrganisation } from '../../stores/index.ts';
import type { Level } from '../levels.ts';

export interface LoginRequest {
  protocol: WebdienstProtocol;
  /** The front-end's own handle on the interaction (OIDC interaction uid, SAML request id). */
  protocolRef: string;
  webdienst: WebdienstWithOrganisation;
  /** The highest of the webdienst's minimum and what the request asked. */
  requiredLevel: Level;
  forceAuthentication: boolean;
  /** Where the browser goes when the login layer is done; the front-end picks up the result there. */
  resumeUrl: string;
  clientAddress: string;
  /** The citizen of a reusable session at a lower level: only the second factor is asked (step-up). */
  stepUpCitizenId?: string;
}

export type LoginResult =
  | { outcome: 'authenticated'; citizenId: string; level: Level; authenticatedAt: number }
  | { outcome: 'cancelled' }
  /** The level cannot be reached for this citizen (no second factor registered). */
  | { outcome: 'unmet' };
