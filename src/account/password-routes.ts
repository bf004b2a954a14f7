// /mijn/wachtwoord: the citizen changes their password; the current one is asked again.
import type { Context } from 'koa';
import { changePassword } from '../core/lifecycle/password-change.ts';
import type { FieldError } from '../core/lifecycle/deps.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import type { AccountDeps } from './deps.ts';
import { accountPath, signedIn } from './session-cookie.ts';

export const passwordPath = `${accountPath}/wachtwoord`;

export function passwordChangeHandlers(deps: AccountDeps) {
  const lifecycle = deps.lifecycle;
  function show(
    ctx: Context,
    state: { errors?: FieldError[]; error?: string; errorParams?: Record<string, string | number> } = {},
    status = 200,
  ): void {
    const errors = state.errors ?? [];
    render(
      ctx,
      'account/password.njk',
      {
        errors,
        errorOf: Object.fromEntries(errors.map((error) => [error.field, error])),
        error: state.error,
        errorParams: state.errorParams,
        minLength: lifecycle.config.password.minLength,
        maxLength: lifecycle.config.password.maxLength,
      },
      status,
    );
    ctx.set('Cache-Control', 'no-store');
  }
  return {
    form: (ctx: Context): void => show(ctx),
    submit: async (ctx: Context): Promise<void> => {
      const { session, citizen } = signedIn(ctx);
      const form = await readForm(ctx);
      const outcome = await changePassword(lifecycle, {
        citizen,
        keepAccountSessionId: session.id,
        currentPassword: form.currentPassword ?? '',
        password: form.password ?? '',
        passwordRepeat: form.passwordRepeat ?? '',
        clientAddress: ctx.ip,
      });
      if (outcome.ok) {
        ctx.status = 303;
        return ctx.redirect(`${accountPath}?melding=wachtwoord_gewijzigd`);
      }
      if (outcome.reason === 'throttled') {
        ctx.set('Retry-After', String(outcome.retryAfterSeconds));
        return show(ctx, { error: 'login.throttled', errorParams: { seconds: outcome.retryAfterSeconds } }, 429);
      }
      show(ctx, { errors: outcome.errors }, 400);
    },
  };
}
