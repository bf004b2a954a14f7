// What a verified LogoutRequest ends (SAML core 3.7.3): the SSO session the
// webdienst joined under the SessionIndex it names, or, when it names none, the browser's session in the
// webdienst's federation. The NameID must be the one the webdienst got for that session's citizen. The
// core then ends the session and tells the other webdiensten; their outcomes decide the status.
import type { LogoutOutcome, SingleLogout } from '../../core/sso/single-logout.ts';
import type { SsoSessions } from '../../core/sso/sessions.ts';
import type { SsoSessionRow, Store } from '../../stores/index.ts';
import type { VerifiedLogoutRequest } from './logout-request.ts';
import { nameIdOf, statusCodes, type SamlStatus } from './response.ts';
import { subjectFor } from '../../core/subject.ts';

export interface SamlLogoutDeps {
  store: Pick<Store, 'findCitizenById'>;
  sso: SsoSessions;
  singleLogout: SingleLogout;
  pairwiseSalt: string;
}

export interface SamlLogoutResult {
  status: SamlStatus;
  outcomes: LogoutOutcome[];
  /** Why nothing was ended, for the audit log. */
  reason?: 'no_live_session' | 'unknown_principal';
  citizenId?: string;
}

async function sessionFor(
  request: VerifiedLogoutRequest,
  browserToken: string | undefined,
  deps: SamlLogoutDeps,
): Promise<SsoSessionRow | undefined> {
  for (const sessionIndex of request.sessionIndexes) {
    const session = await deps.sso.findByParticipant(request.webdienst.id, sessionIndex);
    if (session) return session;
  }
  return request.sessionIndexes.length === 0 ? deps.sso.findLive(browserToken, request.webdienst) : undefined;
}

export function createSamlLogout(deps: SamlLogoutDeps) {
  return async function logOut(
    request: VerifiedLogoutRequest,
    browserToken: string | undefined,
  ): Promise<SamlLogoutResult> {
    const session = await sessionFor(request, browserToken, deps);
    // Nothing left to end (timed out, ended by another logout): the webdienst may end its own session.
    if (!session) return { status: { code: statusCodes.success }, outcomes: [], reason: 'no_live_session' };
    const citizen = await deps.store.findCitizenById(session.citizenId);
    if (!citizen || nameIdOf(subjectFor(citizen, request.webdienst, deps.pairwiseSalt)).nameId !== request.nameId) {
      return {
        status: { code: statusCodes.requester, subCode: statusCodes.unknownPrincipal },
        outcomes: [],
        reason: 'unknown_principal',
      };
    }
    const report = await deps.singleLogout(session, { initiatorWebdienstId: request.webdienst.id });
    // SAML core 3.7.3.2: Success, with the second-level PartialLogout when a webdienst did not confirm.
    const partial = report.outcomes.some((outcome) => !outcome.confirmed);
    return {
      status: partial
        ? { code: statusCodes.success, subCode: statusCodes.partialLogout }
        : { code: statusCodes.success },
      outcomes: report.outcomes,
      citizenId: session.citizenId,
    };
  };
}
export type SamlLogout = ReturnType<typeof createSamlLogout>;
