// The two faults, each injected under load and timed from injection until every worker is ready
// again plus the grace period (phases.ts); each resolves when its window has ended.
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultWindow } from './phases.ts';
import type { PostgresServer, RestartMode } from './postgres-cluster.ts';
import type { Workers } from './workers.ts';

export interface FaultTiming {
  graceMs: number;
  readyTimeoutMs: number;
  /** Printed as each step happens. */
  say(line: string): void;
}

async function closeWindow(
  window: Omit<FaultWindow, 'readyAt' | 'endsAt'>,
  workers: Workers,
  timing: FaultTiming,
): Promise<FaultWindow> {
  await workers.waitUntilAllReady(timing.readyTimeoutMs);
  const readyAt = Date.now();
  window.events.push({ at: readyAt, what: 'every worker answers /readyz 200' });
  timing.say(
    `  ${window.name}: every worker ready ${((readyAt - window.startedAt) / 1000).toFixed(1)} s after the fault; grace ${timing.graceMs / 1000} s`,
  );
  await sleep(timing.graceMs);
  return { ...window, readyAt, endsAt: readyAt + timing.graceMs };
}

/** SIGKILL to one worker; after `restartDelayMs` (a supervisor's restart delay) it starts again on its port. */
export async function killAndRestartWorker(
  workers: Workers,
  index: number,
  restartDelayMs: number,
  timing: FaultTiming,
): Promise<FaultWindow> {
  const startedAt = Date.now();
  const victim = workers.all()[index]!;
  const events: FaultWindow['events'] = [];
  const pid = await workers.kill(index);
  events.push({ at: Date.now(), what: `worker ${index + 1} (pid ${pid}, port ${victim.port}) killed with SIGKILL` });
  timing.say(`  worker kill: worker ${index + 1} (pid ${pid}) killed with SIGKILL`);
  await sleep(restartDelayMs);
  events.push({ at: Date.now(), what: `worker ${index + 1} starting again on port ${victim.port}` });
  const restarted = await workers.restart(index);
  events.push({ at: Date.now(), what: `worker ${index + 1} (pid ${restarted.pid}) answers HTTP` });
  timing.say(
    `  worker kill: worker ${index + 1} started again (pid ${restarted.pid}) ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the kill`,
  );
  return closeWindow(
    {
      name: 'worker kill',
      description: `SIGKILL to worker ${index + 1}, restarted ${restartDelayMs / 1000} s later on the same port`,
      startedAt,
      events,
    },
    workers,
    timing,
  );
}

/** pg_ctl restart under load; the workers keep running and must reconnect on their own. */
export async function restartPostgres(
  server: PostgresServer,
  mode: RestartMode,
  workers: Workers,
  timing: FaultTiming,
): Promise<FaultWindow> {
  const startedAt = Date.now();
  const events: FaultWindow['events'] = [{ at: startedAt, what: `pg_ctl restart -m ${mode}` }];
  timing.say(`  postgres restart: pg_ctl restart -m ${mode} (knex in this process logs its cut connections below)`);
  await server.restart(mode);
  events.push({ at: Date.now(), what: 'PostgreSQL accepts connections again (pg_ctl -w returned)' });
  timing.say(
    `  postgres restart: accepting connections again ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the restart began`,
  );
  return closeWindow(
    {
      name: 'postgres restart',
      description: `pg_ctl restart -m ${mode} of the database server, workers left running`,
      startedAt,
      events,
    },
    workers,
    timing,
  );
}
