// /healthz: the process is up. /readyz: this process can serve logins now (database, keys,
// migrations), is not shutting down and not in maintenance; load balancers send traffic only while
// it answers 200.
// Both are JSON, cheap, never cached, and hold no secret.
import Router from '@koa/router';
import type { Logger } from 'pino';
import type { ReadinessCheck } from './health-checks.ts';

/** Shared with the server: set when shutdown starts, so /readyz turns 503 before the port closes. */
export interface Lifecycle {
  draining: boolean;
}

// A probe must answer before the load balancer's own timeout; a PostgreSQL pool waiting for a
// connection to a dead server would otherwise hold the request for a minute.
const checkTimeoutMs = 2000;

function withTimeout(check: ReadinessCheck): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
  });
  return Promise.race([check.run(), timeout]).finally(() => clearTimeout(timer));
}

type CheckResult = { ok: true } | { ok: false; reason: string };

/** Maintenance in force, as /readyz reports it; undefined when the service is open. */
export type MaintenanceProbe = () => Promise<{ expectedEndAt: number | null } | undefined>;

export function healthRoutes(deps: {
  checks: ReadinessCheck[];
  lifecycle: Lifecycle;
  logger: Logger;
  maintenance?: MaintenanceProbe;
}): Router {
  const router = new Router();
  const failing = new Set<string>();

  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });

  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    if (deps.lifecycle.draining) {
      ctx.status = 503;
      ctx.body = { status: 'draining', reason: 'shutting down: finishing requests in flight' };
      return;
    }
    const results = await Promise.all(
      deps.checks.map(async (check) => {
        try {
          await withTimeout(check);
          return [check.name, { ok: true }] as const;
        } catch (error) {
          return [check.name, { ok: false, reason: (error as Error).message }] as const;
        }
      }),
    );
    // Probes come every few seconds: log when a check starts or stops failing, not every time.
    for (const [name, result] of results) {
      if (!result.ok && !failing.has(name))
        deps.logger.warn({ check: name, reason: result.reason }, 'readiness check failing');
      if (result.ok && failing.delete(name)) deps.logger.info({ check: name }, 'readiness check passing again');
      if (!result.ok) failing.add(name);
    }
    const ready = results.every(([, result]) => result.ok);
    // A failing check is the more urgent news; maintenance is the operator's choice: 503 so a
    // load balancer that drains on it can, with a status a load balancer can match on to keep serving
    // the maintenance page instead (README, "Maintenance mode").
    const maintenance = ready ? await deps.maintenance?.() : undefined;
    if (maintenance) {
      ctx.status = 503;
      ctx.body = {
        status: 'maintenance',
        reason: 'maintenance mode is on: `poortwachter maintenance off` ends it',
        until: maintenance.expectedEndAt === null ? null : new Date(maintenance.expectedEndAt).toISOString(),
        checks: Object.fromEntries<CheckResult>(results),
      };
      return;
    }
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries<CheckResult>(results) };
  });

  return router;
}
