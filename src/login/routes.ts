// The login pages every front-end hands the browser to: password (Basis), then the second factor
// when the level or the citizen asks for it (Midden), and cancel on every page.
// Form fields per Username, password, code.
import Router from '@koa/router';
import { readForm } from '../http/form-body.ts';
import { missingFields } from '../http/missing-fields.ts';
import { requireSameOrigin } from '../http/same-origin.ts';
import { render } from '../http/views.ts';
import { PoortwachterError } from '../core/errors.ts';
import { levels } from '../core/levels.ts';
import { checkPassword, secondFactorNeeded } from '../core/login/password-step.ts';
import { attemptCookieName, loginPath, returnToFrontend } from './flow.ts';
import { deviceCookieName, rememberDevice } from './device-cookie.ts';
import type { LoginPages, LoginRouteDeps } from './pages.ts';
import { addSecondFactorRoutes } from './second-factor-routes.ts';
import { continueWithSso, logOutFromSso, offerSso, recordSsoAuthentication, type SsoStepDeps } from './sso-step.ts';

export type { LoginRouteDeps } from './pages.ts';

export function loginRoutes(deps: LoginRouteDeps): Router {
  const router = new Router({ prefix: '/inloggen' });
  const sameOrigin = requireSameOrigin(deps.publicUrl);
  const ssoStep: SsoStepDeps = {
    ...deps.sso,
    store: deps.store,
    attempts: deps.attempts,
    audit: deps.audit,
    resumers: deps.resumers,
  };

  const pages: LoginPages = {
    deps,
    async pendingAttempt(ctx) {
      const attempt = await deps.attempts.findPending(
        String(ctx.params.attemptId),
        ctx.cookies.get(attemptCookieName, { signed: false }),
      );
      if (!attempt)
        throw new PoortwachterError('login.expired', {
          status: 400,
          logMessage: 'login attempt unknown, expired, finished or not bound to this browser',
        });
      return attempt;
    },
    async show(ctx, template, attempt, extra = {}, status = 200) {
      const webdienst = await deps.store.findWebdienstById(attempt.webdienstId);
      render(ctx, template, { attempt, webdienst, ...extra }, status);
    },
    async finish(ctx, attempt, from, citizen, levelName) {
      if (!(await deps.attempts.markAuthenticated(attempt, from, citizen.id, levelName))) {
        throw new PoortwachterError('login.expired', {
          status: 400,
          logMessage: 'login attempt finished by a parallel request',
        });
      }
      await deps.audit.record({
        type: 'login.authenticated',
        outcome: 'success',
        citizenId: citizen.id,
        webdienstId: attempt.webdienstId,
        clientAddress: ctx.ip,
        details: { level: levelName },
      });
      rememberDevice(ctx, deps, citizen.username);
      await recordSsoAuthentication(ctx, ssoStep, attempt, citizen.id, levelName);
      await returnToFrontend(ctx, attempt, deps.resumers);
    },
  };

  router.get('/:attemptId', async (ctx) => {
    const attempt = await pages.pendingAttempt(ctx);
    if (attempt.stage !== 'password') return ctx.redirect(`${loginPath(attempt.id)}/code`);
    if (await offerSso(ctx, ssoStep, attempt)) return;
    await pages.show(ctx, 'login/password.njk', attempt);
  });

  router.post('/:attemptId/doorgaan', sameOrigin, async (ctx) =>
    continueWithSso(ctx, ssoStep, await pages.pendingAttempt(ctx)),
  );
  router.post('/:attemptId/uitloggen', sameOrigin, async (ctx) =>
    logOutFromSso(ctx, ssoStep, await pages.pendingAttempt(ctx)),
  );

  router.post('/:attemptId', sameOrigin, async (ctx) => {
    const attempt = await pages.pendingAttempt(ctx);
    if (attempt.stage !== 'password')
      throw new PoortwachterError('login.expired', { status: 400, logMessage: 'password posted at another stage' });
    const form = await readForm(ctx);
    const username = form.username ?? '';
    const fieldErrors = missingFields(form, { username: 'login.username_missing', password: 'login.password_missing' });
    if (fieldErrors) return pages.show(ctx, 'login/password.njk', attempt, { username, fieldErrors }, 400);
    const result = await checkPassword(deps.passwordStep, {
      username,
      password: form.password ?? '',
      clientAddress: ctx.ip,
      webdienstId: attempt.webdienstId,
      trustedDevice: deps.deviceCookies.deviceOf(ctx.cookies.get(deviceCookieName, { signed: false }), username),
    });
    if (!result.ok) {
      if (result.reason === 'throttled') {
        ctx.set('Retry-After', String(result.retryAfterSeconds));
        return pages.show(
          ctx,
          'login/password.njk',
          attempt,
          { username, error: 'login.throttled', errorParams: { seconds: result.retryAfterSeconds } },
          429,
        );
      }
      return pages.show(
        ctx,
        'login/password.njk',
        attempt,
        {
          username,
          error: 'login.invalid_credentials',
          errorFields: ['username', 'password'],
        },
        401,
      );
    }
    if (!secondFactorNeeded(attempt.requiredLevel, result))
      return pages.finish(ctx, attempt, 'password', result.citizen, levels.basis.name);
    await deps.attempts.fixCitizen(attempt, result.citizen.id);
    ctx.status = 303;
    ctx.redirect(`${loginPath(attempt.id)}/code`);
  });

  router.post('/:attemptId/annuleren', sameOrigin, async (ctx) => {
    const attempt = await pages.pendingAttempt(ctx);
    await deps.attempts.markCancelled(attempt);
    await deps.audit.record({
      type: 'login.cancelled',
      outcome: 'info',
      webdienstId: attempt.webdienstId,
      clientAddress: ctx.ip,
      reason: attempt.stage,
    });
    await returnToFrontend(ctx, attempt, deps.resumers);
  });

  addSecondFactorRoutes(router, pages, sameOrigin);
  return router;
}
