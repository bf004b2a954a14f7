// /mijn/telefoon/verwijderen, /mijn/app/verwijderen and /mijn/opzeggen: removing a second factor and
// ending the account.
import type { Context } from 'koa';
import { endOwnAccount, removeSecondFactor } from '../core/lifecycle/self-service.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import type { AccountDeps } from './deps.ts';
import { accountPath, clearAccountCookie, signedIn } from './session-cookie.ts';

export function selfServiceHandlers(deps: AccountDeps) {
  const remove = (factor: 'phone' | 'app') => async (ctx: Context) => {
    const { session, citizen } = signedIn(ctx);
    const outcome = await removeSecondFactor(deps.lifecycle, { session, citizen, factor, clientAddress: ctx.ip });
    ctx.status = 303;
    const notice = outcome.ok
      ? factor === 'phone'
        ? 'telefoon_verwijderd'
        : 'app_verwijderd'
      : outcome.reason === 'second_factor_needed'
        ? 'tweede_factor_nodig'
        : '';
    ctx.redirect(notice ? `${accountPath}?melding=${notice}` : accountPath);
  };
  return {
    removePhone: remove('phone'),
    removeApp: remove('app'),
    endForm: (ctx: Context): void => render(ctx, 'account/end.njk', {}),
    end: async (ctx: Context): Promise<void> => {
      const { session, citizen } = signedIn(ctx);
      const form = await readForm(ctx);
      const outcome = await endOwnAccount(deps.lifecycle, {
        session,
        citizen,
        password: form.password ?? '',
        clientAddress: ctx.ip,
      });
      if (!outcome.ok)
        return render(
          ctx,
          'account/end.njk',
          {
            error: outcome.reason === 'wrong_password' ? 'account.end_wrong_password' : 'account.second_factor_needed',
          },
          outcome.reason === 'wrong_password' ? 400 : 403,
        );
      clearAccountCookie(ctx);
      render(ctx, 'account/ended.njk', {});
    },
  };
}
