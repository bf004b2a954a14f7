// /mijn/app: link an authenticator app by QR code (qrcode renders the otpauth URI as inline SVG, no
// script), confirmed by the app's first code.
import type { Context } from 'koa';
import QRCode from 'qrcode';
import { confirmAppLink, mayLinkApp, pendingAppLink } from '../core/lifecycle/app-link.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import type { AccountDeps } from './deps.ts';
import { accountPath, signedIn } from './session-cookie.ts';

const errors = {
  wrong_code: 'account.app_wrong_code',
  expired: 'account.app_expired',
  not_allowed: 'account.app_not_allowed',
};

export function appLinkHandlers(deps: AccountDeps) {
  async function show(
    ctx: Context,
    error?: string,
    status = 200,
    errorParams?: Record<string, string | number>,
  ): Promise<void> {
    const { session, citizen } = signedIn(ctx);
    if (!mayLinkApp(session, citizen)) {
      render(ctx, 'account/app.njk', { error: errors.not_allowed }, 403);
      return;
    }
    const { secret, uri } = await pendingAppLink(deps.lifecycle, session, citizen);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    render(ctx, 'account/app.njk', { qrSvg, secret: secret.match(/.{1,4}/g)!.join(' '), error, errorParams }, status);
    ctx.set('Cache-Control', 'no-store');
  }
  return {
    form: (ctx: Context) => show(ctx),
    submit: async (ctx: Context): Promise<void> => {
      const { session, citizen } = signedIn(ctx);
      const form = await readForm(ctx);
      const outcome = await confirmAppLink(deps.lifecycle, {
        session,
        citizen,
        code: form.code ?? '',
        clientAddress: ctx.ip,
      });
      if (outcome.ok) {
        ctx.status = 303;
        return ctx.redirect(`${accountPath}?melding=app_gekoppeld`);
      }
      if (outcome.reason === 'throttled') {
        ctx.set('Retry-After', String(outcome.retryAfterSeconds));
        return show(ctx, 'recover.throttled', 429, { seconds: outcome.retryAfterSeconds });
      }
      await show(ctx, errors[outcome.reason], outcome.reason === 'not_allowed' ? 403 : 400);
    },
  };
}
