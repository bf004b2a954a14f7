// /herstellen: "Wachtwoord vergeten?" and "Telefoon kwijt?" lead here. The citizen proves the same
// details as for a request and gets a recovery code by letter; /herstellen/code uses it.
import type { Context } from 'koa';
import { requestRecovery, useRecoveryCode } from '../core/lifecycle/recovery.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import type { LifecyclePageDeps } from './deps.ts';
import {
  echoedValues,
  renderForm,
  renderRegisterUnavailable,
  throttledState,
  typedIdentity,
  type FormState,
} from './form-page.ts';

export const recoveryPath = '/herstellen';
export const recoverySentPath = '/herstellen/verzonden';
export const recoveryCodePath = '/herstellen/code';
export const recoveredPath = '/herstellen/gelukt';

function reasonOf(value: unknown): 'password' | 'phone' {
  return value === 'telefoon' || value === 'phone' ? 'phone' : 'password';
}

function showRequestForm(ctx: Context, reason: 'password' | 'phone', state: FormState = {}, status = 200): void {
  renderForm(ctx, 'lifecycle/recover.njk', state, { reason }, status);
}

function showCodeForm(
  ctx: Context,
  deps: LifecyclePageDeps,
  state: FormState & { username?: string } = {},
  status = 200,
): void {
  renderForm(
    ctx,
    'lifecycle/recover-code.njk',
    state,
    {
      username: state.username ?? '',
      minLength: deps.config.password.minLength,
      maxLength: deps.config.password.maxLength,
      removeSecondFactors: ctx.query.reden === 'telefoon',
    },
    status,
  );
}

export function recoveryHandlers(deps: LifecyclePageDeps) {
  return {
    form: (ctx: Context): void => showRequestForm(ctx, reasonOf(ctx.query.reden)),

    submit: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const reason = reasonOf(form.reason);
      const values = echoedValues(form);
      const outcome = await requestRecovery(deps.lifecycle, {
        ...typedIdentity(form),
        reason,
        clientAddress: ctx.ip,
      });
      if (outcome.ok) {
        ctx.status = 303;
        return ctx.redirect(`${recoverySentPath}?reden=${reason === 'phone' ? 'telefoon' : 'wachtwoord'}`);
      }
      switch (outcome.reason) {
        case 'invalid':
          return showRequestForm(ctx, reason, { values, errors: outcome.errors }, 400);
        case 'mismatch':
          return showRequestForm(ctx, reason, { values, error: 'request.register_mismatch' }, 400);
        case 'no_account':
          return showRequestForm(ctx, reason, { values, error: 'recover.no_account' }, 400);
        case 'throttled':
          return showRequestForm(ctx, reason, { values, ...throttledState(ctx, outcome.retryAfterSeconds) }, 429);
        case 'unavailable':
          return renderRegisterUnavailable(ctx);
      }
    },

    sent: (ctx: Context): void => {
      render(ctx, 'lifecycle/recover-sent.njk', { reason: ctx.query.reden === 'telefoon' ? 'telefoon' : 'wachtwoord' });
    },

    codeForm: (ctx: Context): void => showCodeForm(ctx, deps),

    codeSubmit: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const username = (form.username ?? '').slice(0, 100);
      const outcome = await useRecoveryCode(deps.lifecycle, {
        username,
        code: form.code ?? '',
        password: form.password ?? '',
        passwordRepeat: form.passwordRepeat ?? '',
        removeSecondFactors: form.removeSecondFactors === 'ja',
        clientAddress: ctx.ip,
      });
      if (outcome.ok) {
        ctx.status = 303;
        return ctx.redirect(outcome.secondFactorsRemoved ? `${recoveredPath}?losgekoppeld=ja` : recoveredPath);
      }
      switch (outcome.reason) {
        case 'invalid':
          return showCodeForm(ctx, deps, { username, errors: outcome.errors }, 400);
        case 'throttled':
          ctx.set('Retry-After', String(outcome.retryAfterSeconds));
          return showCodeForm(
            ctx,
            deps,
            { username, error: 'recover.throttled', errorParams: { seconds: outcome.retryAfterSeconds } },
            429,
          );
        case 'wrong_code':
          return showCodeForm(
            ctx,
            deps,
            { username, error: 'recover.wrong_code', errorParams: { tries: outcome.triesLeft } },
            400,
          );
        case 'code_dead':
          return showCodeForm(ctx, deps, { username, error: 'recover.code_dead' }, 400);
        case 'unknown':
          return showCodeForm(ctx, deps, { username, error: 'recover.invalid' }, 400);
      }
    },

    done: (ctx: Context): void => {
      render(ctx, 'lifecycle/recovered.njk', { secondFactorsRemoved: ctx.query.losgekoppeld === 'ja' });
    },
  };
}
