// The one line `npm start` (`poortwachter serve`) prints for the person at the terminal, outside
// production: the address to open and, where test citizens were seeded, one to log in with. It goes
// to stderr, so stdout stays the JSON log lines; the password stays out of it (output may be kept
// as logs), the start page shows it next to every test citizen.
import type { Config } from '../../config/index.ts';
import { readSeedFile } from '../admin/seed-file.ts';

export function startBanner(config: Config): string | undefined {
  if (config.environment === 'production') return undefined;
  const [citizen] = config.seed.testData ? readSeedFile(config.seed.file).citizens : [];
  const login = citizen ? ` and log in as test citizen ${citizen.username} (its password is on that page)` : '';
  return `Poortwachter is running: open ${config.publicUrl}/${login}\n`;
}
