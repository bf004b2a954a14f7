// Single logout: the SSO session ends, and every other webdienst that
// received an authentication from it is told, whatever protocol it speaks. Each front-end brings the
// notifier for its protocol (OIDC back-channel logout token, SAML SOAP LogoutRequest). The session
// ends even when a webdienst cannot be reached; the report says which ones did not confirm.
import type {
  SsoParticipantRow,
  SsoSessionRow,
  Store,
  WebdienstProtocol,
  WebdienstWithOrganisation,
} from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import type { SsoSessions } from './sessions.ts';

/** Tells one webdienst that the session ended; true when the webdienst confirmed. */
export type LogoutNotifier = (
  participant: SsoParticipantRow,
  webdienst: WebdienstWithOrganisation,
  session: SsoSessionRow,
) => Promise<boolean>;
export type LogoutNotifiers = Partial<Record<WebdienstProtocol, LogoutNotifier>>;

export interface LogoutOutcome {
  webdienst: Pick<WebdienstWithOrganisation, 'id' | 'name' | 'protocol'>;
  confirmed: boolean;
}

export interface LogoutReport {
  /** False when the session had ended already (another request or process did the logout). */
  ended: boolean;
  outcomes: LogoutOutcome[];
}

export interface SingleLogoutDeps {
  sso: SsoSessions;
  store: Pick<Store, 'findWebdienstById'>;
  audit: AuditLog;
  notifiers: LogoutNotifiers;
}

export function createSingleLogout(deps: SingleLogoutDeps) {
  /**
   * Ends the session everywhere. The initiator (a webdienst that started the logout) is answered by
   * its front-end, not notified; `notifiedAlready` protocols were told by their front-end (oidc-provider
   * sends back-channel logout tokens itself on RP-initiated logout).
   */
  return async function endEverywhere(
    session: SsoSessionRow,
    options: { initiatorWebdienstId?: string; notifiedAlready?: WebdienstProtocol[] } = {},
  ): Promise<LogoutReport> {
    const { initiatorWebdienstId, notifiedAlready = [] } = options;
    const participants = await deps.sso.end(session);
    if (!participants) return { ended: false, outcomes: [] };
    const others = participants.filter(
      (participant) =>
        participant.webdienstId !== initiatorWebdienstId && !notifiedAlready.includes(participant.protocol),
    );
    const outcomes = await Promise.all(others.map((participant) => notify(deps, participant, session)));
    const unconfirmed = outcomes.filter((outcome) => !outcome.confirmed).map((outcome) => outcome.webdienst.id);
    await deps.audit.record({
      type: 'sso.logout',
      outcome: unconfirmed.length ? 'failure' : 'success',
      citizenId: session.citizenId,
      webdienstId: initiatorWebdienstId,
      reason: unconfirmed.length ? 'partial_logout' : undefined,
      details: { notified: outcomes.length, unconfirmed: unconfirmed.join(',') },
    });
    return { ended: true, outcomes };
  };
}
export type SingleLogout = ReturnType<typeof createSingleLogout>;

async function notify(
  deps: SingleLogoutDeps,
  participant: SsoParticipantRow,
  session: SsoSessionRow,
): Promise<LogoutOutcome> {
  const webdienst = await deps.store.findWebdienstById(participant.webdienstId);
  if (!webdienst)
    return {
      webdienst: { id: participant.webdienstId, name: participant.webdienstId, protocol: participant.protocol },
      confirmed: false,
    };
  const notifier = deps.notifiers[participant.protocol];
  // A webdienst without a way to be told (no back-channel URI, no SLO endpoint) has nothing to end.
  const confirmed = notifier ? await notifier(participant, webdienst, session).catch(() => false) : true;
  return { webdienst: { id: webdienst.id, name: webdienst.name, protocol: webdienst.protocol }, confirmed };
}
