// What the workers and the load need before the load starts: the server configuration the scenarios
// ask for (the Midden scenario's higher SMS send limits), and the OIDC webdienst with the seeded test
// citizen that the Basis flows log in to (bench/run.ts registers the same through the CLI).
import { testCitizens } from '../seeds/development.ts';
import type { BenchTarget, Scenario } from '../bench/flows/scenario.ts';
import { loadConfig } from '../config/index.ts';
import { addOrganisation } from '../src/admin/organisations.ts';
import { addOidcWebdienst } from '../src/admin/webdiensten.ts';
import { systemClock } from '../src/core/clock.ts';
import { createServices } from '../src/services.ts';
import type { Store } from '../src/stores/index.ts';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function deepMerge(base: Json, override: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(override))
    out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key], value) : value;
  return out;
}

/** Every selected scenario's serverConfig in one POORTWACHTER_CONFIG object. */
export function mergedServerConfig(scenarios: readonly Scenario[]): Json {
  return scenarios.reduce<Json>((merged, scenario) => deepMerge(merged, scenario.serverConfig ?? {}), {});
}

export async function registerLoadWebdienst(
  store: Store,
  serverEnv: NodeJS.ProcessEnv,
  publicUrl: string,
): Promise<BenchTarget> {
  const config = loadConfig(serverEnv);
  const { adminDeps } = createServices(config, store, systemClock);
  const oin = '00000009000000000077';
  await addOrganisation(adminDeps, { name: 'Loadtest organisatie', oin, bsnEntitled: true });
  const redirectUri = 'http://127.0.0.1:9/loadtest/callback';
  const registered = await addOidcWebdienst(
    { ...adminDeps, environment: config.environment },
    { organisationOin: oin, name: 'Loadtest webdienst', redirectUris: [redirectUri], auth: 'client_secret_basic' },
  );
  const citizen = testCitizens[0];
  return {
    baseUrl: publicUrl,
    clientId: registered.clientId,
    clientSecret: registered.clientSecret!,
    redirectUri,
    citizen: { username: citizen.username, password: citizen.password },
  };
}
