// The device cookie in the browser (core/login/device-cookie.ts decides what it is worth): set after
// every completed login, read by the password page. Only the login pages see it.
import type { Context } from 'koa';
import type { DeviceCookies } from '../core/login/device-cookie.ts';
import type { CookiePolicy } from './flow.ts';

export const deviceCookieName = 'poortwachter_device';

export function rememberDevice(
  ctx: Context,
  deps: { deviceCookies: DeviceCookies; cookies: CookiePolicy },
  username: string,
): void {
  ctx.cookies.set(deviceCookieName, deps.deviceCookies.issue(username), {
    path: '/inloggen',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.cookies.secure,
    signed: false,
    overwrite: true,
    maxAge: 180 * 24 * 3600 * 1000,
  });
}
