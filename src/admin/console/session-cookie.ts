// The console's session on the HTTP side: its own cookie (never the citizens'), HttpOnly and
// SameSite=Strict, with the __Host- prefix over https (RFC 6265bis 4.1.3.2: Secure, Path=/, no
// Domain, so no other host or path can set or shadow it); the middleware that finds the signed-in
// operator, and the guard for every page behind the login.
import type { Context, Middleware } from 'koa';
import { PoortwachterError } from '../../core/errors.ts';
import type { OperatorSignedIn } from '../../core/operators/operator-sessions.ts';
import type { ConsoleDeps } from './deps.ts';

export const consolePath = '/beheer';
export const consoleLoginPath = `${consolePath}/inloggen`;

export function consoleCookie(cookies: { secure: boolean }): { name: string; path: string } {
  return cookies.secure ? { name: '__Host-pw_beheer', path: '/' } : { name: 'pw_beheer', path: consolePath };
}

export function setOperatorCookie(ctx: Context, token: string, cookies: { secure: boolean }): void {
  const { name, path } = consoleCookie(cookies);
  ctx.cookies.set(name, token, {
    path,
    httpOnly: true,
    sameSite: 'strict',
    secure: cookies.secure,
    signed: false,
    overwrite: true,
  });
}

export function clearOperatorCookie(ctx: Context, cookies: { secure: boolean }): void {
  const { name, path } = consoleCookie(cookies);
  ctx.cookies.set(name, null, {
    path,
    httpOnly: true,
    sameSite: 'strict',
    secure: cookies.secure,
    signed: false,
    overwrite: true,
  });
}

export const operatorCookieOf = (ctx: Context, cookies: { secure: boolean }): string | undefined =>
  ctx.cookies.get(consoleCookie(cookies).name, { signed: false });

/** No console page is kept by a browser or a proxy, redirects and errors included. */
export function noStore(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      ctx.set('Cache-Control', 'no-store');
    }
  };
}

/** Puts the signed-in operator on ctx.state.operator when the cookie names a live session. */
export function loadOperatorSession(deps: Pick<ConsoleDeps, 'sessions' | 'cookies'>): Middleware {
  return async (ctx, next) => {
    const signedIn = await deps.sessions.find(operatorCookieOf(ctx, deps.cookies));
    if (signedIn) ctx.state.operator = signedIn;
    await next();
  };
}

/** Pages behind the login: a page view goes to the login page, anything else is refused. */
export function requireOperator(): Middleware {
  return async (ctx, next) => {
    if (!ctx.state.operator) {
      if (ctx.method === 'GET' || ctx.method === 'HEAD') return ctx.redirect(consoleLoginPath);
      throw new PoortwachterError('beheer.session_required', {
        status: 403,
        logMessage: `${ctx.method} ${ctx.path} without a live console session`,
      });
    }
    await next();
  };
}

export function signedInOperator(ctx: Context): OperatorSignedIn {
  const signedIn = ctx.state.operator as OperatorSignedIn | undefined;
  if (!signedIn)
    throw new PoortwachterError('beheer.session_required', {
      status: 403,
      logMessage: 'console page reached without the session guard',
    });
  return signedIn;
}
