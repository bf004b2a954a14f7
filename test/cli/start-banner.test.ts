// The line `npm start` prints for the person at the terminal (src/cli/start-banner.ts).
import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { startBanner } from '../../src/cli/start-banner.ts';
import { readSeedFile } from '../../src/admin/seed-file.ts';
import { productionEnv } from '../support/production-env.ts';

describe('the start line of poortwachter serve (src/cli/start-banner.ts)', () => {
  it('names the address to open and a seeded test citizen, without its password', () => {
    const config = loadConfig({});
    const line = startBanner(config)!;
    expect(line).to.equal(
      'Poortwachter is running: open http://localhost:3000/ and log in as test citizen test-basis (its password is on that page)\n',
    );
    for (const citizen of readSeedFile(config.seed.file).citizens) expect(line).to.not.include(citizen.password);
  });

  it('follows PUBLIC_URL, and names no citizen when no test data is seeded', () => {
    expect(startBanner(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:8080', SEED_TEST_DATA: 'false' }))).to.equal(
      'Poortwachter is running: open http://127.0.0.1:8080/\n',
    );
  });

  it('prints nothing in production, where stdout and stderr are for the logs', () => {
    expect(startBanner(loadConfig(productionEnv()))).to.equal(undefined);
  });
});
