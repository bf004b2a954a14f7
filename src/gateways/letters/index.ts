// Chooses the letter gateway the configuration names (production writes the
// mail house's batch; the outbox is for development and preproduction only).
import type { Config } from '../../../config/index.ts';
import type { Clock } from '../../core/clock.ts';
import type { LetterGateway } from '../../core/letters/letter-gateway.ts';
import type { Store } from '../../stores/index.ts';
import { createBatchLetterGateway } from './batch.ts';
import { createOutboxLetterGateway } from './outbox.ts';

export { createBatchLetterGateway, writeLetterBatch, type BatchManifest, type ManifestEntry } from './batch.ts';
export { createOutboxLetterGateway } from './outbox.ts';
export { renderLetterPdf } from './pdf.ts';

export function createLetterGateway(
  config: Pick<Config, 'environment' | 'letters'>,
  store: Pick<Store, 'insertOutboxLetter'>,
  clock: Clock,
): LetterGateway {
  if (config.letters.gateway === 'batch') {
    if (!config.letters.batchDirectory) throw new Error('letters.batchDirectory must be set for the letter batch');
    return createBatchLetterGateway(config.letters.batchDirectory);
  }
  // loadConfig already refuses this; a hand-built Config must not slip past it.
  if (config.environment === 'production') throw new Error('the letter outbox is refused in production');
  return createOutboxLetterGateway(store, clock);
}
