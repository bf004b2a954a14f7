// The second-factor pages (level Midden): an SMS code or an authenticator-app code in the field
// `code`, a resend action within the limits, a choice between SMS and app when both exist, and an
// explanation page for a citizen without any second factor.
import type Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { readForm } from '../http/form-body.ts';
import { missingFields } from '../http/missing-fields.ts';
import type { CitizenRow, LoginAttemptRow, SecondFactorMethod } from '../stores/index.ts';
import { PoortwachterError } from '../core/errors.ts';
import { levels } from '../core/levels.ts';
import { maskPhoneNumber as maskedPhone } from '../core/second-factor/sms-gateway.ts';
import { loginPath } from './flow.ts';
import { liftPasswordBlock } from '../core/login/password-step.ts';
import { secondFactorMethodsOf } from '../core/second-factor/methods.ts';
import type { AttemptContext, LoginPages } from './pages.ts';

const codePage = 'login/code.njk';

export function addSecondFactorRoutes(router: Router, pages: LoginPages, sameOrigin: Middleware): void {
  const { deps } = pages;

  const methodsOf = (citizen: CitizenRow) => secondFactorMethodsOf(citizen, deps.allowedCountryPrefixes);

  /** The attempt at the second-factor stage, its citizen, and the method in use (chosen now if none yet). */
  async function secondFactorState(ctx: AttemptContext) {
    let attempt = await pages.pendingAttempt(ctx);
    if (attempt.stage === 'password' || !attempt.citizenId)
      throw new PoortwachterError('login.expired', {
        status: 400,
        logMessage: 'second factor asked before the password',
      });
    const citizen = await deps.store.findCitizenById(attempt.citizenId);
    if (!citizen || citizen.status !== 'active')
      throw new PoortwachterError('login.expired', {
        status: 400,
        logMessage: 'citizen of the attempt is no longer active',
      });
    const methods = methodsOf(citizen);
    if (methods.length === 0 && attempt.stage !== 'no_second_factor')
      attempt = await deps.attempts.chooseSecondFactor(attempt, null);
    if (methods.length && !attempt.secondFactorMethod)
      attempt = await deps.attempts.chooseSecondFactor(attempt, methods[0]!);
    return { attempt, citizen, methods, method: attempt.secondFactorMethod };
  }

  async function sendCode(
    ctx: Context,
    attempt: LoginAttemptRow,
    citizen: CitizenRow,
    methods: SecondFactorMethod[],
  ): Promise<boolean> {
    const sent = await deps.oneTimeCodes.send(attempt, citizen, ctx.ip);
    if (sent.ok) return true;
    if (sent.reason === 'send_limit') ctx.set('Retry-After', String(sent.retryAfterSeconds));
    const status = sent.reason === 'gateway_down' ? 503 : sent.reason === 'send_limit' ? 429 : 400;
    const error = `second_factor.${sent.reason}`;
    await pages.show(
      ctx,
      codePage,
      attempt,
      {
        method: 'sms',
        methods,
        error,
        errorParams: { seconds: 'retryAfterSeconds' in sent ? sent.retryAfterSeconds : 0 },
      },
      status,
    );
    return false;
  }

  router.get('/:attemptId/code', async (ctx) => {
    const { attempt, citizen, methods, method } = await secondFactorState(ctx);
    if (!method) return pages.show(ctx, 'login/no-second-factor.njk', attempt);
    if (
      method === 'sms' &&
      !(await deps.oneTimeCodes.hasLiveCode(attempt)) &&
      !(await sendCode(ctx, attempt, citizen, methods))
    )
      return;
    await pages.show(ctx, codePage, attempt, {
      method,
      methods,
      maskedNumber: method === 'sms' ? maskedPhone(citizen.phone ?? '') : undefined,
    });
  });

  router.post('/:attemptId/code', sameOrigin, async (ctx) => {
    const { attempt, citizen, methods, method } = await secondFactorState(ctx);
    if (!method) return pages.show(ctx, 'login/no-second-factor.njk', attempt);
    const form = await readForm(ctx);
    const code = (form.code ?? '').slice(0, 20);
    const maskedNumber = method === 'sms' ? maskedPhone(citizen.phone ?? '') : undefined;
    const fieldErrors = missingFields(form, { code: 'second_factor.code_missing' });
    if (fieldErrors) return pages.show(ctx, codePage, attempt, { method, methods, fieldErrors, maskedNumber }, 400);
    const result = await deps.guessBudget.guess(
      { attemptId: attempt.id, citizenId: citizen.id, webdienstId: attempt.webdienstId, clientAddress: ctx.ip, method },
      () =>
        method === 'sms'
          ? deps.oneTimeCodes.check(attempt, code)
          : deps.authenticatorApp.check(citizen, code).then((ok) => (ok ? { ok } : { ok, reason: 'wrong' as const })),
    );
    if (!result.ok) {
      if (result.reason === 'budget_spent') {
        ctx.set('Retry-After', String(result.retryAfterSeconds));
        return pages.show(
          ctx,
          codePage,
          attempt,
          {
            method,
            methods,
            maskedNumber,
            error: 'second_factor.code_budget_spent',
            errorParams: { minutes: Math.ceil(result.retryAfterSeconds / 60) },
          },
          429,
        );
      }
      const error = `second_factor.code_${result.reason}`;
      await deps.audit.record({
        type: 'login.second_factor',
        outcome: 'failure',
        reason: error.replace('second_factor.', ''),
        citizenId: citizen.id,
        webdienstId: attempt.webdienstId,
        clientAddress: ctx.ip,
        details: { method },
      });
      return pages.show(ctx, codePage, attempt, { method, methods, error, errorFields: ['code'], maskedNumber }, 401);
    }
    await deps.audit.record({
      type: 'login.second_factor',
      outcome: 'success',
      citizenId: citizen.id,
      webdienstId: attempt.webdienstId,
      clientAddress: ctx.ip,
      details: { method },
    });
    await liftPasswordBlock(deps.passwordStep, citizen, 'second_factor');
    await pages.finish(ctx, attempt, 'second_factor', citizen, levels.midden.name);
  });

  router.post('/:attemptId/code/opnieuw', sameOrigin, async (ctx) => {
    const { attempt, citizen, methods, method } = await secondFactorState(ctx);
    if (method !== 'sms')
      throw new PoortwachterError('error.bad_request', { status: 400, logMessage: 'resend asked without SMS' });
    if (!(await sendCode(ctx, attempt, citizen, methods))) return;
    await pages.show(ctx, codePage, attempt, {
      method,
      methods,
      notice: 'second_factor.code_resent',
      maskedNumber: maskedPhone(citizen.phone ?? ''),
    });
  });

  router.post('/:attemptId/methode', sameOrigin, async (ctx) => {
    const { attempt, methods } = await secondFactorState(ctx);
    const form = await readForm(ctx);
    const chosen = methods.find((candidate) => candidate === form.method);
    if (!chosen)
      throw new PoortwachterError('error.bad_request', {
        status: 400,
        logMessage: 'unknown second-factor method chosen',
      });
    await deps.attempts.chooseSecondFactor(attempt, chosen);
    ctx.status = 303;
    ctx.redirect(`${loginPath(attempt.id)}/code`);
  });
}
