// The login pages every front-end hands the browser to: password (Basis), then the second factor
// when the level or the citizen asks for it (Midden), and cancel on every page.
// Form fields per DESIGN.md section 9: username, password, code.
import Router from '@koa/router';
import type { Context } from 'koa';
import { readForm } from '../http/form-body.ts';
import { missingFields } from '../http/missing-fields.ts';
import { requireSameOrigin } from '../http/same-origin.ts';
import { render } from '../http/views.ts';
import type { CitizenRow, LoginAttemptRow, Store } from '../stores/index.ts';
import type { AuditLog } from '../core/audit.ts';
import { PoortwachterError } from '../core/errors.ts';
import { levels } from '../core/levels.ts';
import type { AuthenticatorApp } from '../core/second-factor/authenticator-app.ts';
import type { OneTimeCodes } from '../core/second-factor/one-time-codes.ts';
import type { AuthenticatedAt, LoginAttempts } from '../core/login/attempts.ts';
import { attemptCookieName, loginPath, returnToFrontend, type CookiePolicy, type Resumers } from './flow.ts';
import { checkPassword, secondFactorNeeded, type PasswordStepDeps } from '../core/login/password-step.ts';
import type { GuessBudget } from '../core/second-factor/guess-budget.ts';
import type { DeviceCookies } from '../core/login/device-cookie.ts';
import { deviceCookieName, rememberDevice } from './device-cookie.ts';
import { addSecondFactorRoutes } from './second-factor-routes.ts';
import { continueWithSso, logOutFromSso, offerSso, recordSsoAuthentication, type SsoStepDeps } from './sso-step.ts';

export interface LoginRouteDeps {
  store: Pick<Store, 'findWebdienstById' | 'findCitizenById'>;
  attempts: LoginAttempts;
  passwordStep: PasswordStepDeps;
  oneTimeCodes: OneTimeCodes;
  authenticatorApp: AuthenticatorApp;
  guessBudget: GuessBudget;
  deviceCookies: DeviceCookies;
  cookies: CookiePolicy;
  /** Countries whose mobile numbers may receive SMS codes. */
  allowedCountryPrefixes: string[];
  audit: AuditLog;
  publicUrl: string;
  /** Front-ends that take the result in-process (flow.ts Resumer). */
  resumers?: Resumers;
  sso: Omit<SsoStepDeps, 'store' | 'attempts' | 'audit' | 'resumers'>;
}

/** The context of a page under /:attemptId, with @koa/router's path parameters. */
export type AttemptContext = Context & { params: Record<string, string> };

export interface LoginPages {
  deps: LoginRouteDeps;
  pendingAttempt(ctx: AttemptContext): Promise<LoginAttemptRow>;
  show(
    ctx: Context,
    template: string,
    attempt: LoginAttemptRow,
    extra?: Record<string, unknown>,
    status?: number,
  ): Promise<void>;
  finish(
    ctx: Context,
    attempt: LoginAttemptRow,
    from: AuthenticatedAt,
    citizen: CitizenRow,
    levelName: string,
  ): Promise<void>;
}

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
