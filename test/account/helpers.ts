// Shared steps for the tests of the citizen's own pages: log in to /mijn through the login pages,
// start a phone change, fresh citizens with a mobile number of their own.
import { randomInt } from 'node:crypto';
import { expect } from 'chai';
import { TestBrowser, formAction, type Page } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';
import { addTestCitizen, type CreatedCitizen } from '../security/helpers.ts';

/** A Dutch mobile number of its own, so each test reads only its own messages from the outbox. */
export function uniqueMobile(): string {
  return `+316${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

/** A fresh active citizen with a mobile number (level Midden by SMS). */
export async function addCitizenWithPhone(server: TestServer): Promise<CreatedCitizen & { phone: string }> {
  const citizen = await addTestCitizen(server);
  const phone = uniqueMobile();
  await server.store.updateCitizenPhone(citizen.row.id, phone, Date.now());
  return { ...citizen, phone };
}

/** GET /mijn without a session: the login page of the login layer, for the built-in webdienst. */
export async function openAccountLogin(server: TestServer, browser: TestBrowser): Promise<Page> {
  const start = await browser.get(`${server.url}/mijn`);
  expect(start.status, start.body.slice(0, 300)).to.equal(303);
  expect(new URL(start.location!).pathname).to.match(/^\/inloggen\/[\w-]+$/);
  return browser.get(start.location!);
}

/** Logs in to /mijn with username and password and returns the overview page. */
export async function loginToAccount(
  server: TestServer,
  browser: TestBrowser,
  username: string,
  password: string,
): Promise<Page> {
  const loginPage = await openAccountLogin(server, browser);
  const posted = await browser.post(formAction(loginPage.body, 'username', loginPage.url), { username, password });
  const overview = await browser.follow(posted);
  expect(overview.status, overview.body.slice(0, 300)).to.equal(200);
  expect(overview.url).to.equal(`${server.url}/mijn`);
  return overview;
}

/** Posts a new number on /mijn/telefoon and follows to the page it lands on (the code page when accepted). */
export async function submitNewPhone(
  server: TestServer,
  browser: TestBrowser,
  phone: string,
  headers: Record<string, string> = {},
): Promise<Page> {
  return browser.follow(await browser.post(`${server.url}/mijn/telefoon`, { phone }, headers));
}

/** Posts a code on the code page and follows back to where the account pages send the browser. */
export async function submitAccountCode(browser: TestBrowser, codePage: Page, code: string): Promise<Page> {
  return browser.follow(await browser.post(formAction(codePage.body, 'code', codePage.url), { code }));
}
