// Maintenance mode as every process sees it. The switch lives in the database, so one
// `poortwachter maintenance on` reaches all processes; each process reads it at most once per
// refresh interval, so a login page costs no query and a switch shows within a few seconds.
import type { MaintenanceModeRow, Store } from '../stores/index.ts';
import type { Clock } from './clock.ts';

export type MaintenanceState = MaintenanceModeRow;

export interface MaintenanceMode {
  /** The maintenance in force, or undefined when the service is open. */
  current(): Promise<MaintenanceState | undefined>;
}

export function createMaintenanceMode(deps: {
  store: Pick<Store, 'findMaintenanceMode'>;
  clock: Clock;
  refreshSeconds: number;
}): MaintenanceMode {
  let known: MaintenanceState | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<MaintenanceState | undefined> | undefined;
  return {
    current() {
      if (deps.clock.now() - readAt < deps.refreshSeconds * 1000) return Promise.resolve(known);
      // One read at a time per process, shared by the requests that arrive meanwhile.
      reading ??= deps.store
        .findMaintenanceMode()
        .then(
          (row) => {
            known = row;
            readAt = deps.clock.now();
            return row;
          },
          // A database that does not answer keeps the last known state: the readiness checks report
          // the database, and the pages fail on their own queries with their own error.
          () => known,
        )
        .finally(() => {
          reading = undefined;
        });
      return reading;
    },
  };
}

/** Seconds a client should wait before trying again (RFC 9110 10.2.3): until the expected end, else a few minutes. */
export function retryAfterSeconds(state: MaintenanceState, now: number): number {
  const fallback = 300;
  if (state.expectedEndAt === null || state.expectedEndAt <= now) return fallback;
  return Math.max(60, Math.ceil((state.expectedEndAt - now) / 1000));
}
