// What the life-cycle forms (/aanvragen, /herstellen, /herstellen/code) share: a form rendered with
// its field errors (and `errorOf`, the error of each field, for aria-invalid), never cached; the
// details a person types to prove who they are, read the same way everywhere; and the answers to a
// throttle and to a population register that is down.
import type { Context } from 'koa';
import type { FieldError } from '../core/lifecycle/deps.ts';
import { render } from '../http/views.ts';
import { parseBirthDate } from './birth-date.ts';

export interface FormState {
  values?: Record<string, string>;
  errors?: FieldError[];
  error?: string;
  errorParams?: Record<string, string | number>;
}

export function renderForm(
  ctx: Context,
  view: string,
  state: FormState,
  context: Record<string, unknown>,
  status = 200,
): void {
  const errors = state.errors ?? [];
  render(
    ctx,
    view,
    {
      values: state.values ?? {},
      errors,
      errorOf: Object.fromEntries(errors.map((error) => [error.field, error])),
      error: state.error,
      errorParams: state.errorParams,
      ...context,
    },
    status,
  );
  ctx.set('Cache-Control', 'no-store');
}

const identityFields = ['bsn', 'birthDate', 'postcode', 'houseNumber', 'houseNumberSuffix'] as const;

/** The identity details as typed (BSN without spaces or dots, birth date as YYYY-MM-DD or ''). */
export function typedIdentity(form: Record<string, string | undefined>) {
  return {
    bsn: (form.bsn ?? '').replace(/[\s.]/g, ''),
    birthDate: parseBirthDate(form.birthDate ?? ''),
    postcode: form.postcode ?? '',
    houseNumber: form.houseNumber ?? '',
    houseNumberSuffix: form.houseNumberSuffix ?? '',
  };
}

/** The fields shown again after a refusal: the identity details and `more`; never a password. */
export function echoedValues(form: Record<string, string | undefined>, more: string[] = []): Record<string, string> {
  return Object.fromEntries([...identityFields, ...more].map((field) => [field, (form[field] ?? '').slice(0, 100)]));
}

/** Too many requests: Retry-After, and the message that says in minutes when to try again. */
export function throttledState(ctx: Context, retryAfterSeconds: number): FormState {
  ctx.set('Retry-After', String(retryAfterSeconds));
  return { error: 'request.throttled', errorParams: { minutes: Math.ceil(retryAfterSeconds / 60) } };
}

/** The population register did not answer: nothing was stored, try again later. */
export function renderRegisterUnavailable(ctx: Context): void {
  ctx.set('Retry-After', '300');
  ctx.set('Cache-Control', 'no-store');
  render(ctx, 'errors/error.njk', { code: 'request.unavailable' }, 503);
}
