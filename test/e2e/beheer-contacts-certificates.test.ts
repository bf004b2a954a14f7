// The admin console's contacts, certificates and metadata-refresh views in Chromium: an operator adds
// a contact to an organisation (first with an e-mail address that is refused at its field) and
// removes it, reads the certificates page with a certificate that expires soon, and a SAML
// webdienst's page with that certificate marked and the state of fetching its metadata by URL. Every page state passes the
// checks of page-checks.ts (axe, reflow at 320 px, text at 200%).
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addSamlWebdienst } from '../../src/admin/saml-webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { selfSignedCertificate } from '../../src/frontends/saml/certificate.ts';
import { createServices } from '../../src/services.ts';
import { databaseKinds } from '../support/databases.ts';
import { addTestOperator, operatorCode, type TestOperator } from '../support/operators.ts';
import { uniqueOin } from '../support/relying-party.ts';
import { TestSp } from '../frontends/saml/test-sp.ts';
import { useE2e } from './support/harness.ts';
import { andNextPage, heading } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

const dayMs = 86_400_000;
const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

async function logIn(page: Page, operator: TestOperator): Promise<void> {
  await page.getByLabel('Gebruikersnaam').fill(operator.username);
  await page.getByLabel('Wachtwoord').fill(operator.password);
  await page.getByLabel('Code uit de authenticator-app').fill(await operatorCode(operator));
  await andNextPage(page, () => page.getByRole('button', { name: 'Inloggen', exact: true }).click());
}

for (const kind of databaseKinds) {
  describe(`In Chromium: contacts, certificates and metadata refresh in the admin console (${kind})`, () => {
    const e2e = useE2e({ kind });

    it('adds and removes a contact, and lists a certificate that expires soon, marked', async function () {
      this.timeout(240_000);
      const operator = await addTestOperator(e2e.server, { displayName: 'Fatima de Beheerder' });
      const { adminDeps } = createServices(e2e.server.config, e2e.server.store, systemClock);
      const organisation = await addOrganisation(adminDeps, {
        name: 'Gemeente Dronten',
        oin: uniqueOin(),
        bsnEntitled: false,
      });
      // A SAML webdienst whose signing certificate expires in twenty and a half days.
      const sp = new TestSp(e2e.server, 'artifact', false);
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const expiring = body(selfSignedCertificate(privateKey, 'Ligplaatsen', Date.now() - 344.5 * dayMs, 1));
      const { webdienst } = await addSamlWebdienst(
        { ...adminDeps, environment: e2e.server.config.environment },
        {
          organisationOin: organisation.oin,
          name: 'Ligplaatsvergunning',
          metadataXml: sp.metadata().replace(body(sp.key.certificate), expiring),
          responseBinding: 'artifact',
        },
      );

      const page = await e2e.newPage();
      await page.goto(`${e2e.server.url}/beheer/inloggen`);
      await logIn(page, operator);
      await page.getByRole('link', { name: 'Gemeente Dronten' }).click();
      await page.waitForURL(`${e2e.server.url}/beheer/organisaties/${organisation.oin}`);
      expect(await page.getByText('Deze organisatie heeft nog geen contactpersonen.').count()).to.equal(1);

      await page.getByLabel('Rol').selectOption('security');
      await page.getByLabel('Naam van de contactpersoon').fill('Sanne Veilig');
      await page.getByLabel('E-mailadres').fill('sanne-at-dronten');
      await andNextPage(page, () => page.getByRole('button', { name: 'Contactpersoon toevoegen' }).click());
      expect(await page.getByLabel('E-mailadres').getAttribute('aria-invalid')).to.equal('true');
      expect(await page.locator('.error-summary').textContent()).to.include('Vul een geldig e-mailadres in');
      expect(await page.getByLabel('Naam van de contactpersoon').inputValue()).to.equal('Sanne Veilig');
      await checkPage(e2e, page, 'contact refused at its e-mail field');

      await page.getByLabel('E-mailadres').fill('cert@dronten.example.nl');
      await andNextPage(page, () => page.getByRole('button', { name: 'Contactpersoon toevoegen' }).click());
      await page.waitForURL(`${e2e.server.url}/beheer/organisaties/${organisation.oin}?melding=toegevoegd`);
      const contacts = page.getByRole('table', { name: 'Contactpersonen van deze organisatie' });
      const row = await contacts.getByRole('row', { name: /Sanne Veilig/ }).textContent();
      expect(row).to.include('Beveiliging');
      expect(row).to.include('cert@dronten.example.nl');
      await checkPage(e2e, page, 'organisation page with a contact');

      await andNextPage(page, () =>
        page.getByRole('button', { name: 'Sanne Veilig (Beveiliging) verwijderen' }).click(),
      );
      await page.waitForURL(`${e2e.server.url}/beheer/organisaties/${organisation.oin}?melding=verwijderd`);
      expect(await page.getByText('Deze organisatie heeft nog geen contactpersonen.').count()).to.equal(1);

      await page.getByRole('link', { name: 'Certificaten' }).click();
      await page.waitForURL(`${e2e.server.url}/beheer/certificaten`);
      expect(await heading(page)).to.equal('Certificaten');
      const certificate = await page
        .getByRole('table', { name: 'Certificaten van alle webdiensten' })
        .getByRole('row', { name: /Ligplaatsvergunning/ })
        .textContent();
      expect(certificate).to.include('Binnen 30 dagen (nog 20 dagen)');
      await checkPage(e2e, page, 'certificates page');

      // The webdienst's metadata comes from a URL now: its page shows how fetching it goes.
      const at = Date.parse('2026-11-30T08:15:00Z');
      await e2e.server.store.saveSamlMetadataSource({
        webdienstId: webdienst.id,
        url: 'https://ligplaats.dronten.example.nl/saml/metadata.xml',
        signingCertificate: expiring,
        etag: null,
        lastModified: null,
        validUntil: null,
        cacheDurationMs: null,
        lastSuccessAt: at,
        lastAttemptAt: at + 3_600_000,
        lastErrorAt: at + 3_600_000,
        lastError: 'http_status_503',
        consecutiveFailures: 1,
        nextAttemptAt: at + 7_200_000,
        leaseUntil: null,
        createdAt: at - dayMs,
      });
      await page.getByRole('link', { name: 'Ligplaatsvergunning' }).click();
      await page.waitForURL(`${e2e.server.url}/beheer/webdiensten/${webdienst.id}`);
      expect(await page.getByRole('table', { name: 'Certificaten van deze webdienst' }).textContent()).to.include(
        'Binnen 30 dagen: nog 20 dagen',
      );
      const refresh = await page.getByRole('region', { name: 'Metadata ophalen' }).textContent();
      expect(refresh).to.include('2026-11-30 09:15 UTC: http_status_503');
      expect(refresh).to.include('2026-11-30 10:15 UTC');
      await checkPage(e2e, page, 'SAML webdienst page with its metadata refresh state');
    });
  });
}
