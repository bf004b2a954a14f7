// What the public status page shows: maintenance in force, disruptions going on now, and
// those planned, from the operator's entries in the database.
import type { StatusDisruptionRow, Store } from '../stores/index.ts';
import type { Clock } from './clock.ts';
import type { MaintenanceMode, MaintenanceState } from './maintenance.ts';

export interface StatusOverview {
  maintenance?: MaintenanceState;
  current: StatusDisruptionRow[];
  planned: StatusDisruptionRow[];
}

export async function statusOverview(deps: {
  store: Pick<Store, 'listStatusDisruptions'>;
  maintenance: MaintenanceMode;
  clock: Clock;
}): Promise<StatusOverview> {
  const now = deps.clock.now();
  const [maintenance, open] = await Promise.all([
    deps.maintenance.current(),
    deps.store.listStatusDisruptions({ endingAfter: now }),
  ]);
  return {
    ...(maintenance ? { maintenance } : {}),
    current: open.filter((disruption) => disruption.startsAt <= now),
    planned: open.filter((disruption) => disruption.startsAt > now),
  };
}
