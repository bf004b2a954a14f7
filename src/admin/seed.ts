// Writes the development seed on an empty database, through the same functions an operator's commands
// use (validated and audited), with every row marked as test data: a production start refuses a
// database that still holds one (src/core/test-data.ts). Never in production.
import type { Config } from '../../config/index.ts';
import { addCitizen, type CitizenDeps } from '../core/citizens.ts';
import { addOrganisation, type AdminDeps } from './organisations.ts';
import { readSeedFile, resolveSeedUri, type SeedData } from './seed-file.ts';
import { addOidcWebdienst } from './webdiensten.ts';

export type SeedDeps = AdminDeps & CitizenDeps;

/** Writes `seed` unless the database already has citizens or organisations; true when it wrote. */
export async function applySeed(
  deps: SeedDeps,
  seed: SeedData,
  target: Pick<Config, 'environment' | 'publicUrl'>,
): Promise<boolean> {
  if (target.environment === 'production') return false;
  if ((await deps.store.countCitizens()) > 0 || (await deps.store.listOrganisations()).length > 0) return false;
  for (const citizen of seed.citizens)
    await addCitizen(deps, {
      username: citizen.username,
      password: citizen.password,
      bsn: citizen.bsn,
      ...(citizen.phone === undefined ? {} : { phone: citizen.phone }),
      testData: true,
    });
  for (const organisation of seed.organisations) await addOrganisation(deps, { ...organisation, testData: true });
  for (const webdienst of seed.oidcWebdiensten)
    await addOidcWebdienst(
      { ...deps, environment: target.environment },
      {
        ...webdienst,
        redirectUris: webdienst.redirectUris.map((uri) => resolveSeedUri(uri, target.publicUrl)),
        postLogoutRedirectUris: webdienst.postLogoutRedirectUris?.map((uri) => resolveSeedUri(uri, target.publicUrl)),
        testData: true,
      },
    );
  return true;
}

/** The server's start: the seed file of the configuration, when seeding is on (never in production). */
export async function seedDevelopmentDatabase(deps: SeedDeps, config: Config): Promise<boolean> {
  if (config.environment === 'production' || !config.seed.testData) return false;
  return applySeed(deps, readSeedFile(config.seed.file), config);
}
