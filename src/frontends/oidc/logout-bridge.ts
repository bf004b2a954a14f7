// RP-initiated logout (OIDC RP-Initiated Logout 1.0) ends the login layer's SSO sessions too
// (single logout reaches every webdienst, whatever its protocol). oidc-provider
// ends its own session and sends back-channel logout tokens to the OIDC webdiensten in it; this
// middleware, around the provider, then ends every SSO session of the browser and tells the others.
// When the citizen lands on our "logged out" page, it lists where that could not be confirmed.
import type { Context, Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { readSsoCookie } from '../../login/sso-cookie.ts';
import type { SsoSessions } from '../../core/sso/sessions.ts';
import type { LogoutOutcome, SingleLogout } from '../../core/sso/single-logout.ts';
import { render } from '../../http/views.ts';
import type { Store } from '../../stores/index.ts';

export interface LogoutBridgeDeps {
  store: Pick<Store, 'findWebdienstByClientId'>;
  sso: SsoSessions;
  singleLogout: SingleLogout;
}

const confirmPath = '/session/end/confirm';
const successPath = '/session/end/success';

export function endSsoOnOidcLogout(deps: LogoutBridgeDeps): Middleware {
  return async (ctx, next) => {
    const confirming = ctx.method === 'POST' && ctx.path === confirmPath;
    const browserToken = confirming ? readSsoCookie(ctx) : undefined;
    await next();
    const oidc = (ctx as unknown as KoaContextWithOIDC).oidc;
    // "logout" is the citizen's yes on the confirmation page; without it only that webdienst's state ends.
    if (!confirming || !oidc?.params?.logout || ctx.status >= 400) return;
    const clientId = oidc.client?.clientId;
    const initiator = clientId ? await deps.store.findWebdienstByClientId(clientId) : undefined;
    const outcomes: LogoutOutcome[] = [];
    for (const session of await deps.sso.findAllLive(browserToken)) {
      const report = await deps.singleLogout(session, {
        initiatorWebdienstId: initiator?.id,
        notifiedAlready: ['oidc'],
      });
      outcomes.push(...report.outcomes);
    }
    if (isRedirectTo(ctx, successPath)) showLoggedOut(ctx, outcomes);
  };
}

function isRedirectTo(ctx: Context, path: string): boolean {
  const location = ctx.response.get('Location');
  return ctx.status >= 300 && ctx.status < 400 && !!location && new URL(location, 'http://x').pathname === path;
}

/** Our "logged out" page at once, with the outcomes, instead of oidc-provider's redirect to its own. */
function showLoggedOut(ctx: Context, outcomes: LogoutOutcome[]): void {
  ctx.remove('Location');
  render(ctx, 'logout/done.njk', { logoutReport: { outcomes } });
}
