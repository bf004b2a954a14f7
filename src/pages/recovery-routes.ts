// /herstellen: "Wachtwoord vergeten?" and "Telefoon kwijt?" lead here. The citizen proves the same
// details as for a request and gets a recovery code by letter; /herstellen/code uses it.
import type { Context } from 'koa';
import { requestRecovery, useRecoveryCode } from '../core/lifecycle/recovery.ts';
import type { FieldError } from '../core/lifecycle/deps.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import { parseBirthDate } from './birth-date.ts';
import type { LifecyclePageDeps } from './deps.ts';

export const recoveryPath = '/herstellen';
export const recoverySentPath = '/herstellen/verzonden';
export const recoveryCodePath = '/herstellen/code';
export const recoveredPath = '/herstellen/gelukt';

const echoed = ['bsn', 'birthDate', 'postcode', 'houseNumber', 'houseNumberSuffix'] as const;

interface FormState {
  values?: Record<string, string>;
  errors?: FieldError[];
  error?: string;
  errorParams?: Record<string, string | number>;
}

function reasonOf(value: unknown): 'password' | 'phone' {
  return value === 'telefoon' || value === 'phone' ? 'phone' : 'password';
}

function showRequestForm(ctx: Context, reason: 'password' | 'phone', state: FormState = {}, status = 200): void {
  const errors = state.errors ?? [];
  render(
    ctx,
    'lifecycle/recover.njk',
    {
      reason,
      values: state.values ?? {},
      errors,
      errorOf: Object.fromEntries(errors.map((error) => [error.field, error])),
      error: state.error,
      errorParams: state.errorParams,
    },
    status,
  );
  ctx.set('Cache-Control', 'no-store');
}

function showCodeForm(
  ctx: Context,
  deps: LifecyclePageDeps,
  state: FormState & { username?: string } = {},
  status = 200,
): void {
  const errors = state.errors ?? [];
  render(
    ctx,
    'lifecycle/recover-code.njk',
    {
      username: state.username ?? '',
      errors,
      errorOf: Object.fromEntries(errors.map((error) => [error.field, error])),
      error: state.error,
      errorParams: state.errorParams,
      minLength: deps.config.password.minLength,
      maxLength: deps.config.password.maxLength,
      removeSecondFactors: ctx.query.reden === 'telefoon',
    },
    status,
  );
  ctx.set('Cache-Control', 'no-store');
}

export function recoveryHandlers(deps: LifecyclePageDeps) {
  return {
    form: (ctx: Context): void => showRequestForm(ctx, reasonOf(ctx.query.reden)),

    submit: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const reason = reasonOf(form.reason);
      const values = Object.fromEntries(echoed.map((field) => [field, (form[field] ?? '').slice(0, 100)]));
      const outcome = await requestRecovery(deps.lifecycle, {
        bsn: (form.bsn ?? '').replace(/[\s.]/g, ''),
        birthDate: parseBirthDate(form.birthDate ?? ''),
        postcode: form.postcode ?? '',
        houseNumber: form.houseNumber ?? '',
        houseNumberSuffix: form.houseNumberSuffix ?? '',
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
          ctx.set('Retry-After', String(outcome.retryAfterSeconds));
          return showRequestForm(
            ctx,
            reason,
            { values, error: 'request.throttled', errorParams: { minutes: Math.ceil(outcome.retryAfterSeconds / 60) } },
            429,
          );
        case 'unavailable':
          ctx.set('Retry-After', '300');
          ctx.set('Cache-Control', 'no-store');
          return render(ctx, 'errors/error.njk', { code: 'request.unavailable' }, 503);
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
