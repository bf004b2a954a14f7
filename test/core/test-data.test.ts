// Production holds no test citizens and no demo webdienst. A production start on
// a database that still holds rows of the development seed refuses, naming what to remove.
import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { seedDevelopmentDatabase } from '../../src/admin/seed.ts';
import { refuseTestDataInProduction } from '../../src/core/test-data.ts';
import { startServer } from '../../src/server.ts';
import { createServices } from '../../src/services.ts';
import { databaseKinds } from '../support/databases.ts';
import { FakeClock } from '../support/clock.ts';
import { productionEnv } from '../support/production-env.ts';
import { testPki } from '../support/test-pki.ts';
import { openTestStore, type TestStore } from '../support/stores.ts';

async function refusal(action: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

for (const kind of databaseKinds) {
  describe(`test data in production (${kind})`, () => {
    let opened: TestStore;
    const clock = new FakeClock(1_700_000_000_000);
    const development = () => loadConfig({ POORTWACHTER_ENV: 'development' }, { databaseUrl: opened.database.url });
    const deps = () => {
      const services = createServices(development(), opened.store, clock);
      return { ...services.adminDeps, ...services.citizenDeps };
    };
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('refuses a seeded database in production, naming each test citizen, organisation and webdienst', async () => {
      await seedDevelopmentDatabase(deps(), development());
      const error = await refusal(() => refuseTestDataInProduction(opened.store, 'production'));
      expect(error?.message).to.include('Refusing to start in production: the database holds test data');
      expect(error?.message).to.include('citizens (username): test-basis, test-midden');
      expect(error?.message).to.include(
        'webdiensten (client_id): demo-webdienst "Demo webdienst (Mijn Voorbeeldstad)"',
      );
      expect(error?.message).to.include('00000001001234567000 "Gemeente Voorbeeldstad"');
      expect(error?.message).to.include('delete from webdiensten where test_data');
      // The message names test citizens by username only: never a BSN, not even a fictitious one.
      expect(error?.message).to.not.include('999990019');
    });

    it('lets production start on rows an operator added, and lets development start on seeded ones', async () => {
      await addOrganisation(deps(), { name: 'Gemeente Echtdorp', oin: '00000001009999999000', bsnEntitled: true });
      expect(await refusal(() => refuseTestDataInProduction(opened.store, 'production'))).to.equal(undefined);
      await opened.another().insertCitizen(
        {
          id: 'c-test',
          username: 'seeded-by-hand',
          passwordHash: 'x',
          bsn: '999993653',
          phone: null,
          status: 'active',
          locale: 'nl',
          createdAt: 1,
          updatedAt: 1,
        },
        { testData: true },
      );
      expect(await refusal(() => refuseTestDataInProduction(opened.store, 'development'))).to.equal(undefined);
      expect((await refusal(() => refuseTestDataInProduction(opened.store, 'production')))?.message).to.include(
        'citizens (username): seeded-by-hand',
      );
    });

    if (kind === 'postgres')
      it('stops the production server start before it listens', async () => {
        await seedDevelopmentDatabase(deps(), development());
        // The trust anchors and our SOAP client certificate are read before the store is opened.
        const pki = testPki();
        const config = loadConfig({
          ...productionEnv(),
          DATABASE_URL: opened.database.url,
          PORT: '0',
          TRUST_ANCHOR_FILES: pki.anchorsFile,
          SOAP_CLIENT_CERT_FILE: pki.poortwachterClient.certificateFile,
          SOAP_CLIENT_KEY_FILE: pki.poortwachterClient.keyFile,
        });
        const error = await refusal(() => startServer(config));
        expect(error?.message).to.include('Refusing to start in production: the database holds test data');
      });
  });
}
