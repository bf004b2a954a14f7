// The development and preproduction seed (DESIGN.md section 9): fictitious test citizens, two
// organisations and the demo webdienst, written once on an empty database, never in production.
import type { Config } from '../config/index.ts';
import { addOidcWebdienst } from '../src/admin/webdiensten.ts';
import { addOrganisation, type AdminDeps } from '../src/admin/organisations.ts';
import { addCitizen, type CitizenDeps } from '../src/core/citizens.ts';

/** Test citizens: fictitious BSNs from the 9999 range that pass the 11-check (DESIGN.md section 3). */
export const testCitizens = [
  { username: 'test-basis', password: 'zonnebloem-fietsbel-2026', bsn: '999993653', description: 'Basis only' },
  {
    username: 'test-midden',
    password: 'kanaalbrug-regenjas-2026',
    bsn: '999990019',
    phone: '+31612345678',
    description: 'has a mobile number for Midden',
  },
] as const;

export const demoOrganisations = {
  entitled: {
    name: 'Gemeente Voorbeeldstad',
    oin: '00000001001234567000',
    publicTask: 'Gemeentelijke dienstverlening',
    bsnEntitled: true,
  },
  notEntitled: {
    name: 'Stichting Voorbeeldvereniging',
    oin: '00000003001234567000',
    publicTask: 'Voorlichting',
    bsnEntitled: false,
  },
};

export const demoClientId = 'demo-webdienst';

export async function seedDevelopmentData(deps: AdminDeps & CitizenDeps, config: Config): Promise<boolean> {
  if (config.environment === 'production' || !config.seed.testData) return false;
  if ((await deps.store.countCitizens()) > 0 || (await deps.store.listOrganisations()).length > 0) return false;
  for (const citizen of testCitizens) await addCitizen(deps, citizen);
  const entitled = await addOrganisation(deps, demoOrganisations.entitled);
  await addOrganisation(deps, demoOrganisations.notEntitled);
  await addOidcWebdienst(
    { ...deps, environment: config.environment },
    {
      organisationOin: entitled.oin,
      name: 'Demo webdienst (Mijn Voorbeeldstad)',
      clientId: demoClientId,
      auth: 'client_secret_basic',
      redirectUris: [`${config.publicUrl}/demo/callback`],
      postLogoutRedirectUris: [`${config.publicUrl}/demo`],
    },
  );
  return true;
}
