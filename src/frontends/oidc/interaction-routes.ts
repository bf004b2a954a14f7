// Translates an oidc-provider interaction into a LoginRequest for the login layer, and the login
// layer's result back into an interaction result (the front-end only translates).
import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { PoortwachterError } from '../../core/errors.ts';
import type { LoginAttempts } from '../../core/login/attempts.ts';
import { redirectToLogin, type CookiePolicy } from '../../login/flow.ts';
import type { Store } from '../../stores/index.ts';
import { fullGrant } from './grants.ts';
import { interactionPath, loginRequestFor, toInteractionResult } from './login-bridge.ts';

export interface InteractionDeps {
  provider: Provider;
  store: Pick<Store, 'findWebdienstByClientId'>;
  attempts: LoginAttempts;
  cookies: CookiePolicy;
}

export function oidcInteractionRoutes(deps: InteractionDeps): Router {
  const router = new Router();

  async function finish(ctx: Context, result: InteractionResults): Promise<void> {
    const returnTo = await deps.provider.interactionResult(ctx.req, ctx.res, result, {
      mergeWithLastSubmission: false,
    });
    ctx.status = 303;
    ctx.redirect(returnTo);
  }

  router.get(interactionPath(':uid'), async (ctx) => {
    let interaction;
    try {
      interaction = await deps.provider.interactionDetails(ctx.req, ctx.res);
    } catch {
      throw new PoortwachterError('login.expired', {
        status: 400,
        logMessage: 'OIDC interaction cookie missing or interaction expired',
      });
    }
    if (interaction.uid !== ctx.params.uid)
      throw new PoortwachterError('login.expired', {
        status: 400,
        logMessage: 'OIDC interaction uid does not match the cookie',
      });

    const result = await deps.attempts.takeResult('oidc', interaction.uid);
    if (result) return finish(ctx, toInteractionResult(result));

    if (interaction.prompt.name === 'consent') {
      const accountId = interaction.session?.accountId;
      if (!accountId)
        throw new PoortwachterError('login.expired', { status: 400, logMessage: 'consent prompt without a session' });
      const grant = await fullGrant(
        deps.provider,
        String(interaction.params.client_id),
        accountId,
        interaction.grantId,
      );
      return finish(ctx, { consent: { grantId: grant.jti } });
    }

    const webdienst = await deps.store.findWebdienstByClientId(String(interaction.params.client_id));
    if (!webdienst)
      throw new PoortwachterError('error.bad_request', {
        status: 400,
        logMessage: 'interaction for a client that is no longer registered',
      });
    await redirectToLogin(ctx, deps.attempts, loginRequestFor(interaction, webdienst, ctx.ip), deps.cookies);
  });

  return router;
}
