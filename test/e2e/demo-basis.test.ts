// A citizen in Chromium at the demo webdienst, level Basis: log in, see what the webdienst received,
// log out again (RP-initiated logout); a wrong password, cancel on the password page, and the whole
// journey in English. Every page state passes the checks of page-checks.ts.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { useE2e } from './support/harness.ts';
import { demoResult, heading, startDemoLogin, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

const citizen = testCitizens[0];

describe('In Chromium: the demo webdienst at level Basis', () => {
  const e2e = useE2e();

  it('logs in with username and password, shows the BSN at level Basis, and logs out again', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.server.url}/`);
    await checkPage(e2e, page, 'start page');
    await startDemoLogin(e2e, page);
    await submitPassword(page, citizen.username, citizen.password);
    const result = await demoResult(page);
    expect(result.bsn).to.equal(citizen.bsn);
    expect(result.level).to.match(/^basis/);
    await checkPage(e2e, page, 'demo result');

    await page.getByRole('button', { name: 'Uitloggen' }).click();
    expect(await heading(page)).to.equal('Uitloggen');
    await checkPage(e2e, page, 'logout question');
    await page.getByRole('button', { name: 'Ja, uitloggen' }).click();
    await page.waitForURL(`${e2e.server.url}/demo`);
    await checkPage(e2e, page, 'demo home after logout');
    // Logged out for real: the next login asks for the password again.
    await page.getByRole('link', { name: 'Inloggen met Poortwachter', exact: true }).click();
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
    expect(await heading(page)).to.equal('Inloggen');
  });

  it('shows a wrong password as an error the citizen can correct, then logs in', async () => {
    const page = await e2e.newPage();
    await startDemoLogin(e2e, page);
    await submitPassword(page, citizen.username, 'niet-het-goede-wachtwoord');
    await page.waitForSelector('.error-summary');
    expect(await page.locator('.error-summary').textContent()).to.include(
      'De combinatie van gebruikersnaam en wachtwoord is niet bekend',
    );
    expect(await page.getByLabel('Gebruikersnaam').inputValue()).to.equal(citizen.username);
    await checkPage(e2e, page, 'login page with a wrong password');
    await submitPassword(page, citizen.username, citizen.password);
    expect((await demoResult(page)).bsn).to.equal(citizen.bsn);
  });

  it('returns to the webdienst as cancelled when the citizen cancels on the password page', async () => {
    const page = await e2e.newPage();
    await startDemoLogin(e2e, page);
    await page.getByRole('button', { name: /^Annuleren/ }).click();
    await page.waitForURL(/\/demo\/callback\?.*error=access_denied/);
    expect(await page.getByRole('status').textContent()).to.include('U hebt het inloggen geannuleerd');
    await checkPage(e2e, page, 'demo result after cancel');
  });

  it('does the whole journey in English', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.server.url}/demo`);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    await checkPage(e2e, page, 'demo home in English');
    await page.getByRole('link', { name: 'Log in with Poortwachter', exact: true }).click();
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
    expect(await heading(page)).to.equal('Log in');
    await checkPage(e2e, page, 'login page in English');
    await page.getByLabel('Username').fill(citizen.username);
    await page.getByLabel('Password', { exact: true }).fill(citizen.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    expect((await demoResult(page)).bsn).to.equal(citizen.bsn);
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    await checkPage(e2e, page, 'demo result in English');
  });
});
