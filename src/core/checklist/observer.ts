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
}

export function createConnectionObserver(
  store: Pick<Store, 'insertConnectionObservation'>,
  clock: Clock,
  environment: Config['environment'],
): ConnectionObserver {
  return {
    async observe(observation) {
      if (environment === 'production') return;
      try {
        await store.insertConnectionObservation({ ...observation, at: clock.now() });
      } catch {
        // Observing never changes an answer: with the database out of reach the request already
        // answers 503, and a lost observation only leaves the report with one observation fewer.
      }
    },
  };
}
