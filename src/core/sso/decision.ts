// Whether an SSO session may stand in for a login. Pure: the clock and the
// timeouts come in, so every rule is testable on its own.
import { levelByName, type Level } from '../levels.ts';
import type { SsoSessionRow } from '../../stores/index.ts';

export interface SsoTimeouts {
  /** No activity at any webdienst of the federation for this long ends the session. */
  idleSeconds: number;
  /** The session ends this long after the citizen authenticated, whatever the activity. */
  absoluteSeconds: number;
  /** End the session when the request comes from another client address than the login. */
  endOnAddressChange: boolean;
}

export interface SsoRequest {
  requiredLevel: Level;
  /** SAML ForceAuthn, OIDC prompt=login. */
  forceAuthentication: boolean;
  /** OIDC max_age: the authentication may be at most this old. */
  maxAgeSeconds?: number;
  clientAddress: string;
}

export type AuthenticateReason =
  'no_session' | 'no_federation' | 'ended' | 'idle' | 'absolute' | 'address_changed' | 'forced' | 'max_age';

export type SsoDecision =
  | { kind: 'authenticate'; reason: AuthenticateReason }
  /** Same citizen, only the second factor asked (never accepted at a lower level). */
  | { kind: 'step_up'; session: SsoSessionRow }
  | { kind: 'reuse'; session: SsoSessionRow };

export function isLive(session: SsoSessionRow, now: number, timeouts: SsoTimeouts): boolean {
  return (
    session.endedAt === null &&
    now - session.lastActivityAt < timeouts.idleSeconds * 1000 &&
    now - session.authenticatedAt < timeouts.absoluteSeconds * 1000
  );
}

export function decideSso(
  session: SsoSessionRow | undefined,
  request: SsoRequest,
  now: number,
  timeouts: SsoTimeouts,
): SsoDecision {
  if (!session) return { kind: 'authenticate', reason: 'no_session' };
  if (session.endedAt !== null) return { kind: 'authenticate', reason: 'ended' };
  if (now - session.authenticatedAt >= timeouts.absoluteSeconds * 1000)
    return { kind: 'authenticate', reason: 'absolute' };
  if (now - session.lastActivityAt >= timeouts.idleSeconds * 1000) return { kind: 'authenticate', reason: 'idle' };
  if (timeouts.endOnAddressChange && session.clientAddress !== request.clientAddress)
    return { kind: 'authenticate', reason: 'address_changed' };
  if (request.forceAuthentication) return { kind: 'authenticate', reason: 'forced' };
  if (request.maxAgeSeconds !== undefined && now - session.authenticatedAt > request.maxAgeSeconds * 1000)
    return { kind: 'authenticate', reason: 'max_age' };
  const reached = levelByName(session.level);
  return reached.rank >= request.requiredLevel.rank ? { kind: 'reuse', session } : { kind: 'step_up', session };
}
