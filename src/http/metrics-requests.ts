// Request latency by route. The label is the router's pattern (/inloggen/:attemptId), never the raw
// path: raw paths hold ids, and every distinct label value is a new time series kept forever.
import type { Context, Middleware } from 'koa';
import type { Metrics } from './metrics.ts';

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);

function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  if (ctx.path.startsWith('/static/')) return '/static';
  return 'unmatched';
}

export function measureRequests(metrics: Pick<Metrics, 'requestDuration'>): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      metrics.requestDuration.observe(
        {
          method: knownMethods.has(ctx.method) ? ctx.method : 'other',
          route: routeOf(ctx),
          status: String(ctx.status),
        },
        (performance.now() - started) / 1000,
      );
    }
  };
}
