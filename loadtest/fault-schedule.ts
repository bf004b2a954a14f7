// The order of events under load: the quiet "before" phase, an inventory, the worker kill, a check
// that the inventory is intact; the quiet "between" phase, a new inventory, the PostgreSQL restart,
// the check again. Fault times are fixed from the start of the load, so a run takes as long as its
// phases say; a fault window that runs into the next fault's time only delays that fault (reported).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../src/stores/index.ts';
import type { CreatedAccount } from './account-scenario.ts';
import { killAndRestartWorker, restartPostgres, type FaultTiming } from './faults.ts';
import { checkInventory, takeInventory, type Inventory, type LossCheck } from './inventory.ts';
import type { FaultWindow } from './phases.ts';
import type { PostgresServer, RestartMode } from './postgres-cluster.ts';
import type { Workers } from './workers.ts';

export interface FaultSchedule {
  loadStartedAt: number;
  /** When each fault is injected, in ms from the start of the load. */
  workerKillAtMs: number;
  postgresRestartAtMs: number;
  restartDelayMs: number;
  restartMode: RestartMode;
  timing: FaultTiming;
}

export interface FaultOutcome {
  windows: FaultWindow[];
  lossChecks: Array<{ label: string; check: LossCheck }>;
  inventories: Inventory[];
  /** Set when a fault could not be injected or the service did not recover in time. */
  error?: Error;
}

export async function runFaultSchedule(
  schedule: FaultSchedule,
  deps: { store: Store; ledger: readonly CreatedAccount[]; workers: Workers; postgres: PostgresServer },
): Promise<FaultOutcome> {
  const { loadStartedAt, timing } = schedule;
  const { store, ledger, workers } = deps;
  const outcome: FaultOutcome = { windows: [], lossChecks: [], inventories: [] };
  const at = () => `${((Date.now() - loadStartedAt) / 1000).toFixed(1)} s`;
  const sleepUntil = async (ms: number, what: string) => {
    const wait = loadStartedAt + ms - Date.now();
    if (wait < 0) timing.say(`  (${what} is ${(-wait / 1000).toFixed(1)} s late: the previous fault window ran long)`);
    else await sleep(wait);
  };
  const faults = [
    {
      name: 'worker kill',
      atMs: schedule.workerKillAtMs,
      inject: () => killAndRestartWorker(workers, 1, schedule.restartDelayMs, timing),
    },
    {
      name: 'postgres restart',
      atMs: schedule.postgresRestartAtMs,
      inject: () => restartPostgres(deps.postgres, schedule.restartMode, workers, timing),
    },
  ];
  try {
    for (const [i, fault] of faults.entries()) {
      await sleepUntil(fault.atMs, `the ${fault.name}`);
      const inventory = await takeInventory(store, ledger);
      outcome.inventories.push(inventory);
      timing.say(
        `Fault ${i + 1} at ${at()}: ${inventory.auditEvents.size} audit events and ${inventory.accounts.length} new accounts recorded; ${fault.name}`,
      );
      outcome.windows.push(await fault.inject());
      const check = await checkInventory(store, inventory);
      outcome.lossChecks.push({ label: `after the ${fault.name}`, check });
      timing.say(`  ${fault.name} window over at ${at()}; lost: ${check.lost}`);
    }
  } catch (error) {
    outcome.error = error as Error;
    timing.say(`Fault injection failed: ${outcome.error.message}`);
  }
  return outcome;
}
