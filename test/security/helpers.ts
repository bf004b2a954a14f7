// Shared helpers for the security tests: fresh citizens with chosen passwords, fictitious BSNs,
// distinct client addresses (so one test's failures never throttle another), the login page.
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/core/clock.ts';
import { addCitizen } from '../../src/core/citizens.ts';
import type { CitizenRow, CitizenStatus } from '../../src/stores/index.ts';
import { createServices } from '../../src/services.ts';
import { TestBrowser, formAction, type Page } from '../support/browser.ts';
import type { RelyingParty } from '../support/relying-party.ts';
import type { TestServer } from '../support/server.ts';

const weights = [9, 8, 7, 6, 5, 4, 3, 2];
let bsnCounter = Math.floor(Math.random() * 5000);

/** A fictitious BSN in the 9997 range (the seed uses 9999) that passes the 11-check. */
export function nextTestBsn(): string {
  for (;;) {
    bsnCounter += 1;
    const firstEight = String(99970000 + (bsnCounter % 10000));
    const sum = [...firstEight].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
    const check = sum % 11;
    if (check <= 9) return `${firstEight}${check}`;
  }
}

let addressCounter = 0;
/** A client address of its own (sent as X-Forwarded-For; test servers trust the proxy header). */
export function uniqueAddress(): string {
  addressCounter += 1;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
}

/** A browser that poses as a client address of its own. */
export function browserAt(address: string = uniqueAddress()): TestBrowser {
  return new TestBrowser({ 'x-forwarded-for': address });
}

export function uniqueUsername(prefix = 'burger'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A password that passes the policy: long, not common, not containing any username. */
export function strongPassword(): string {
  return `zeilboot-${randomBytes(6).toString('hex')}-lantaarn`;
}

export interface CreatedCitizen {
  username: string;
  password: string;
  bsn: string;
  row: CitizenRow;
}

/** Adds a citizen through the core (addCitizen), as the command line and the seed do. */
export async function addTestCitizen(
  server: TestServer,
  options: { password?: string; status?: CitizenStatus; username?: string } = {},
): Promise<CreatedCitizen> {
  const { citizenDeps } = createServices(server.config, server.store, systemClock);
  const username = options.username ?? uniqueUsername();
  const password = options.password ?? strongPassword();
  const bsn = nextTestBsn();
  const row = await addCitizen(citizenDeps, { username, password, bsn, status: options.status });
  return { username, password, bsn, row };
}

/** Starts a login at the webdienst and returns the login page the browser lands on, with its attempt id. */
export async function openLoginPage(rp: RelyingParty, browser: TestBrowser, params: Record<string, string> = {}) {
  const { request, page } = await rp.start(browser, params);
  if (page.status !== 200 || !/\/inloggen\/[\w-]+$/.test(new URL(page.url).pathname)) {
    throw new Error(`expected the login page, got ${page.status} at ${page.url}`);
  }
  const attemptId = new URL(page.url).pathname.split('/').pop()!;
  return { request, page, attemptId };
}

/** Posts username and password to the login page's form without following redirects. */
export function postPassword(
  browser: TestBrowser,
  loginPage: Page,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Page> {
  return browser.post(formAction(loginPage.body, 'username', loginPage.url), { username, password }, headers);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A browser that keeps every Set-Cookie header and every URL it visits or is sent to. */
export class RecordingBrowser extends TestBrowser {
  readonly setCookies: string[] = [];
  readonly urls: string[] = [];
  override async request(url: string, init: Parameters<TestBrowser['request']>[1] = {}): Promise<Page> {
    this.urls.push(url);
    const page = await super.request(url, init);
    this.setCookies.push(...page.headers.getSetCookie());
    if (page.location) this.urls.push(page.location);
    return page;
  }
}
