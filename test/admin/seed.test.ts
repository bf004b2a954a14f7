// The development seed as a data file: read and checked before anything is written, written through
// the operator's own functions (validated, audited), every row marked as test data.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig, type Config } from '../../config/index.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { applySeed, seedDevelopmentDatabase } from '../../src/admin/seed.ts';
import { readSeedFile, SeedFileError } from '../../src/admin/seed-file.ts';
import { createServices } from '../../src/services.ts';
import { databaseKinds } from '../support/databases.ts';
import { FakeClock } from '../support/clock.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-seed-'));
function seedFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('seed file', () => {
  const shipped = loadConfig({ POORTWACHTER_ENV: 'development' });

  it('reads the seed that comes with Poortwachter: two test citizens, two organisations, the demo webdienst', () => {
    const seed = readSeedFile(shipped.seed.file);
    expect(seed.citizens.map((citizen) => citizen.username)).to.deep.equal(['test-basis', 'test-midden']);
    expect(seed.organisations.map((organisation) => organisation.bsnEntitled)).to.deep.equal([true, false]);
    expect(seed.oidcWebdiensten.map((webdienst) => webdienst.clientId)).to.deep.equal([shipped.demo.clientId]);
  });

  it('refuses a file that is not JSON, naming the file', () => {
    const path = seedFile('broken.json', '{"citizens": [');
    const error = errorOf(() => readSeedFile(path));
    expect(error).to.be.instanceOf(SeedFileError);
    expect(error.message).to.include(`Cannot read seed file ${path}`);
  });

  it('refuses a missing file, naming it', () => {
    expect(errorOf(() => readSeedFile(join(dir, 'missing.json'))).message).to.match(/missing\.json: ENOENT/);
  });

  it('names every wrong field: a short BSN, an unknown key, a relative redirect URI, a missing list', () => {
    const path = seedFile('wrong.json', {
      citizens: [{ username: 'x-test', password: 'p', bsn: '1234', description: 'd', colour: 'blue' }],
      organisations: [],
      oidcWebdiensten: [
        { organisationOin: '00000001001234567000', name: 'W', clientId: 'w', redirectUris: ['callback'] },
      ],
    });
    const message = errorOf(() => readSeedFile(path)).message;
    expect(message).to.include(`Invalid seed file ${path}`);
    expect(message).to.include('citizens.0.bsn: must be 9 digits');
    expect(message).to.match(/citizens\.0: Unrecognized key.*colour/);
    expect(message).to.include('oidcWebdiensten.0.redirectUris.0: must be an absolute URL or a path starting with /');
    const missing = seedFile('incomplete.json', { citizens: [], organisations: [] });
    expect(errorOf(() => readSeedFile(missing)).message).to.match(/oidcWebdiensten: .*expected array/i);
  });
});

for (const kind of databaseKinds) {
  describe(`writing the development seed (${kind})`, () => {
    let opened: TestStore;
    let config: Config;
    const clock = new FakeClock(1_700_000_000_000);
    beforeEach(async () => {
      opened = await openTestStore(kind);
      config = loadConfig(
        { POORTWACHTER_ENV: 'development' },
        { databaseUrl: opened.database.url, publicUrl: 'http://127.0.0.1:4321' },
      );
    });
    afterEach(() => opened.close());

    const deps = () => {
      const services = createServices(config, opened.store, clock);
      return { ...services.adminDeps, ...services.citizenDeps };
    };

    it('writes citizens, organisations and webdiensten, each marked as test data and audited', async () => {
      expect(await seedDevelopmentDatabase(deps(), config)).to.equal(true);
      expect(await opened.store.listTestData()).to.deep.equal({
        citizens: [{ username: 'test-basis' }, { username: 'test-midden' }],
        organisations: [
          { oin: '00000001001234567000', name: 'Gemeente Voorbeeldstad' },
          { oin: '00000003001234567000', name: 'Stichting Voorbeeldvereniging' },
        ],
        webdiensten: [{ clientId: 'demo-webdienst', name: 'Demo webdienst (Mijn Voorbeeldstad)' }],
      });
      const midden = await opened.store.findCitizenByUsername('test-midden');
      expect(midden).to.deep.include({ bsn: '999990019', phone: '+31612345678', status: 'active' });
      const events = await opened.store.listAuditEvents({ limit: 50 });
      const created = events.filter((event) => event.type === 'citizen.created');
      expect(created.map((event) => event.details)).to.deep.equal([{ testData: true }, { testData: true }]);
      expect(events.filter((event) => event.type === 'admin.webdienst_added')).to.have.length(1);
    });

    it('puts the public URL in front of the paths of redirect URIs', async () => {
      await seedDevelopmentDatabase(deps(), config);
      const demo = await opened.store.findWebdienstByClientId('demo-webdienst');
      expect(demo?.protocolMetadata.redirect_uris).to.deep.equal(['http://127.0.0.1:4321/demo/callback']);
      expect(demo?.protocolMetadata.post_logout_redirect_uris).to.deep.equal(['http://127.0.0.1:4321/demo']);
    });

    it('writes nothing on a database that already has organisations, and leaves their rows unmarked', async () => {
      await addOrganisation(deps(), { name: 'Gemeente Echtdorp', oin: '00000001009999999000', bsnEntitled: true });
      expect(await seedDevelopmentDatabase(deps(), config)).to.equal(false);
      expect(await opened.store.countCitizens()).to.equal(0);
      expect(await opened.store.listTestData()).to.deep.equal({ citizens: [], organisations: [], webdiensten: [] });
    });

    it('writes nothing when seeding is off, or in production', async () => {
      expect(await seedDevelopmentDatabase(deps(), { ...config, seed: { ...config.seed, testData: false } })).to.equal(
        false,
      );
      const seed = readSeedFile(config.seed.file);
      expect(await applySeed(deps(), seed, { environment: 'production', publicUrl: 'https://x.example' })).to.equal(
        false,
      );
      expect(await opened.store.countCitizens()).to.equal(0);
    });

    it('writes the seed file the configuration names, checked by the same rules as an operator', async () => {
      const seed = readSeedFile(config.seed.file);
      const path = seedFile(`bad-bsn-${kind}.json`, {
        ...seed,
        citizens: [{ ...seed.citizens[0], bsn: '123456789' }],
      });
      let refused: Error | undefined;
      await seedDevelopmentDatabase(deps(), { ...config, seed: { ...config.seed, file: path } }).catch(
        (error: unknown) => (refused = error as Error),
      );
      expect(refused?.message).to.equal('BSN fails the 11-check');
      expect(await opened.store.countCitizens()).to.equal(0);
    });
  });
}
