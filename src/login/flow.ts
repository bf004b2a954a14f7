// The login layer's side of the browser: start an attempt for a front-end, and send the browser back
// to the front-end when it is done. Routes live in routes.ts.
import type { Context } from 'koa';
import type { LoginAttemptRow, WebdienstProtocol } from '../stores/index.ts';
import type { LoginAttempts } from '../core/login/attempts.ts';
import type { LoginRequest } from '../core/login/login-request.ts';

export const attemptCookieName = 'poortwachter_login';
export const loginPath = (attemptId: string): string => `/inloggen/${attemptId}`;

export interface CookiePolicy {
  secure: boolean;
}

/** Starts the login layer for a front-end's request; returns the path of the first login page. */
export async function startLoginAttempt(
  ctx: Context,
  attempts: LoginAttempts,
  request: LoginRequest,
  cookies: CookiePolicy,
): Promise<string> {
  const { attempt, browserBinding } = await attempts.start(request);
  ctx.cookies.set(attemptCookieName, browserBinding, {
    path: loginPath(attempt.id),
    httpOnly: true,
    sameSite: 'lax',
    secure: cookies.secure,
    signed: false,
    overwrite: true,
  });
  return loginPath(attempt.id);
}

/** Starts the login layer for a front-end's request and redirects the browser to the first page. */
export async function redirectToLogin(
  ctx: Context,
  attempts: LoginAttempts,
  request: LoginRequest,
  cookies: CookiePolicy,
): Promise<void> {
  const path = await startLoginAttempt(ctx, attempts, request, cookies);
  ctx.status = 303;
  ctx.redirect(path);
}

/**
 * A front-end that can take the login result in this process returns where the browser goes next,
 * which saves the citizen a redirect through the resume URL (undefined: use the resume URL).
 */
export type Resumer = (attempt: LoginAttemptRow) => Promise<string | undefined>;
export type Resumers = Partial<Record<WebdienstProtocol, Resumer>>;

export async function returnToFrontend(ctx: Context, attempt: LoginAttemptRow, resumers: Resumers = {}): Promise<void> {
  ctx.cookies.set(attemptCookieName, null, { path: loginPath(attempt.id), signed: false, overwrite: true });
  const next = (await resumers[attempt.protocol]?.(attempt)) ?? attempt.resumeUrl;
  ctx.status = 303;
  ctx.redirect(next);
}
