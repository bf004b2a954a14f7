// Moving through a page with the keyboard only, as a citizen without a mouse does: Tab until the
// element wanted has focus, checking on the way that every element that gets focus shows a focus
// ring with a contrast of at least 3:1 to what surrounds it (WCAG 2.4.7, 1.4.11).
import { expect } from 'chai';
import type { Page } from 'playwright-core';

interface FocusState {
  description: string;
  outlineStyle: string;
  outlineWidth: number;
  ring: [number, number, number];
  surround: [number, number, number];
}

// Runs in the page. A string, not a function: tsx's transform would add helpers the page lacks.
const readFocusState = `(() => {
  const element = document.activeElement;
  if (!element || element === document.body) return undefined;
  function rgb(colour) {
    const [r, g, b] = (colour.match(/[\\d.]+/g) || ['0', '0', '0']).map(Number);
    return [r, g, b];
  }
  function opaque(colour) {
    return !/rgba\\(.*,\\s*0\\)$/.test(colour) && colour !== 'transparent';
  }
  let around = element.parentElement;
  while (around && !opaque(getComputedStyle(around).backgroundColor)) around = around.parentElement;
  const style = getComputedStyle(element);
  const label = (element.getAttribute('aria-label') || element.textContent || '').trim().slice(0, 40);
  return {
    description: element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + ' "' + label + '"',
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    ring: rgb(style.outlineColor),
    surround: around ? rgb(getComputedStyle(around).backgroundColor) : [255, 255, 255],
  };
})()`;

/** The focused element, its outline, and the background colour around it. */
function focusState(page: Page): Promise<FocusState | undefined> {
  return page.evaluate<FocusState | undefined>(readFocusState);
}

/** WCAG 2.x relative luminance and contrast ratio. */
function contrast(a: [number, number, number], b: [number, number, number]): number {
  const luminance = ([r, g, b]: [number, number, number]) => {
    const channel = (value: number) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

export async function expectVisibleFocus(page: Page): Promise<void> {
  const state = await focusState(page);
  if (!state) return;
  expect(state.outlineStyle, `${state.description}: focus outline`).to.not.equal('none');
  expect(state.outlineWidth, `${state.description}: focus outline width`).to.be.at.least(2);
  expect(
    contrast(state.ring, state.surround),
    `${state.description}: focus ring rgb(${state.ring.join(',')}) on rgb(${state.surround.join(',')})`,
  ).to.be.at.least(3);
}

/** Presses Tab until the element with this accessible name and role has focus (at most 40 times). */
export async function tabTo(page: Page, role: 'link' | 'button' | 'textbox', name: string | RegExp): Promise<void> {
  const target = page.getByRole(role, { name, exact: typeof name === 'string' }).first();
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    await expectVisibleFocus(page);
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`Tab never reached the ${role} "${String(name)}"`);
}
