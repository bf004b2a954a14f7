// The pages of a phone-number change: the form, the step-up login that asks
// only the current second factor (SMS to the current number, or the app), and the confirmation
// that applies the change when that step-up succeeded. Cancel at the code page changes nothing.
import type { Context } from 'koa';
import { PoortwachterError } from '../core/errors.ts';
import { newToken } from '../core/ids.ts';
import { levels } from '../core/levels.ts';
import { redirectToLogin } from '../login/flow.ts';
import { maskPhoneNumber } from '../core/second-factor/sms-gateway.ts';
import { readForm } from '../http/form-body.ts';
import { render } from '../http/views.ts';
import type { AccountDeps } from './deps.ts';
import { accountWebdienst } from './login-routes.ts';
import { applyPhoneChange, hasSecondFactor, provesSecondFactor } from './phone-change.ts';
import { parsePhoneNumber } from './phone-number.ts';
import { accountPath, signedIn, type SignedIn } from './session-cookie.ts';

export const phonePath = `${accountPath}/telefoon`;
const confirmPath = `${phonePath}/bevestigen`;

export function phoneChangeHandlers(deps: AccountDeps) {
  function showForm(ctx: Context, { citizen }: SignedIn, extra: Record<string, unknown> = {}, status = 200): void {
    render(
      ctx,
      'account/phone.njk',
      {
        maskedPhone: citizen.phone ? maskPhoneNumber(citizen.phone) : null,
        prefixes: deps.config.sms.allowedCountryPrefixes.join(', '),
        ...extra,
      },
      status,
    );
  }

  /** Without a second factor the change cannot be proven here; the letter or the desk sets the number. */
  function withoutSecondFactor(ctx: Context, status: number): void {
    render(ctx, 'account/no-second-factor.njk', {}, status);
  }

  return {
    form: (ctx: Context): void => {
      const account = signedIn(ctx);
      if (!hasSecondFactor(deps, account.citizen)) return withoutSecondFactor(ctx, 200);
      showForm(ctx, account);
    },

    submit: async (ctx: Context): Promise<void> => {
      const account = signedIn(ctx);
      const { session, citizen } = account;
      if (!hasSecondFactor(deps, citizen)) {
        await deps.audit.record({
          type: 'citizen.phone_change',
          outcome: 'failure',
          reason: 'no_second_factor',
          citizenId: citizen.id,
          clientAddress: ctx.ip,
        });
        return withoutSecondFactor(ctx, 403);
      }
      const input = (await readForm(ctx)).phone ?? '';
      const checked = parsePhoneNumber(input, deps.config.sms.allowedCountryPrefixes);
      const newPhone = checked.ok ? checked.phone : undefined;
      const refusal = !checked.ok ? checked.reason : newPhone === citizen.phone ? 'account.phone_unchanged' : undefined;
      if (refusal || !newPhone) {
        await deps.audit.record({
          type: 'citizen.phone_change',
          outcome: 'failure',
          reason: refusal?.replace('account.', ''),
          citizenId: citizen.id,
          clientAddress: ctx.ip,
        });
        return showForm(
          ctx,
          account,
          {
            phone: input.slice(0, 40),
            error: refusal,
            errorFields: ['phone'],
            errorParams: { prefixes: deps.config.sms.allowedCountryPrefixes.join(', ') },
          },
          400,
        );
      }
      const protocolRef = newToken();
      await deps.sessions.setPendingPhone(session, newPhone, protocolRef);
      await deps.audit.record({
        type: 'citizen.phone_change',
        outcome: 'info',
        reason: 'second_factor_asked',
        citizenId: citizen.id,
        clientAddress: ctx.ip,
      });
      // Only the second factor is asked (step-up), of this citizen: the code goes to the CURRENT number.
      await redirectToLogin(
        ctx,
        deps.attempts,
        {
          protocol: 'account',
          protocolRef,
          webdienst: await accountWebdienst(deps),
          requiredLevel: levels.midden,
          forceAuthentication: false,
          stepUpCitizenId: citizen.id,
          resumeUrl: confirmPath,
          clientAddress: ctx.ip,
        },
        deps.cookies,
      );
    },

    confirm: async (ctx: Context): Promise<void> => {
      const { session, citizen } = signedIn(ctx);
      const result = session.pendingPhoneRef
        ? await deps.attempts.takeResult('account', session.pendingPhoneRef)
        : undefined;
      if (!result || !session.pendingPhone)
        throw new PoortwachterError('account.phone_change_expired', {
          status: 400,
          logMessage: 'phone change confirmed without a finished step-up of this session',
        });
      await deps.sessions.clearPendingPhone(session);
      if (result.outcome !== 'authenticated') {
        await deps.audit.record({
          type: 'citizen.phone_change',
          outcome: 'info',
          reason: 'cancelled',
          citizenId: citizen.id,
          clientAddress: ctx.ip,
        });
        ctx.status = 303;
        return ctx.redirect(`${accountPath}?melding=telefoon_niet_gewijzigd`);
      }
      if (!provesSecondFactor(result, citizen)) {
        await deps.audit.record({
          type: 'citizen.phone_change',
          outcome: 'failure',
          reason: 'step_up_mismatch',
          citizenId: citizen.id,
          clientAddress: ctx.ip,
        });
        throw new PoortwachterError('account.phone_change_refused', {
          status: 403,
          logMessage: 'step-up result is not Midden for the citizen of this session',
        });
      }
      await applyPhoneChange(deps, {
        citizen,
        newPhone: session.pendingPhone,
        keepAccountSessionId: session.id,
        clientAddress: ctx.ip,
      });
      ctx.status = 303;
      ctx.redirect(`${accountPath}?melding=telefoon_gewijzigd`);
    },
  };
}
