// The development seed for tests, the bench and the load test: the data of seeds/development.json,
// checked by the same reader the server uses. The service itself reads the file named by its
// configuration (seed.file) and never imports this module.
import { readSeedFile, type SeedCitizen } from '../src/admin/seed-file.ts';

export const developmentSeed = readSeedFile(new URL('./development.json', import.meta.url));

function seededCitizen(username: string): SeedCitizen {
  const citizen = developmentSeed.citizens.find((candidate) => candidate.username === username);
  if (!citizen) throw new Error(`seeds/development.json has no citizen ${username}`);
  return citizen;
}

const midden = seededCitizen('test-midden');
if (!midden.phone) throw new Error('seeds/development.json: test-midden needs a phone number');

/** Test citizens: fictitious BSNs from the 9999 range that pass the 11-check (DESIGN.md section 3). */
export const testCitizens = [seededCitizen('test-basis'), { ...midden, phone: midden.phone }] as const;
