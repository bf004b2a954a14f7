// Ending an account: status revoked (its BSN is free for a new account), and
// every session it has ends with it: OIDC sessions at webdiensten, SSO sessions, Mijn Poortwachter.
// Runs inside the caller's transaction.
import type { Repositories } from '../../stores/index.ts';

export interface EndedSessions {
  endedOidcSessions: number;
  endedSsoSessions: number;
  endedAccountSessions: number;
}

export async function endAccount(store: Repositories, citizenId: string, at: number): Promise<EndedSessions> {
  await store.updateCitizenStatus(citizenId, 'revoked', at);
  return {
    endedOidcSessions: await store.deleteOidcSessionsOfAccount(citizenId),
    endedSsoSessions: await store.endSsoSessionsOfCitizen(citizenId, at),
    endedAccountSessions: await store.deleteAccountSessionsOfCitizen(citizenId),
  };
}
