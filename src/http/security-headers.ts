// Headers every page carries: a CSP without inline scripts and with
// frame-ancestors 'none', nosniff, a Referrer-Policy that keeps codes out of Referer, HSTS in production.
import type { Middleware } from 'koa';

export function securityHeaders(options: { hsts: boolean }): Middleware {
  return async (ctx, next) => {
    await next();
    ctx.set(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self' http: https:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    ctx.set('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: under no-referrer browsers send `Origin: null` on our own form
    // posts (Fetch, "serializing a request origin"), which the same-origin check must refuse; other
    // sites still never see a Referer, so codes and attempt ids stay out of their logs.
    ctx.set('Referrer-Policy', 'same-origin');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
    if (options.hsts) ctx.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
    if (ctx.type.startsWith('text/html')) ctx.set('Cache-Control', 'no-store');
  };
}
