// Logging in to the citizen's own pages through the one login layer, like any webdienst: a
// LoginRequest for the built-in webdienst "Mijn Poortwachter" (protocol 'account'), resumed at
// /mijn/terug where the result becomes an account session; and logging out of them.
import type { Context } from 'koa';
import { PoortwachterError } from '../core/errors.ts';
import { newToken } from '../core/ids.ts';
import { levelByName } from '../core/levels.ts';
import { redirectToLogin } from '../login/flow.ts';
import { accountWebdienstClientId, type WebdienstWithOrganisation } from '../stores/index.ts';
import type { AccountDeps } from './deps.ts';
import { accountCookieOf, accountPath, clearAccountCookie, setAccountCookie, signedIn } from './session-cookie.ts';

const resumePath = `${accountPath}/terug`;
// Holds the login's protocolRef from /mijn to /mijn/terug: only the browser that started the login can finish it.
const loginCookieName = 'poortwachter_mijn_login';

/** The built-in webdienst the login pages name; migration 004 writes it in every environment. */
export async function accountWebdienst(deps: Pick<AccountDeps, 'store'>): Promise<WebdienstWithOrganisation> {
  const webdienst = await deps.store.findWebdienstByClientId(accountWebdienstClientId);
  if (!webdienst) throw new Error(`the built-in webdienst ${accountWebdienstClientId} is missing: run the migrations`);
  return webdienst;
}

export function accountLoginHandlers(deps: AccountDeps) {
  return {
    start: async (ctx: Context): Promise<void> => {
      const webdienst = await accountWebdienst(deps);
      const protocolRef = newToken();
      ctx.cookies.set(loginCookieName, protocolRef, {
        path: resumePath,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.cookies.secure,
        signed: false,
        overwrite: true,
        maxAge: deps.config.login.attemptTtlSeconds * 1000,
      });
      await redirectToLogin(
        ctx,
        deps.attempts,
        {
          protocol: 'account',
          protocolRef,
          webdienst,
          requiredLevel: levelByName(webdienst.minimumLevel),
          forceAuthentication: false,
          resumeUrl: resumePath,
          clientAddress: ctx.ip,
        },
        deps.cookies,
      );
    },

    finish: async (ctx: Context): Promise<void> => {
      const protocolRef = ctx.cookies.get(loginCookieName, { signed: false });
      ctx.cookies.set(loginCookieName, null, { path: resumePath, signed: false, overwrite: true });
      const result = protocolRef ? await deps.attempts.takeResult('account', protocolRef) : undefined;
      if (!result)
        throw new PoortwachterError('account.login_expired', {
          status: 400,
          logMessage: 'account login resumed without a result for this browser',
        });
      if (result.outcome !== 'authenticated') {
        ctx.status = 303;
        return ctx.redirect('/?melding=mijn_geannuleerd');
      }
      // A session this browser had before is replaced, never reused.
      const earlier = await deps.sessions.find(accountCookieOf(ctx));
      if (earlier) await deps.sessions.end(earlier);
      const { token } = await deps.sessions.start(result.citizenId, result.level.name);
      setAccountCookie(ctx, token, deps.cookies);
      await deps.audit.record({
        type: 'account.session_started',
        outcome: 'success',
        citizenId: result.citizenId,
        clientAddress: ctx.ip,
        details: { level: result.level.name },
      });
      ctx.status = 303;
      ctx.redirect(accountPath);
    },

    logout: async (ctx: Context): Promise<void> => {
      const { session } = signedIn(ctx);
      await deps.sessions.end(session);
      clearAccountCookie(ctx);
      await deps.audit.record({
        type: 'account.logged_out',
        outcome: 'info',
        citizenId: session.citizenId,
        clientAddress: ctx.ip,
      });
      ctx.status = 303;
      ctx.redirect('/?melding=mijn_uitgelogd');
    },
  };
}
