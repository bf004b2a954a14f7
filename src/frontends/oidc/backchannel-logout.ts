// Single logout towards OIDC webdiensten (OpenID Connect Back-Channel Logout 1.0, section 2.5): a
// logout token for the citizen's pairwise sub and the webdienst's sid, posted to its registered URI.
import type Provider from 'oidc-provider';
import type { LogoutNotifier } from '../../core/sso/single-logout.ts';

export function backchannelLogoutNotifier(provider: Provider): LogoutNotifier {
  return async (participant, webdienst, session) => {
    const client = webdienst.clientId ? await provider.Client.find(webdienst.clientId) : undefined;
    if (!client?.backchannelLogoutUri) return true; // nothing registered: nothing to tell
    // oidc-provider turns the account id into the client's pairwise sub when it issues the token
    // (its typings do not declare this method of Client).
    const withLogout = client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> };
    await withLogout.backchannelLogout(session.citizenId, participant.sessionRef);
    return true;
  };
}
