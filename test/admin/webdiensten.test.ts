import { expect } from 'chai';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { builtInOrganisationOin } from '../../src/stores/built-in.ts';
import { openStore, type Store } from '../../src/stores/index.ts';
import { loadConfig } from '../../config/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

describe('registering OIDC webdiensten (src/admin/webdiensten.ts)', () => {
  let database: TestDatabase;
  let store: Store;
  const config = loadConfig({ POORTWACHTER_ENV: 'development' });
  const deps = () => ({ ...createServices(config, store, systemClock).adminDeps, environment: config.environment });

  before(async () => {
    database = await createTestDatabase();
    store = openStore(database.url);
    await store.migrate();
    await addOrganisation(deps(), { name: 'Gemeente Test', oin: '00000001000000000001', bsnEntitled: true });
  });
  after(async () => {
    await store.close();
    await database.drop();
  });

  async function refusal(input: Parameters<typeof addOidcWebdienst>[1]): Promise<string> {
    try {
      await addOidcWebdienst(deps(), input);
    } catch (error) {
      return (error as { code: string }).code;
    }
    return 'registered';
  }

  it('never attaches a webdienst to the built-in Poortwachter organisation', async () => {
    expect(
      await refusal({
        organisationOin: builtInOrganisationOin,
        name: 'Sluiproute',
        redirectUris: ['https://example.nl/cb'],
      }),
    ).to.equal('admin.unknown_organisation');
  });

  it('refuses http redirect URIs outside loopback and levels that are not offered', async () => {
    expect(
      await refusal({
        organisationOin: '00000001000000000001',
        name: 'Onveilig',
        redirectUris: ['http://example.nl/cb'],
      }),
    ).to.equal('admin.insecure_uri');
    expect(
      await refusal({
        organisationOin: '00000001000000000001',
        name: 'Te hoog',
        redirectUris: ['https://example.nl/cb'],
        level: 'hoog',
      }),
    ).to.equal('admin.invalid_level');
    expect(
      await refusal({
        organisationOin: '00000001000000000001',
        name: 'Zonder sleutels',
        redirectUris: ['https://example.nl/cb'],
        auth: 'private_key_jwt',
      }),
    ).to.equal('admin.missing_jwks');
  });

  it('issues a client secret only for client_secret_basic', async () => {
    const registered = await addOidcWebdienst(deps(), {
      organisationOin: '00000001000000000001',
      name: 'Preproductie',
      redirectUris: ['https://example.nl/cb'],
      auth: 'client_secret_basic',
    });
    expect(registered.clientSecret).to.be.a('string').with.length.greaterThan(30);
    const withKeys = await addOidcWebdienst(deps(), {
      organisationOin: '00000001000000000001',
      name: 'Productie',
      redirectUris: ['https://example.nl/cb2'],
      auth: 'private_key_jwt',
      jwksUri: 'https://example.nl/jwks',
    });
    expect(withKeys.clientSecret).to.equal(undefined);
  });
});
