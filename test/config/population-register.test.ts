import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { configError } from '../support/config-error.ts';
import { productionEnv } from '../support/production-env.ts';

const brp = { POPULATION_REGISTER: 'brp', BRP_URL: 'https://brp.example.nl/haalcentraal/api/brp', BRP_API_KEY: 'k3y' };

describe('population register configuration', () => {
  it('defaults to the seeded register in development and preproduction', () => {
    for (const environment of ['development', 'preproduction'])
      expect(loadConfig({ POORTWACHTER_ENV: environment }).populationRegister).to.deep.equal({ source: 'seeded' });
  });

  it('reads the BRP settings, with the X-API-KEY header and a 5 second timeout by default', () => {
    expect(loadConfig(brp).populationRegister).to.deep.equal({
      source: 'brp',
      brp: { url: brp.BRP_URL, apiKeyHeader: 'X-API-KEY', apiKey: 'k3y', timeoutMs: 5000 },
    });
    expect(
      loadConfig({ ...brp, BRP_TIMEOUT_MS: '800', BRP_API_KEY_HEADER: 'apikey' }).populationRegister.brp,
    ).to.include({
      timeoutMs: 800,
      apiKeyHeader: 'apikey',
    });
  });

  it('names what is missing or wrong', () => {
    expect(configError({ POPULATION_REGISTER: 'brp' })).to.include(
      'populationRegister.brp (BRP_URL, BRP_API_KEY) must be set when the population register is brp',
    );
    expect(configError({ POPULATION_REGISTER: 'gba' })).to.include(
      'populationRegister.source (environment variable POPULATION_REGISTER): must be seeded or brp',
    );
    expect(configError({ ...brp, BRP_URL: 'https://user:pw@brp.example.nl' })).to.include('must not hold credentials');
    expect(configError({ ...brp, BRP_TIMEOUT_MS: '50' })).to.include('BRP_TIMEOUT_MS');
  });

  it('refuses the seeded register and a BRP over http in production, naming the setting', () => {
    expect(() => loadConfig(productionEnv())).to.not.throw();
    expect(configError({ ...productionEnv(), POPULATION_REGISTER: 'seeded' })).to.include(
      'populationRegister.source (POPULATION_REGISTER) must be brp in production',
    );
    expect(configError({ ...productionEnv(), BRP_URL: 'http://brp.internal' })).to.include(
      'populationRegister.brp.url (BRP_URL) must use https:// in production',
    );
    const withoutBrp = { ...productionEnv(), BRP_URL: '', BRP_API_KEY: '' };
    expect(configError(withoutBrp)).to.include('populationRegister.brp (BRP_URL, BRP_API_KEY) must be set');
  });
});
