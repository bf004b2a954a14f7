// oidc-provider keeps its own session across all its clients; the SSO rules are the login layer's
//. This login-prompt check lets oidc-provider reuse its session only when the
// browser's SSO session in the client's federation is live and belongs to the same citizen; then the
// webdienst joins that SSO session (its sid is what single logout needs) and the activity counts.
// Otherwise the login prompt starts, and the login layer decides (password, or the SSO session).
// A reuse also starts the login prompt when the federation shows the interstitial page ("you are
// logged in as ..."), except on prompt=none, which allows no page at all.
import { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import type { Clock } from '../../core/clock.ts';
import type { SsoSessions } from '../../core/sso/sessions.ts';
import { readSsoCookie } from '../../login/sso-cookie.ts';
import { levelByName } from '../../core/levels.ts';
import type { SsoSessionRow, Store } from '../../stores/index.ts';

const { Check } = interactionPolicy;

export const ssoSessionMissing = 'sso_session_missing';

/**
 * OIDC Core 3.1.2.1 max_age, on the login layer's clock (the one the SSO timeouts use) rather than
 * oidc-provider's own: the time since the citizen last gave credentials (auth_time) may not exceed it.
 * Replaces oidc-provider's built-in check of the same name, so its reason stays `max_age`.
 */
export function maxAgeCheck(clock: Clock) {
  return new Check(
    'max_age',
    'End-User authentication could not be obtained',
    'login_required',
    (ctx: KoaContextWithOIDC) => {
      const { session, params, result } = ctx.oidc;
      if (params?.max_age === undefined) return Check.NO_NEED_TO_PROMPT;
      if (!session?.accountId) return Check.REQUEST_PROMPT;
      if (result?.login) return Check.NO_NEED_TO_PROMPT;
      const authenticatedAt = session.authTime();
      return authenticatedAt === undefined || clock.now() - authenticatedAt * 1000 > Number(params.max_age) * 1000
        ? Check.REQUEST_PROMPT
        : Check.NO_NEED_TO_PROMPT;
    },
  );
}

/**
 * The live SSO session of the browser in the client's federation, when it belongs to the citizen of
 * oidc-provider's session; looked up once per request. oidc-provider evaluates the login checks
 * side by side, so each check that needs it asks here rather than relying on another check.
 */
export function federationSessionLookup(store: Pick<Store, 'findWebdienstByClientId'>, sso: SsoSessions) {
  const cache = new WeakMap<object, Promise<SsoSessionRow | undefined>>();
  return (ctx: KoaContextWithOIDC): Promise<SsoSessionRow | undefined> => {
    let found = cache.get(ctx);
    if (!found) {
      found = (async () => {
        const { session, client } = ctx.oidc;
        if (!session?.accountId || !client) return undefined;
        const webdienst = await store.findWebdienstByClientId(client.clientId);
        const live = webdienst && (await sso.findLive(readSsoCookie(ctx), webdienst));
        return live?.citizenId === session.accountId ? live : undefined;
      })();
      cache.set(ctx, found);
    }
    return found;
  };
}
export type FederationSessionLookup = ReturnType<typeof federationSessionLookup>;

export function ssoSessionCheck(
  store: Pick<Store, 'findWebdienstByClientId'>,
  sso: SsoSessions,
  federationSession: FederationSessionLookup,
  skipInterstitialFederations: readonly string[],
) {
  return new Check(
    ssoSessionMissing,
    'no single sign-on session for this webdienst',
    'login_required',
    async (ctx: KoaContextWithOIDC) => {
      const { session, result, client } = ctx.oidc;
      if (!session?.accountId || !client) return Check.NO_NEED_TO_PROMPT; // no_session asks for a login already
      const webdienst = await store.findWebdienstByClientId(client.clientId);
      if (!webdienst) throw new errors.InvalidClient('unknown webdienst');
      const freshLogin = result?.login?.accountId === session.accountId;
      const live = await federationSession(ctx);
      if (!live) {
        // A login just done stands (a webdienst without a federation has no SSO session at all).
        return freshLogin ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
      }
      if (!freshLogin) {
        // The browser-wide oidc-provider session holds the last login of any federation; the ID token's
        // acr and auth_time must be those of this webdienst's federation (checked again by level_too_low).
        session.acr = levelByName(live.level).uri;
        session.loginTs = Math.floor(live.authenticatedAt / 1000);
      }
      const interstitial =
        !freshLogin && !ctx.oidc.prompts.has('none') && !skipInterstitialFederations.includes(live.federation);
      if (interstitial) return Check.REQUEST_PROMPT;
      await sso.join(live, webdienst, 'oidc', session.sidFor(client.clientId) ?? session.uid);
      if (!freshLogin) await sso.touch(live);
      return Check.NO_NEED_TO_PROMPT;
    },
  );
}
