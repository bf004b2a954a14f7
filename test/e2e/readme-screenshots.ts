// `npm run screenshots`: the README's pictures, taken in Debian's Chromium from a real server with
// the development seed: the start page, the login page, the Midden code page and the demo result.
// Saved as docs/images/*.png at a phone-sized and a desktop width.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { testCitizens } from '../../seeds/development.ts';
import { lastSmsCode } from '../support/relying-party.ts';
import { startTestServer } from '../support/server.ts';
import { launchChromium } from './support/harness.ts';

const outputDir = fileURLToPath(new URL('../../docs/images/', import.meta.url));
const citizen = testCitizens[1];

const server = await startTestServer();
const browser = await launchChromium();
try {
  mkdirSync(outputDir, { recursive: true });
  const context = await browser.newContext({ locale: 'nl-NL', viewport: { width: 1000, height: 760 } });
  const page = await context.newPage();
  const shoot = async (name: string, target: Page) => {
    await target.screenshot({ path: `${outputDir}${name}.png`, fullPage: true });
    console.log(`docs/images/${name}.png`);
  };
  await page.goto(`${server.url}/`);
  await shoot('start-page', page);
  await page.goto(`${server.url}/demo`);
  await page.getByRole('link', { name: 'Inloggen met Poortwachter (niveau Midden)' }).click();
  await page.waitForURL(/\/inloggen\/[\w-]+$/);
  await shoot('login-page', page);
  await page.getByLabel('Gebruikersnaam').fill(citizen.username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(citizen.password);
  await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
  await page.waitForURL(/\/code$/);
  await shoot('code-page', page);
  await page.getByRole('textbox').fill(await lastSmsCode(server, citizen.phone));
  await page.getByRole('button', { name: 'Controleren' }).click();
  await page.waitForURL(/\/demo\/callback/);
  await shoot('demo-result', page);
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(`${server.url}/demo/login`);
  await page.waitForURL(/\/inloggen\/[\w-]+$/);
  await shoot('login-page-phone', page);
} finally {
  await browser.close();
  await server.stop();
}
