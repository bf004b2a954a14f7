// One Basis and one Midden login at the demo webdienst with the keyboard only: Tab, typing and
// Enter, every focused element with a visible focus ring of at least 3:1 contrast.
import { expect } from 'chai';
import { testCitizens } from '../../seeds/development.ts';
import { useE2e } from './support/harness.ts';
import { demoResult, smsCode } from './support/journeys.ts';
import { tabTo } from './support/keyboard.ts';
import { checkPage } from './support/page-checks.ts';

describe('In Chromium with the keyboard only', () => {
  const e2e = useE2e();

  async function passwordStep(
    page: import('playwright-core').Page,
    level: 'basis' | 'midden',
    citizen: { username: string; password: string },
  ) {
    await page.goto(`${e2e.server.url}/demo`);
    await tabTo(
      page,
      'link',
      level === 'midden' ? 'Inloggen met Poortwachter (niveau Midden)' : 'Inloggen met Poortwachter',
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/inloggen\/[\w-]+$/);
    await tabTo(page, 'textbox', 'Gebruikersnaam');
    await page.keyboard.type(citizen.username);
    await page.keyboard.press('Tab');
    await page.keyboard.type(citizen.password);
    await page.keyboard.press('Enter');
  }

  it('logs in at Basis', async () => {
    const citizen = testCitizens[0];
    const page = await e2e.newPage();
    await passwordStep(page, 'basis', citizen);
    expect((await demoResult(page)).bsn).to.equal(citizen.bsn);
    await tabTo(page, 'button', 'Uitloggen');
  });

  it('logs in at Midden with the SMS code', async () => {
    const citizen = testCitizens[1];
    const page = await e2e.newPage();
    await passwordStep(page, 'midden', citizen);
    await page.waitForURL(/\/code$/);
    await checkPage(e2e, page, 'code page reached by keyboard');
    await tabTo(page, 'textbox', 'Code uit de sms');
    await page.keyboard.type(await smsCode(e2e, citizen.phone));
    await page.keyboard.press('Enter');
    expect((await demoResult(page)).level).to.match(/^midden/);
  });
});
