// Records what Poortwachter observes of a webdienst's traffic for its connection checklist. Only
// outside production: there the webdienst was already checked, and the traffic is real citizens'.
import type { Config } from '../../../config/index.ts';
import type { Store } from '../../stores/index.ts';
import type { Clock } from '../clock.ts';
import type { ChecklistItemName } from './items.ts';

export interface ConnectionObservation {
  webdienstId: string;
  item: ChecklistItemName;
  ok: boolean;
  /** What was seen, for the report: never a secret, a token or a BSN. */
  evidence: string;
}

export interface ConnectionObserver {
  observe(observation: ConnectionObservation): Promise<void>;
  /** Several observations of one request, written in one statement. */
  observeAll(observations: ConnectionObservation[]): Promise<void>;
}

export function createConnectionObserver(
  store: Pick<Store, 'insertConnectionObservations'>,
  clock: Clock,
  environment: Config['environment'],
): ConnectionObserver {
  async function observeAll(observations: ConnectionObservation[]): Promise<void> {
    if (environment === 'production' || observations.length === 0) return;
    const at = clock.now();
    try {
      await store.insertConnectionObservations(observations.map((observation) => ({ ...observation, at })));
    } catch {
      // Observing never changes an answer: with the database out of reach the request already
      // answers 503, and a lost observation only leaves the report with one observation fewer.
    }
  }
  return { observeAll, observe: (observation) => observeAll([observation]) };
}
