// Chooses the population register the configuration names (production asks the
// BRP; the seeded register is for development and preproduction only).
import type { Config } from '../../../config/index.ts';
import type { PopulationRegister } from '../../core/register/population-register.ts';
import { createBrpPopulationRegister } from './brp.ts';
import { createSeededPopulationRegister } from './seeded.ts';

export { createBrpPopulationRegister, brpFields, type BrpSettings } from './brp.ts';
export { createSeededPopulationRegister } from './seeded.ts';
export { seededPersons } from './seeded-persons.ts';

export function createPopulationRegister(
  config: Pick<Config, 'environment' | 'populationRegister'>,
  fetchImpl: typeof fetch = fetch,
): PopulationRegister {
  const { source, brp } = config.populationRegister;
  if (source === 'brp') {
    if (!brp) throw new Error('populationRegister.brp must be configured when the source is brp');
    return createBrpPopulationRegister(brp, fetchImpl);
  }
  // loadConfig already refuses this; a hand-built Config must not slip past it.
  if (config.environment === 'production') throw new Error('the seeded population register is refused in production');
  return createSeededPopulationRegister();
}
