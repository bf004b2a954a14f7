// The login layer's side of the browser: start an attempt for a front-end, and send the browser back
// to the front-end when it is done. Routes live in routes.ts.
import type { Context } from 'koa';
import type { LoginAttemptRow } from '../../stores/index.ts';
import type { LoginAttempts } from './attempts.ts';
import type { LoginRequest } from './login-request.ts';

export const attemptCookieName = 'poortwachter_login';
export const loginPath = (attemptId: string): string => `/inloggen/${attemptId}`;

export interface CookiePolicy {
  secure: boolean;
}

/** Starts the login layer for a front-end's request and redirects the browser to the first page. */
export async function redirectToLogin(ctx: Context, attempts: LoginAttempts, request: LoginRequest, cookies: CookiePolicy): Promise<void> {
  const { attempt, browserBinding } = await attempts.start(request);
  ctx.cookies.set(attemptCookieName, browserBinding, {
    path: loginPath(attempt.id),
    httpOnly: true,
    sameSite: 'lax',
    secure: cookies.secure,
    signed: false,
    overwrite: true,
  });
  ctx.status = 303;
  ctx.redirect(loginPath(attempt.id));
}

export function returnToFrontend(ctx: Context, attempt: LoginAttemptRow): void {
  ctx.cookies.set(attemptCookieName, null, { path: loginPath(attempt.id), signed: false, overwrite: true });
  ctx.status = 303;
  ctx.redirect(attempt.resumeUrl);
}
