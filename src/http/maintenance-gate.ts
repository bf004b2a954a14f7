// Maintenance mode at the door: while it is on, a citizen who opens a login page or Mijn
// Poortwachter gets the maintenance page, and a webdienst calling the token endpoint gets OAuth's
// temporarily_unavailable, both 503 with Retry-After (RFC 9110 15.6.4). The protocols' own answers
// to new requests are given where the request is understood: the OIDC authorization endpoint in
// frontends/oidc/maintenance-check.ts, the SAML SSO service in frontends/saml/routes.ts.
import type { Context, Middleware } from 'koa';
import { retryAfterSeconds, type MaintenanceMode, type MaintenanceState } from '../core/maintenance.ts';
import type { Clock } from '../core/clock.ts';
import type { Locale } from './i18n.ts';
import { localTime } from './local-time.ts';
import { render } from './views.ts';

export interface MaintenanceGateDeps {
  maintenance: MaintenanceMode;
  clock: Clock;
  /** Path prefixes of the pages citizens see: the login pages, Mijn Poortwachter, OIDC interactions. */
  citizenPaths: string[];
  /** oidc-provider's token endpoint. */
  tokenPath: string;
}

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export function maintenanceGate(deps: MaintenanceGateDeps): Middleware {
  return async (ctx, next) => {
    const isToken = ctx.path === deps.tokenPath;
    if (!isToken && !deps.citizenPaths.some((prefix) => under(ctx.path, prefix))) {
      await next();
      return;
    }
    const state = await deps.maintenance.current();
    if (!state) {
      await next();
      return;
    }
    const now = deps.clock.now();
    ctx.set('Retry-After', String(retryAfterSeconds(state, now)));
    ctx.set('Cache-Control', 'no-store');
    if (isToken) {
      // RFC 6749 5.2 error body; OIDC Core 3.1.2.6 names temporarily_unavailable for this situation.
      ctx.status = 503;
      ctx.body = {
        error: 'temporarily_unavailable',
        error_description: 'the service is down for maintenance; try again later',
      };
      return;
    }
    renderMaintenancePage(ctx, state, now);
  };
}

export function renderMaintenancePage(ctx: Context, state: MaintenanceState, now: number): void {
  const locale = (ctx.state.locale as Locale | undefined) ?? 'nl';
  render(
    ctx,
    'errors/maintenance.njk',
    {
      message: locale === 'en' ? (state.messageEn ?? state.messageNl) : (state.messageNl ?? state.messageEn),
      expectedEnd:
        state.expectedEndAt !== null && state.expectedEndAt > now ? localTime(state.expectedEndAt, locale) : undefined,
    },
    503,
  );
}
