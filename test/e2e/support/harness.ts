// The browser harness: one real Poortwachter server (test/support/server.ts) and one Debian Chromium
// (driven by playwright-core) per test file. A test that fails leaves a screenshot of every page it
// had open in test/e2e/failures/ (not committed).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestServer, type TestServer, type TestServerOptions } from '../../support/server.ts';

/** The Chromium to drive: Debian's package by default (`.ci/run` installs it); CHROMIUM_PATH for another. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Debian's Chromium without a screen, as the tests and the README screenshots use it. */
export function launchChromium(): Promise<Browser> {
  // Chromium's sandbox does not run as root, and CI runs as root; the pages are our own.
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

export const failureScreenshotDir = fileURLToPath(new URL('../failures/', import.meta.url));

export interface E2e {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A fresh browser profile (cookies of its own), Dutch unless told otherwise. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /** A page in a fresh profile. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Problems the browser reported on its console (CSP violations, failed scripts) since the last call. */
  takeConsoleErrors(): string[];
}

/** Registers the mocha hooks that start the server and Chromium for this file and stop them after. */
export function useE2e(options: TestServerOptions = {}): E2e {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  let consoleErrors: string[] = [];

  before(async function () {
    this.timeout(60_000);
    server = await startTestServer(options);
    browser = await launchChromium();
  });

  beforeEach(function () {
    // A journey with its page checks takes longer than the suite's default test timeout.
    this.currentTest?.timeout(90_000);
  });

  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state === 'failed') {
      mkdirSync(failureScreenshotDir, { recursive: true });
      const name = test
        .fullTitle()
        .replace(/[^\w-]+/g, '-')
        .slice(0, 120);
      const pages = contexts.flatMap((context) => context.pages());
      for (const [index, page] of pages.entries())
        await page
          .screenshot({ path: `${failureScreenshotDir}${name}-${index}.png`, fullPage: true })
          .catch(() => undefined);
    }
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    consoleErrors = [];
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const harness: E2e = {
    get server() {
      if (!server) throw new Error('the e2e server is not started (use useE2e inside describe)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not started (use useE2e inside describe)');
      return browser;
    },
    async newContext(contextOptions = {}) {
      const context = await harness.browser.newContext({
        locale: 'nl-NL',
        viewport: { width: 1280, height: 800 },
        ...contextOptions,
      });
      // Short enough that a page that never comes fails the test with Playwright's message, not mocha's.
      context.setDefaultTimeout(10_000);
      context.on('console', (message) => {
        if (message.type() !== 'error') return;
        // The page's own error status (401 after a wrong password) is the page, not a problem on it.
        const ownStatus =
          message.text().startsWith('Failed to load resource') && message.location().url === message.page()?.url();
        if (!ownStatus) consoleErrors.push(`${message.text()} (${message.location().url})`);
      });
      context.on('weberror', (error) => consoleErrors.push(error.error().message));
      contexts.push(context);
      return context;
    },
    async newPage(contextOptions = {}) {
      return (await harness.newContext(contextOptions)).newPage();
    },
    takeConsoleErrors() {
      const taken = consoleErrors;
      consoleErrors = [];
      return taken;
    },
  };
  return harness;
}
