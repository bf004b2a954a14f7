// The account session on the HTTP side: the cookie (HttpOnly, SameSite=Lax, Secure on https, only
// sent to /mijn), the middleware that finds the session and its citizen, and the guard for pages
// that need one. A form posted without the cookie is refused.
import type { Context, Middleware } from 'koa';
import { PoortwachterError } from '../core/errors.ts';
import type { CookiePolicy } from '../login/flow.ts';
import type { AccountSessionRow, CitizenRow } from '../stores/index.ts';
import type { AccountDeps } from './deps.ts';

export const accountPath = '/mijn';
const cookieName = 'poortwachter_mijn';

export interface SignedIn {
  session: AccountSessionRow;
  citizen: CitizenRow;
}

export function setAccountCookie(ctx: Context, token: string, cookies: CookiePolicy): void {
  ctx.cookies.set(cookieName, token, {
    path: accountPath,
    httpOnly: true,
    sameSite: 'lax',
    secure: cookies.secure,
    signed: false,
    overwrite: true,
  });
}

export function clearAccountCookie(ctx: Context): void {
  ctx.cookies.set(cookieName, null, { path: accountPath, signed: false, overwrite: true });
}

export const accountCookieOf = (ctx: Context): string | undefined => ctx.cookies.get(cookieName, { signed: false });

/** Puts the signed-in citizen on ctx.state.account when the cookie names a live session of an active citizen. */
export function loadAccountSession(deps: Pick<AccountDeps, 'sessions' | 'store'>): Middleware {
  return async (ctx, next) => {
    const session = await deps.sessions.find(accountCookieOf(ctx));
    if (session) {
      const citizen = await deps.store.findCitizenById(session.citizenId);
      if (citizen?.status === 'active') ctx.state.account = { session, citizen } satisfies SignedIn;
      else await deps.sessions.end(session);
    }
    await next();
  };
}

/** Pages behind the login: a page view goes to /mijn (which logs in), anything else is refused. */
export function requireAccountSession(): Middleware {
  return async (ctx, next) => {
    if (!ctx.state.account) {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') return ctx.redirect(accountPath);
      throw new PoortwachterError('account.session_required', {
        status: 403,
        logMessage: `${ctx.method} ${ctx.path} without a live account session`,
      });
    }
    await next();
  };
}

export function signedIn(ctx: Context): SignedIn {
  const account = ctx.state.account as SignedIn | undefined;
  if (!account)
    throw new PoortwachterError('account.session_required', {
      status: 403,
      logMessage: 'account page reached without the session guard',
    });
  return account;
}
