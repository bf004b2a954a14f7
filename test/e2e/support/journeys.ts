// Steps that many journeys share, done the way a citizen does them: by label and button text.
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { lastSmsCode, RelyingParty, type WebdienstOptions } from '../../support/relying-party.ts';
import type { E2e } from './harness.ts';
import { checkPage } from './page-checks.ts';

export async function heading(page: Page): Promise<string> {
  return ((await page.locator('h1').textContent()) ?? '').trim();
}

/** From the demo webdienst's home page to Poortwachter's login page. */
export async function startDemoLogin(e2e: E2e, page: Page, level: 'basis' | 'midden' = 'basis'): Promise<void> {
  await page.goto(`${e2e.server.url}/demo`);
  await checkPage(e2e, page, 'demo home');
  const name = level === 'midden' ? 'Inloggen met Poortwachter (niveau Midden)' : 'Inloggen met Poortwachter';
  await page.getByRole('link', { name, exact: true }).click();
  await page.waitForURL(/\/inloggen\/[\w-]+$/);
  expect(await heading(page)).to.equal('Inloggen');
  await checkPage(e2e, page, 'login page');
}

/**
 * Runs an action that posts a form and waits until the answer is the page shown: a refused form
 * comes back at the same URL, so waiting for a URL or an element could still see the old page.
 */
export async function andNextPage(page: Page, action: () => Promise<void>): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame());
  await action();
  await navigated;
  await page.waitForLoadState();
}

export async function submitPassword(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Gebruikersnaam').fill(username);
  await page.getByLabel('Wachtwoord', { exact: true }).fill(password);
  await andNextPage(page, () => page.getByRole('button', { name: 'Inloggen', exact: true }).click());
}

/** Reads the newest code the outbox holds for the number, as the citizen reads their phone. */
export function smsCode(e2e: E2e, phone: string): Promise<string> {
  return lastSmsCode(e2e.server, phone);
}

export async function submitCode(page: Page, code: string): Promise<void> {
  await page.getByRole('textbox').fill(code);
  await andNextPage(page, () => page.getByRole('button', { name: 'Controleren' }).click());
}

/** What the demo webdienst shows after the login: the BSN and the level it received. */
export async function demoResult(page: Page): Promise<{ bsn: string; level: string }> {
  await page.waitForURL(/\/demo\/callback/);
  return {
    bsn: ((await page.locator('#bsn').textContent()) ?? '').trim(),
    level: ((await page.locator('#level').textContent()) ?? '').trim(),
  };
}

/**
 * A webdienst of the test's own (registered through the admin layer) whose callback is answered
 * inside the browser: the browser really is sent to the redirect URI with the code, and the test
 * redeems that code with openid-client, as the webdienst's server would.
 */
export class BrowserWebdienst {
  private constructor(
    readonly rp: RelyingParty,
    private readonly title: string,
  ) {}

  static async register(e2e: E2e, options: WebdienstOptions & { name: string }): Promise<BrowserWebdienst> {
    return new BrowserWebdienst(await RelyingParty.register(e2e.server, options), options.name);
  }

  /** Answers this webdienst's addresses in the given browser profile with a small page of its own. */
  async serveIn(context: BrowserContext): Promise<void> {
    const origin = new URL(this.rp.redirectUri).origin;
    await context.route(`${origin}/**`, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="nl"><head><title>${this.title}</title></head><body><main><h1>${this.title}</h1></main></body></html>`,
      }),
    );
  }

  /** Opens the login at this webdienst; returns the request to redeem the code with afterwards. */
  async start(page: Page, params: Record<string, string> = {}) {
    const request = await this.rp.authorizationRequest(params);
    await page.goto(request.url);
    return request;
  }

  /** Waits until the browser is back at the webdienst and redeems the code there. */
  async finish(page: Page, request: { verifier: string; state: string; nonce: string }) {
    await page.waitForURL((url) => url.href.startsWith(this.rp.redirectUri));
    const tokens = await this.rp.redeem(page.url(), request);
    return tokens.claims()!;
  }
}
