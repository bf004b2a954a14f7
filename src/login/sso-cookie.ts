// The browser's SSO cookie: one random token, the same for every federation (sessions.ts hashes it
// with the federation). A session cookie: closing the browser ends SSO on the citizen's side too.
import type { Context } from 'koa';
import type { CookiePolicy } from './flow.ts';
import { secureSsoCookieName, ssoCookieName } from '../core/sso/sessions.ts';

/** The browser's token; over https only the host-bound cookie counts. */
export function readSsoCookie(ctx: Pick<Context, 'cookies' | 'secure'>): string | undefined {
  const token =
    ctx.cookies.get(secureSsoCookieName, { signed: false }) ||
    (ctx.secure ? undefined : ctx.cookies.get(ssoCookieName, { signed: false }));
  return token || undefined;
}

export function writeSsoCookie(ctx: Pick<Context, 'cookies'>, browserToken: string, cookies: CookiePolicy): void {
  // SameSite=Lax: sent on the top-level GET to the login page even when a webdienst started the
  // login from another site (SAML POST binding), never on cross-site subrequests.
  ctx.cookies.set(cookies.secure ? secureSsoCookieName : ssoCookieName, browserToken, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: cookies.secure,
    signed: false,
    overwrite: true,
  });
}
