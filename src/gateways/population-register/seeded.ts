// The seeded register of development and preproduction: a fixed list of fictitious persons, answered
// from memory. Production refuses it (config validation and createPopulationRegister).
import type { PopulationRegister, RegisteredPerson } from '../../core/register/population-register.ts';
import { seededPersons } from './seeded-persons.ts';

export function createSeededPopulationRegister(
  persons: readonly RegisteredPerson[] = seededPersons,
): PopulationRegister {
  const byBsn = new Map(persons.map((person) => [person.bsn, person]));
  return {
    kind: 'seeded',
    lookup: (bsn) => Promise.resolve(byBsn.get(bsn)),
  };
}
