// Mijn Poortwachter in Chromium: the citizen logs in, sees the account and its recent activity,
// changes the phone number with an SMS code to the current number, and logs out.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { useE2e } from './support/harness.ts';
import { heading, smsCode, submitCode, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

const citizen = testCitizens[1];
const newPhone = '+31687654321';

describe('In Chromium: Mijn Poortwachter', () => {
  const e2e = useE2e();

  it('logs in, shows the overview and activity, changes the phone number with an SMS code, and logs out', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.server.url}/`);
    await page.getByRole('link', { name: 'Mijn Poortwachter' }).first().click();
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
    await checkPage(e2e, page, 'login page of Mijn Poortwachter');
    await submitPassword(page, citizen.username, citizen.password);
    await page.waitForURL(`${e2e.server.url}/mijn`);
    expect(await heading(page)).to.equal('Mijn Poortwachter');
    expect(await page.locator('.account-details').textContent()).to.include(citizen.username);
    // The activity in sentences: which webdienst, at which level; never a raw event name.
    const activity = (await page.getByRole('table').textContent())!;
    expect(activity).to.include('Ingelogd bij Mijn Poortwachter (niveau Basis)');
    expect(activity).to.include('Wachtwoord ingevuld om in te loggen bij Mijn Poortwachter');
    expect(activity).to.not.match(/\b[a-z]+\.[a-z_]+\b/);
    await checkPage(e2e, page, 'overview with activity');

    await page.getByRole('link', { name: 'Telefoonnummer wijzigen' }).click();
    expect(await heading(page)).to.equal('Telefoonnummer wijzigen');
    await checkPage(e2e, page, 'phone change form');
    await page.getByLabel('Nieuw mobiel telefoonnummer').fill('06 8765 4321');
    await page.getByRole('button', { name: 'Doorgaan' }).click();
    await page.waitForURL(/\/code$/);
    await checkPage(e2e, page, 'code page of the phone change');
    await submitCode(page, await smsCode(e2e, citizen.phone));
    await page.waitForURL(/\/mijn\?melding=telefoon_gewijzigd/);
    expect(await page.getByRole('status').textContent()).to.include('Uw telefoonnummer is gewijzigd');
    expect(await page.locator('.account-details').textContent()).to.include(newPhone.slice(-2));
    await checkPage(e2e, page, 'overview after the phone change');

    await page.getByRole('button', { name: 'Uitloggen uit Mijn Poortwachter' }).click();
    await page.getByText('U bent uitgelogd bij Mijn Poortwachter.').waitFor();
    await checkPage(e2e, page, 'after logging out of Mijn Poortwachter');
    await page.goto(`${e2e.server.url}/mijn`);
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
  });
});
