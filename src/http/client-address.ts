// The client address every throttle, audit event and SSO rule uses. Behind the reverse proxy
// (TRUST_PROXY) Koa reads X-Forwarded-For; only the entry our proxy appended (the last one, Koa's
// maxIpsCount = 1 in app.ts) is trusted, and a value that is not an IP address at all (a crafted
// header where the proxy passes it on unchanged) falls back to the proxy's own address.
import { isIP } from 'node:net';
import type { Middleware } from 'koa';

export function clientAddress(): Middleware {
  return async (ctx, next) => {
    if (!isIP(ctx.ip)) ctx.request.ip = ctx.req.socket.remoteAddress ?? 'unknown';
    await next();
  };
}
