// What every page state a citizen sees must pass: axe-core finds no WCAG 2.1/2.2 A or AA violation,
// nothing scrolls sideways at 320 CSS px (WCAG 1.4.10 Reflow), text at 200% still fits without
// sideways scrolling (WCAG 1.4.4 Resize Text), and the browser reported no console error (a CSP
// violation, a script that failed).
import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { E2e } from './harness.ts';

const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Every page state visited goes through this; `what` names it in failures. */
export async function checkPage(e2e: E2e, page: Page, what: string): Promise<void> {
  await expectAccessible(page, what);
  await expectNoSidewaysScroll(page, what, { width: 320, height: 640 });
  await expectDoubleTextFits(page, what);
  expect(e2e.takeConsoleErrors(), `${what}: browser console errors`).to.deep.equal([]);
}

export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  const violations = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.help} -> ${violation.nodes
        .map((node) => node.target.join(' '))
        .slice(0, 5)
        .join(', ')}`,
  );
  expect(violations, `${what}: axe violations at ${page.url()}`).to.deep.equal([]);
}

/** How far the document is wider than the viewport, in CSS px (0: no sideways scrolling). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export async function expectNoSidewaysScroll(
  page: Page,
  what: string,
  size: { width: number; height: number },
): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(size);
  try {
    expect(await overflow(page), `${what}: px wider than a ${size.width} px viewport at ${page.url()}`).to.equal(0);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}

/**
 * Text zoom 200% as a browser's font-size setting does it: the root font size doubles and
 * everything sized in rem and em follows. At 640 CSS px the page must still fit.
 */
export async function expectDoubleTextFits(page: Page, what: string): Promise<void> {
  const sizes = await page.evaluate(() => {
    const before = parseFloat(getComputedStyle(document.body).fontSize);
    document.documentElement.style.fontSize = '200%';
    return { before, after: parseFloat(getComputedStyle(document.body).fontSize) };
  });
  try {
    expect(sizes.after, `${what}: body text grows with the browser's text size`).to.be.at.least(sizes.before * 1.9);
    await expectNoSidewaysScroll(page, `${what} at 200% text`, { width: 640, height: 800 });
  } finally {
    await page.evaluate(() => document.documentElement.style.removeProperty('font-size'));
  }
}
