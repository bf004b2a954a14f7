// The admin console in Chromium, end to end: an operator logs in with password and authenticator-app
// code (computed by otplib as the app would), adds an organisation and an OIDC webdienst; a citizen
// logs in at that webdienst; the operator suspends it and the next login gets the protocol's error
// (unauthorized_client at the redirect URI); the audit page names the operator for every change.
// Every console page state passes the checks of page-checks.ts (axe, reflow, text size).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { testCitizens } from '../../seeds/development.ts';
import { databaseKinds } from '../support/databases.ts';
import { addTestOperator, operatorCode, type TestOperator } from '../support/operators.ts';
import { RelyingParty, uniqueOin } from '../support/relying-party.ts';
import { addOrganisation } from '../../src/admin/organisations.ts';
import { addOidcWebdienst } from '../../src/admin/webdiensten.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { TestSp, X509Certificate } from '../frontends/saml/test-sp.ts';
import { useE2e } from './support/harness.ts';
import { andNextPage, heading, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

const citizen = testCitizens[0];

async function logIn(page: Page, operator: TestOperator, password = operator.password): Promise<void> {
  await page.getByLabel('Gebruikersnaam').fill(operator.username);
  await page.getByLabel('Wachtwoord').fill(password);
  await page.getByLabel('Code uit de authenticator-app').fill(await operatorCode(operator));
  await andNextPage(page, () => page.getByRole('button', { name: 'Inloggen', exact: true }).click());
}

/** The webdienst's own pages: a small server of its own on a free loopback port. */
async function startWebdienstPages(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      '<!doctype html><html lang="nl"><head><title>Afvalpas</title></head><body><main><h1>Afvalpas</h1></main></body></html>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

for (const kind of databaseKinds) {
  describe(`In Chromium: the admin console (${kind})`, () => {
    const e2e = useE2e({ kind });
    let webdienstPages: Awaited<ReturnType<typeof startWebdienstPages>>;
    before(async () => {
      webdienstPages = await startWebdienstPages();
    });
    after(() => webdienstPages.close());

    it('connects a webdienst that a citizen logs in at, suspends it, and shows every change with the operator', async function () {
      // Twelve page states, each through axe and the reflow checks: longer than one journey.
      this.timeout(240_000);
      const operator = await addTestOperator(e2e.server, { displayName: 'Fatima de Beheerder' });
      const console = await e2e.newPage();

      await console.goto(`${e2e.server.url}/beheer`);
      await console.waitForURL(`${e2e.server.url}/beheer/inloggen`);
      expect(await heading(console)).to.equal('Inloggen bij beheer');
      await checkPage(e2e, console, 'console login');

      await logIn(console, operator, 'niet-het-goede-wachtwoord');
      expect(await console.locator('.error-summary').textContent()).to.include(
        'Gebruikersnaam, wachtwoord of code is niet juist',
      );
      expect(await console.evaluate(() => document.activeElement?.classList.contains('error-summary'))).to.equal(true);
      await checkPage(e2e, console, 'console login with a wrong password');

      await logIn(console, operator);
      await console.waitForURL(`${e2e.server.url}/beheer/organisaties`);
      expect(await heading(console)).to.equal('Organisaties');
      await checkPage(e2e, console, 'organisations (none yet)');

      // An organisation, first with an OIN that is too short.
      await console.getByRole('link', { name: 'Organisatie toevoegen' }).click();
      await console.waitForURL(/\/beheer\/organisaties\/nieuw$/);
      await checkPage(e2e, console, 'add organisation');
      const oin = uniqueOin();
      await console.getByLabel('OIN').fill('1234');
      await console.getByLabel('Naam', { exact: true }).fill('Gemeente Zeewolde');
      await console.getByLabel('De wet staat deze organisatie toe het BSN te verwerken').check();
      await console.getByLabel('Wettelijke grondslag voor het BSN').fill('Wabb, artikel 10');
      await andNextPage(console, () => console.getByRole('button', { name: 'Organisatie toevoegen' }).click());
      expect(await console.getByLabel('OIN').getAttribute('aria-invalid')).to.equal('true');
      await checkPage(e2e, console, 'add organisation with a wrong OIN');
      await console.getByLabel('OIN').fill(oin);
      await andNextPage(console, () => console.getByRole('button', { name: 'Organisatie toevoegen' }).click());
      await console.waitForURL(`${e2e.server.url}/beheer/organisaties/${oin}?melding=toegevoegd`);
      expect(await heading(console)).to.equal('Gemeente Zeewolde');
      await checkPage(e2e, console, 'organisation page');

      // Its OIDC webdienst.
      const redirectUri = `${webdienstPages.origin}/${randomBytes(4).toString('hex')}/callback`;
      await console.getByRole('link', { name: 'OIDC-webdienst toevoegen' }).click();
      await console.waitForURL(/\/beheer\/webdiensten\/nieuw-oidc\?organisatie=/);
      await checkPage(e2e, console, 'add OIDC webdienst');
      await console.getByLabel('Naam van de webdienst').fill('Afvalpas');
      await console.getByLabel("Redirect-URI's").fill(redirectUri);
      await andNextPage(console, () => console.getByRole('button', { name: 'Webdienst toevoegen' }).click());
      expect(await heading(console)).to.equal('Webdienst toegevoegd');
      await checkPage(e2e, console, 'webdienst added, with its secret');
      const clientId = (await console.locator('#client-id').textContent())!.trim();
      const clientSecret = (await console.locator('#client-secret').textContent())!.trim();

      // A citizen logs in there.
      const rp = await RelyingParty.connect(e2e.server, { clientId, clientSecret, redirectUri });
      const citizenPage = await e2e.newPage();
      const request = await rp.authorizationRequest();
      await citizenPage.goto(request.url);
      await citizenPage.waitForURL(/\/inloggen\/[\w-]+$/);
      expect(await citizenPage.locator('.lead').textContent()).to.include('Afvalpas');
      await submitPassword(citizenPage, citizen.username, citizen.password);
      await citizenPage.waitForURL((url) => url.href.startsWith(redirectUri));
      const tokens = await rp.redeem(citizenPage.url(), request);
      expect(tokens.claims()?.bsn).to.equal(citizen.bsn);

      // The operator suspends the webdienst.
      await console.getByRole('link', { name: 'Naar de pagina van Afvalpas' }).click();
      await console.waitForURL(/\/beheer\/webdiensten\/[\w-]+$/);
      expect(await heading(console)).to.equal('Afvalpas');
      await checkPage(e2e, console, 'webdienst page');
      await andNextPage(console, () => console.getByRole('button', { name: 'Webdienst schorsen' }).click());
      expect(await console.getByRole('status').textContent()).to.include('Geschorst');
      await checkPage(e2e, console, 'webdienst page after suspending');

      // The next login at the webdienst: the OIDC error at its redirect URI, no login page.
      const refused = await rp.authorizationRequest();
      await citizenPage.goto(refused.url);
      await citizenPage.waitForURL((url) => url.href.startsWith(redirectUri));
      const answer = new URL(citizenPage.url());
      expect(answer.searchParams.get('error')).to.equal('unauthorized_client');
      expect(answer.searchParams.get('state')).to.equal(refused.state);

      await console.getByRole('link', { name: 'Webdiensten' }).click();
      await console.waitForURL(`${e2e.server.url}/beheer/webdiensten`);
      expect(await console.getByRole('row', { name: /Afvalpas/ }).textContent()).to.include('Geschorst');
      await checkPage(e2e, console, 'webdiensten list');

      // The audit trail names the operator for every change.
      await console.getByRole('link', { name: 'Auditlog' }).click();
      await console.waitForURL(`${e2e.server.url}/beheer/audit`);
      await checkPage(e2e, console, 'audit trail');
      for (const type of [
        'admin.organisation_added',
        'admin.organisation_changed',
        'admin.webdienst_added',
        'admin.webdienst_suspended',
        'operator.login',
      ]) {
        const row = console.getByRole('row').filter({ hasText: type }).first();
        expect(await row.textContent(), type).to.include(`Fatima de Beheerder (${operator.username})`);
      }

      await andNextPage(console, () => console.getByRole('button', { name: 'Uitloggen' }).click());
      await console.waitForURL(`${e2e.server.url}/beheer/inloggen?melding=uitgelogd`);
      expect(await console.getByRole('status').textContent()).to.include('U bent uitgelogd');
      await checkPage(e2e, console, 'console login after logout');
      await console.goto(`${e2e.server.url}/beheer/audit`);
      await console.waitForURL(`${e2e.server.url}/beheer/inloggen`);
    });

    it('adds a SAML webdienst from its metadata and shows its certificate with the expiry date', async function () {
      this.timeout(180_000);
      const operator = await addTestOperator(e2e.server);
      const { adminDeps } = createServices(e2e.server.config, e2e.server.store, systemClock);
      const organisation = await addOrganisation(adminDeps, {
        name: 'Gemeente Urk',
        oin: uniqueOin(),
        bsnEntitled: true,
      });
      const sp = new TestSp(e2e.server, 'artifact', true);
      const page = await e2e.newPage();
      await page.goto(`${e2e.server.url}/beheer/inloggen`);
      await logIn(page, operator);
      await page.getByRole('link', { name: 'Webdiensten' }).click();
      await page.waitForURL(`${e2e.server.url}/beheer/webdiensten`);
      await page.getByRole('link', { name: 'SAML-webdienst toevoegen' }).click();
      await page.waitForURL(/\/beheer\/webdiensten\/nieuw-saml$/);
      await checkPage(e2e, page, 'add SAML webdienst');
      await page.getByLabel('Organisatie').selectOption(organisation.oin);
      await page.getByLabel('Naam van de webdienst').fill('Parkeervergunning');
      await page.getByLabel('SP-metadata (XML)').fill('<niet-bruikbaar/>');
      await andNextPage(page, () => page.getByRole('button', { name: 'Webdienst toevoegen' }).click());
      expect(await page.getByLabel('SP-metadata (XML)').getAttribute('aria-invalid')).to.equal('true');
      await checkPage(e2e, page, 'add SAML webdienst with unusable metadata');
      await page.getByLabel('SP-metadata (XML)').fill(sp.metadata());
      await andNextPage(page, () => page.getByRole('button', { name: 'Webdienst toevoegen' }).click());
      expect(await heading(page)).to.equal('Parkeervergunning');
      const validTo = new Date(new X509Certificate(sp.key.certificate).validTo).toISOString().slice(0, 10);
      expect(await page.getByRole('table', { name: 'Certificaten van deze webdienst' }).textContent()).to.include(
        validTo,
      );
      await checkPage(e2e, page, 'SAML webdienst page with its certificate');
    });

    it('shows refused changes at their fields, a suspended organisation and a removal to confirm', async function () {
      this.timeout(180_000);
      const operator = await addTestOperator(e2e.server);
      const { adminDeps } = createServices(e2e.server.config, e2e.server.store, systemClock);
      const organisation = await addOrganisation(adminDeps, {
        name: 'Gemeente Lelystad',
        oin: uniqueOin(),
        bsnEntitled: false,
      });
      const { webdienst } = await addOidcWebdienst(
        { ...adminDeps, environment: e2e.server.config.environment },
        {
          organisationOin: organisation.oin,
          name: 'Havengeld',
          redirectUris: [`${webdienstPages.origin}/havengeld/callback`],
          auth: 'client_secret_basic',
        },
      );
      const page = await e2e.newPage();
      await page.goto(`${e2e.server.url}/beheer/inloggen`);
      await logIn(page, operator);
      await checkPage(e2e, page, 'organisations list');
      await page.getByRole('link', { name: 'Gemeente Lelystad' }).click();
      await page.waitForURL(`${e2e.server.url}/beheer/organisaties/${organisation.oin}`);
      await page.getByLabel('Naam', { exact: true }).fill('U');
      await andNextPage(page, () => page.getByRole('button', { name: 'Wijzigingen opslaan' }).click());
      expect(await page.getByLabel('Naam', { exact: true }).getAttribute('aria-invalid')).to.equal('true');
      expect(await page.locator('.error-summary').textContent()).to.include('De naam moet 2 tot 200 tekens lang zijn');
      await checkPage(e2e, page, 'organisation change refused');
      await page.goto(`${e2e.server.url}/beheer/organisaties/${organisation.oin}`);
      await andNextPage(page, () => page.getByRole('button', { name: 'Organisatie schorsen' }).click());
      expect(await page.getByRole('button', { name: 'Organisatie hervatten' }).count()).to.equal(1);
      await checkPage(e2e, page, 'suspended organisation');

      await page.getByRole('link', { name: 'Havengeld' }).click();
      await page.waitForURL(`${e2e.server.url}/beheer/webdiensten/${webdienst.id}`);
      await page.getByLabel("Redirect-URI's").fill('http://havengeld.example.nl/callback');
      await andNextPage(page, () => page.getByRole('button', { name: 'Wijzigingen opslaan' }).click());
      expect(await page.getByLabel("Redirect-URI's").getAttribute('aria-invalid')).to.equal('true');
      await checkPage(e2e, page, 'webdienst change refused');
      await page.goto(`${e2e.server.url}/beheer/webdiensten/${webdienst.id}`);
      await andNextPage(page, () => page.getByRole('button', { name: 'Webdienst verwijderen' }).click());
      expect(await page.locator('.error-summary').textContent()).to.include(
        'Vink aan dat u de webdienst wilt verwijderen',
      );
      await checkPage(e2e, page, 'removal not confirmed');
      await page.getByLabel('Ja, verwijder deze webdienst').check();
      await andNextPage(page, () => page.getByRole('button', { name: 'Webdienst verwijderen' }).click());
      await page.waitForURL(`${e2e.server.url}/beheer/webdiensten?melding=verwijderd`);
      expect(await page.getByRole('status').textContent()).to.include('Verwijderd.');
      expect(await page.getByRole('row', { name: /Havengeld/ }).count()).to.equal(0);
      await checkPage(e2e, page, 'webdiensten list after a removal');
    });

    it('offers the login page in English', async () => {
      const page = await e2e.newPage({ locale: 'en-GB' });
      await page.goto(`${e2e.server.url}/beheer/inloggen?lang=en`);
      expect(await heading(page)).to.equal('Log in to administration');
      await page.getByRole('button', { name: 'Log in', exact: true }).click();
      await page.waitForSelector('.error-summary');
      expect(await page.locator('.error-summary').textContent()).to.include(
        'Enter the code from your authenticator app',
      );
      await checkPage(e2e, page, 'console login in English with empty fields');
    });
  });
}
