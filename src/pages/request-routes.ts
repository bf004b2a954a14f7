// /aanvragen: the citizen requests an account. The form asks the details the register checks and the
// username and password; the answer is the core's: field errors, one generic mismatch, a throttle, a
// register that is down (nothing stored), or a letter on its way.
import type { Context } from 'koa';
import { requestAccount, type AccountRequestOutcome } from '../core/lifecycle/account-requests.ts';
import { readForm } from '../http/form-body.ts';
import type { Locale } from '../http/i18n.ts';
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

export const requestPath = '/aanvragen';
export const requestSentPath = '/aanvragen/verzonden';

function showForm(ctx: Context, deps: LifecyclePageDeps, state: FormState = {}, status = 200): void {
  renderForm(
    ctx,
    'lifecycle/request.njk',
    state,
    {
      minLength: deps.config.password.minLength,
      maxLength: deps.config.password.maxLength,
      ttlDays: deps.config.accountRequest.activationCodeTtlDays,
    },
    status,
  );
}

export function requestHandlers(deps: LifecyclePageDeps) {
  return {
    form: (ctx: Context): void => showForm(ctx, deps),

    submit: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const values = echoedValues(form, ['username']);
      const outcome: AccountRequestOutcome = await requestAccount(deps.lifecycle, {
        ...typedIdentity(form),
        username: form.username ?? '',
        password: form.password ?? '',
        passwordRepeat: form.passwordRepeat ?? '',
        locale: (ctx.state.locale as Locale | undefined) ?? 'nl',
        clientAddress: ctx.ip,
      });
      if (outcome.ok) {
        const query = new URLSearchParams({ tot: new Date(outcome.expiresAt).toISOString().slice(0, 10) });
        if (outcome.replacesAccount) query.set('bestaand', 'ja');
        if (outcome.supersededRequest) query.set('eerder', 'ja');
        ctx.status = 303;
        return ctx.redirect(`${requestSentPath}?${query.toString()}`);
      }
      switch (outcome.reason) {
        case 'invalid':
          return showForm(ctx, deps, { values, errors: outcome.errors }, 400);
        case 'mismatch':
          return showForm(ctx, deps, { values, error: 'request.register_mismatch' }, 400);
        case 'throttled':
          return showForm(ctx, deps, { values, ...throttledState(ctx, outcome.retryAfterSeconds) }, 429);
        case 'unavailable':
          return renderRegisterUnavailable(ctx);
      }
    },

    sent: (ctx: Context): void => {
      const until = /^\d{4}-\d{2}-\d{2}$/.test(String(ctx.query.tot)) ? Date.parse(String(ctx.query.tot)) : Number.NaN;
      const locale = (ctx.state.locale as Locale | undefined) ?? 'nl';
      render(ctx, 'lifecycle/request-sent.njk', {
        until: Number.isFinite(until)
          ? new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'nl-NL', { dateStyle: 'long', timeZone: 'UTC' }).format(
              until,
            )
          : null,
        replacesAccount: ctx.query.bestaand === 'ja',
        supersededRequest: ctx.query.eerder === 'ja',
      });
    },
  };
}
