// Levels enforced inside oidc-provider's login prompt (acr_values alone enforces nothing).
// - a level we cannot deliver (Substantieel, Hoog) ends the request with
//   unmet_authentication_requirements, also on prompt=none;
// - a session below the required level prompts again: the login layer then asks only the second
//   factor (step-up), and a session is never accepted at a lower level.
// The built-in essential_acr(s) checks are replaced: our acr requests are minimums, higher is fine.
import { errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { levelFromUri, type Level } from '../../core/levels.ts';
import type { Store } from '../../stores/index.ts';
import { requestedLevel } from './requested-level.ts';

const { Check, base } = interactionPolicy;

export const levelTooLow = 'level_too_low';

export function requiredLevelLookup(store: Pick<Store, 'findWebdienstByClientId'>) {
  const cache = new WeakMap<object, Promise<Level | 'unmet' | undefined>>();
  return (ctx: KoaContextWithOIDC): Promise<Level | 'unmet' | undefined> => {
    let level = cache.get(ctx);
    if (!level) {
      level = (async () => {
        const webdienst = ctx.oidc.client ? await store.findWebdienstByClientId(ctx.oidc.client.clientId) : undefined;
        return webdienst && requestedLevel(webdienst, ctx.oidc.params as Record<string, unknown>);
      })();
      cache.set(ctx, level);
    }
    return level;
  };
}

export function levelAwarePolicy(
  levelFor: (ctx: KoaContextWithOIDC) => Promise<Level | 'unmet' | undefined>,
  ssoChecks?: {
    session: InstanceType<typeof Check>;
    maxAge: InstanceType<typeof Check>;
    /** The level of the browser's SSO session in the client's federation (not of the last login anywhere). */
    sessionLevel: (ctx: KoaContextWithOIDC) => Promise<Level | undefined>;
  },
) {
  const policy = base();
  const login = policy.get('login')!;
  if (ssoChecks) {
    const builtInMaxAge = login.checks.findIndex((check) => check.reason === 'max_age');
    login.checks.remove('max_age');
    login.checks.add(ssoChecks.maxAge, builtInMaxAge);
    login.checks.add(ssoChecks.session, 1); // right after no_session
  }
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(
    new Check('level_not_offered', 'the requested level of assurance cannot be met', async (ctx) => {
      if ((await levelFor(ctx)) === 'unmet')
        throw new errors.UnmetAuthenticationRequirements('the requested level of assurance is not offered');
      return Check.NO_NEED_TO_PROMPT;
    }),
    0,
  );
  login.checks.add(
    new Check(levelTooLow, 'a higher level of assurance is required', 'interaction_required', async (ctx) => {
      const { session, result } = ctx.oidc;
      if (!session?.accountId) return Check.NO_NEED_TO_PROMPT; // no_session asks for a login already
      const level = await levelFor(ctx);
      if (level === 'unmet') return Check.NO_NEED_TO_PROMPT; // level_not_offered answers it
      const reached = result?.login
        ? levelFromUri(String(result.login.acr ?? ''))
        : ssoChecks
          ? await ssoChecks.sessionLevel(ctx)
          : levelFromUri(String(session.acr ?? ''));
      return level && (!reached || reached.rank < level.rank) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    }),
  );
  return policy;
}
