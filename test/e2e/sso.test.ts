// Single sign-on in Chromium across two webdiensten of one federation: the "already logged in" page
// at the second, and the step-up from Basis to Midden that asks only the SMS code.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { levels } from '../../src/core/levels.ts';
import { useE2e } from './support/harness.ts';
import { BrowserWebdienst, heading, smsCode, submitCode, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

const citizen = testCitizens[1];

describe('In Chromium: single sign-on in a federation', () => {
  const e2e = useE2e();
  let parkeren: BrowserWebdienst;
  let afval: BrowserWebdienst;
  before(async () => {
    parkeren = await BrowserWebdienst.register(e2e, { name: 'Parkeren Voorbeeldstad', federation: 'voorbeeldstad' });
    afval = await BrowserWebdienst.register(e2e, { name: 'Afvalpas Voorbeeldstad', federation: 'voorbeeldstad' });
  });

  async function loggedInAtParkeren() {
    const context = await e2e.newContext();
    await parkeren.serveIn(context);
    await afval.serveIn(context);
    const page = await context.newPage();
    const request = await parkeren.start(page);
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
    await submitPassword(page, citizen.username, citizen.password);
    const claims = await parkeren.finish(page, request);
    expect(claims.acr).to.equal(levels.basis.uri);
    return page;
  }

  it('shows the second webdienst the "already logged in" page and continues without a password', async () => {
    const page = await loggedInAtParkeren();
    const request = await afval.start(page);
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
    expect(await heading(page)).to.equal('U bent al ingelogd');
    expect(await page.locator('main').textContent()).to.include(citizen.username);
    await checkPage(e2e, page, 'already logged in page');
    await page.getByRole('button', { name: 'Doorgaan naar Afvalpas Voorbeeldstad' }).click();
    const claims = await afval.finish(page, request);
    expect(claims.acr).to.equal(levels.basis.uri);
  });

  it('steps up from Basis to Midden by asking only the SMS code', async () => {
    const page = await loggedInAtParkeren();
    const request = await afval.start(page, { acr_values: levels.midden.uri });
    await page.waitForURL(/\/code$/);
    expect(await page.getByLabel('Gebruikersnaam').count(), 'no password asked again').to.equal(0);
    await checkPage(e2e, page, 'step-up code page');
    await submitCode(page, await smsCode(e2e, citizen.phone));
    const claims = await afval.finish(page, request);
    expect(claims.acr).to.equal(levels.midden.uri);
  });
});
