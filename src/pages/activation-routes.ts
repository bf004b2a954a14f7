// /activeren: username, password and the code from the letter. Until the password is proven the page
// says only that the combination is unknown; after that it says what is wrong with the code.
import type { Context } from 'koa';
import { activateAccount } from '../core/lifecycle/activation.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import type { LifecyclePageDeps } from './deps.ts';

export const activationPath = '/activeren';
export const activatedPath = '/activeren/gelukt';

const messages = {
  invalid_credentials: 'activate.invalid_credentials',
  code_format: 'activate.code_format',
  wrong_code: 'activate.wrong_code',
  code_dead: 'activate.code_dead',
  code_expired: 'activate.code_expired',
  already_activated: 'activate.already_activated',
  superseded: 'activate.superseded',
  throttled: 'activate.throttled',
} as const;

function showForm(
  ctx: Context,
  extra: {
    username?: string;
    error?: string;
    errorParams?: Record<string, string | number>;
    requestAgain?: boolean;
  } = {},
  status = 200,
): void {
  render(ctx, 'lifecycle/activate.njk', extra, status);
  ctx.set('Cache-Control', 'no-store');
}

export function activationHandlers(deps: LifecyclePageDeps) {
  return {
    form: (ctx: Context): void => showForm(ctx),

    submit: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const username = (form.username ?? '').slice(0, 100);
      const outcome = await activateAccount(deps.lifecycle, {
        username,
        password: form.password ?? '',
        code: form.code ?? '',
        clientAddress: ctx.ip,
      });
      if (outcome.ok) {
        ctx.status = 303;
        return ctx.redirect(outcome.replacedAccount ? `${activatedPath}?vervangen=ja` : activatedPath);
      }
      if (outcome.reason === 'throttled') {
        ctx.set('Retry-After', String(outcome.retryAfterSeconds));
        return showForm(
          ctx,
          { username, error: messages.throttled, errorParams: { seconds: outcome.retryAfterSeconds } },
          429,
        );
      }
      return showForm(
        ctx,
        {
          username,
          error: messages[outcome.reason],
          errorParams: outcome.reason === 'wrong_code' ? { tries: outcome.triesLeft } : {},
          requestAgain: ['code_dead', 'code_expired', 'superseded'].includes(outcome.reason),
        },
        400,
      );
    },

    done: (ctx: Context): void => {
      render(ctx, 'lifecycle/activated.njk', { replacedAccount: ctx.query.vervangen === 'ja' });
    },
  };
}
