// GET /metrics in the Prometheus text format. With a token configured it answers only to
// "Authorization: Bearer <token>"; production serves it only with a token (app.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import type { Registry } from 'prom-client';

/** Compared as SHA-256 digests: equal length, so timingSafeEqual says nothing about the token's length. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function metricsRoutes(deps: { registry: Registry; token?: string }): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (deps.token) {
      const [scheme, given] = ctx.get('Authorization').split(' ');
      if (scheme?.toLowerCase() !== 'bearer' || !given || !sameToken(given, deps.token)) {
        ctx.status = 401;
        ctx.set('WWW-Authenticate', 'Bearer realm="metrics"');
        ctx.body = { error: 'unauthorized' };
        return;
      }
    }
    ctx.type = deps.registry.contentType;
    ctx.body = await deps.registry.metrics();
  });
  return router;
}

/** Production never serves /metrics to anyone who asks; it needs METRICS_TOKEN. */
export function metricsServed(config: { environment: string; metrics: { enabled: boolean; token?: string } }): boolean {
  return config.metrics.enabled && (config.metrics.token !== undefined || config.environment !== 'production');
}
