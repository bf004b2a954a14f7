// The login pages every front-end hands the browser to: password (Basis), and cancel.
// Form fields per DESIGN.md section 9: username, password; every page has a cancel action.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Store, LoginAttemptRow } from '../../stores/index.ts';
import { PoortwachterError } from '../errors.ts';
import { levels } from '../levels.ts';
import { readForm } from '../../http/form-body.ts';
import { requireSameOrigin } from '../../http/same-origin.ts';
import { render } from '../../http/views.ts';
import type { AuditLog } from '../audit.ts';
import type { LoginAttempts } from './attempts.ts';
import { attemptCookieName, returnToFrontend } from './flow.ts';
import { checkPassword, type PasswordStepDeps } from './password-step.ts';

export interface LoginRouteDeps {
  store: Pick<Store, 'findWebdienstById'>;
  attempts: LoginAttempts;
  passwordStep: PasswordStepDeps;
  audit: AuditLog;
  publicUrl: string;
}

export function loginRoutes(deps: LoginRouteDeps): Router {
  const router = new Router({ prefix: '/inloggen' });
  const sameOrigin = requireSameOrigin(deps.publicUrl);

  async function pendingAttempt(ctx: Context): Promise<LoginAttemptRow> {
    const attempt = await deps.attempts.findPending(String(ctx.params.attemptId), ctx.cookies.get(attemptCookieName, { signed: false }));
    if (!attempt) throw new PoortwachterError('login.expired', { status: 400, logMessage: 'login attempt unknown, expired, finished or not bound to this browser' });
    return attempt;
  }

  async function showPasswordPage(ctx: Context, attempt: LoginAttemptRow, extra: Record<string, unknown> = {}, status = 200): Promise<void> {
    const webdienst = await deps.store.findWebdienstById(attempt.webdienstId);
    render(ctx, 'login/password.njk', { attempt, webdienst, ...extra }, status);
  }

  router.get('/:attemptId', async (ctx) => {
    await showPasswordPage(ctx, await pendingAttempt(ctx));
  });

  router.post('/:attemptId', sameOrigin, async (ctx) => {
    const attempt = await pendingAttempt(ctx);
    const form = await readForm(ctx);
    const username = form.username ?? '';
    const result = await checkPassword(deps.passwordStep, {
      username,
      password: form.password ?? '',
      clientAddress: ctx.ip,
      webdienstId: attempt.webdienstId,
    });
    if (!result.ok) {
      if (result.reason === 'throttled') {
        ctx.set('Retry-After', String(result.retryAfterSeconds));
        return showPasswordPage(ctx, attempt, { username, error: 'login.throttled', errorParams: { seconds: result.retryAfterSeconds } }, 429);
      }
      return showPasswordPage(ctx, attempt, { username, error: 'login.invalid_credentials' }, 401);
    }
    if (!(await deps.attempts.markAuthenticated(attempt, result.citizen.id, levels.basis.name))) {
      throw new PoortwachterError('login.expired', { status: 400, logMessage: 'login attempt finished by a parallel request' });
    }
    returnToFrontend(ctx, attempt);
  });

  router.post('/:attemptId/annuleren', sameOrigin, async (ctx) => {
    const attempt = await pendingAttempt(ctx);
    await deps.attempts.markCancelled(attempt);
    await deps.audit.record({ type: 'login.cancelled', outcome: 'info', webdienstId: attempt.webdienstId, clientAddress: ctx.ip });
    returnToFrontend(ctx, attempt);
  });

  return router;
}
