// The console's login and logout. One form asks username, password and the authenticator app's code
// together (core/operators/operator-login.ts decides); a login always starts a new session with a new
// token (no session fixation), and logout deletes the session on the server.
import type { Context } from 'koa';
import { checkOperatorLogin } from '../../core/operators/operator-login.ts';
import { operatorActor } from '../../core/operators/operator-secret.ts';
import { readForm } from '../../http/form-body.ts';
import { missingFields } from '../../http/missing-fields.ts';
import { renderConsole } from './page.ts';
import type { ConsoleDeps } from './deps.ts';
import {
  clearOperatorCookie,
  consoleLoginPath,
  consolePath,
  operatorCookieOf,
  setOperatorCookie,
  signedInOperator,
} from './session-cookie.ts';

const loginPage = 'beheer/login.njk';
const required = {
  username: 'beheer.login.username_missing',
  password: 'beheer.login.password_missing',
  code: 'beheer.login.code_missing',
};

export function consoleLoginHandlers(deps: ConsoleDeps) {
  return {
    form: (ctx: Context): void => {
      if (ctx.state.operator) return ctx.redirect(consolePath);
      renderConsole(ctx, loginPage, {
        notice: ctx.query.melding === 'uitgelogd' ? 'beheer.login.logged_out' : undefined,
      });
    },

    submit: async (ctx: Context): Promise<void> => {
      const form = await readForm(ctx);
      const username = (form.username ?? '').slice(0, 64);
      const fieldErrors = missingFields(form, required);
      if (fieldErrors) return renderConsole(ctx, loginPage, { username, fieldErrors }, 400);
      const result = await checkOperatorLogin(deps.login, {
        username,
        password: form.password ?? '',
        code: form.code ?? '',
        clientAddress: ctx.ip,
      });
      if (!result.ok) {
        if (result.reason === 'throttled') {
          ctx.set('Retry-After', String(result.retryAfterSeconds));
          return renderConsole(
            ctx,
            loginPage,
            { username, error: 'beheer.login.throttled', errorParams: { seconds: result.retryAfterSeconds } },
            429,
          );
        }
        return renderConsole(
          ctx,
          loginPage,
          { username, error: 'beheer.login.invalid', errorFields: ['username', 'password', 'code'] },
          401,
        );
      }
      // A session the browser had before is ended: the new one gets a token of its own.
      const earlier = await deps.sessions.find(operatorCookieOf(ctx, deps.cookies));
      if (earlier) await deps.sessions.end(earlier.session);
      const { token } = await deps.sessions.start(result.operator);
      setOperatorCookie(ctx, token, deps.cookies);
      ctx.status = 303;
      ctx.redirect(consolePath);
    },

    logout: async (ctx: Context): Promise<void> => {
      const { session, operator } = signedInOperator(ctx);
      await deps.sessions.end(session);
      clearOperatorCookie(ctx, deps.cookies);
      await deps.audit.record({
        type: 'operator.logout',
        outcome: 'success',
        clientAddress: ctx.ip,
        details: { operator: operatorActor(operator.username) },
      });
      ctx.status = 303;
      ctx.redirect(`${consoleLoginPath}?melding=uitgelogd`);
    },
  };
}
