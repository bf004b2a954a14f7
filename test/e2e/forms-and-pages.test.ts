// Forms that come back with errors, as a screen-reader or keyboard user meets them: the error
// summary has focus, names each problem and links to its field; the field says it is invalid and
// which message describes it. And the pages the login page and every footer link to.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { testCitizens } from '../../seeds/development.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { useE2e } from './support/harness.ts';
import { heading, startDemoLogin, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

/** The focused element's class, and for a field its aria-invalid and the texts that describe it. */
async function field(page: Page, id: string) {
  return page.locator(`#${id}`).evaluate((element) => ({
    invalid: element.getAttribute('aria-invalid'),
    description: (element.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .filter(Boolean)
      .map((describedBy) => document.getElementById(describedBy)?.textContent?.trim() ?? `missing #${describedBy}`)
      .join(' | '),
  }));
}

function focusedClass(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.className ?? '');
}

describe('In Chromium: form errors and information pages', () => {
  const e2e = useE2e();

  it('names each empty field in a focused error summary that links to the field', async () => {
    const page = await e2e.newPage();
    await startDemoLogin(e2e, page);
    await page.getByRole('button', { name: 'Inloggen', exact: true }).click();
    await page.waitForSelector('.error-summary');
    expect(await focusedClass(page)).to.equal('error-summary');
    const links = page.locator('.error-summary a');
    expect(await links.allTextContents()).to.deep.equal(['Vul uw gebruikersnaam in', 'Vul uw wachtwoord in']);
    expect(await field(page, 'username')).to.deep.equal({
      invalid: 'true',
      description: 'Fout: Vul uw gebruikersnaam in',
    });
    expect(await field(page, 'password')).to.deep.equal({ invalid: 'true', description: 'Fout: Vul uw wachtwoord in' });
    await checkPage(e2e, page, 'login page with empty fields');
    await links.nth(1).click();
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal('password');
  });

  it('marks both fields of a wrong password invalid, described by the message', async () => {
    const page = await e2e.newPage();
    await startDemoLogin(e2e, page);
    await submitPassword(page, testCitizens[0].username, 'niet-het-goede-wachtwoord');
    await page.waitForSelector('.error-summary');
    expect(await focusedClass(page)).to.equal('error-summary');
    const username = await field(page, 'username');
    expect(username.invalid).to.equal('true');
    expect(username.description).to.include('De combinatie van gebruikersnaam en wachtwoord is niet bekend');
    expect((await field(page, 'password')).invalid).to.equal('true');
  });

  it('asks for the code when the code field is left empty', async () => {
    const citizen = testCitizens[1];
    const page = await e2e.newPage();
    await startDemoLogin(e2e, page, 'midden');
    await submitPassword(page, citizen.username, citizen.password);
    await page.waitForURL(/\/code$/);
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.waitForSelector('.error-summary');
    expect(await focusedClass(page)).to.equal('error-summary');
    const code = await field(page, 'code');
    expect(code.invalid).to.equal('true');
    expect(code.description).to.include('Vul de code van 6 cijfers in');
    await checkPage(e2e, page, 'code page with an empty code');
  });

  it('links the login page to recovery and to requesting an account', async () => {
    const page = await e2e.newPage();
    await startDemoLogin(e2e, page);
    const login = page.url();
    await page.getByRole('link', { name: 'Wachtwoord vergeten?' }).click();
    expect(await heading(page)).to.equal('Wachtwoord vergeten?');
    await checkPage(e2e, page, 'forgotten password page');
    await page.goto(login);
    await page.getByRole('link', { name: 'Telefoon kwijt?' }).click();
    expect(await heading(page)).to.equal('Telefoon kwijt?');
    await checkPage(e2e, page, 'lost phone page');
    await page.goto(login);
    await page.getByRole('link', { name: 'Nog geen account?' }).click();
    expect(await heading(page)).to.equal('Account aanvragen');
    await checkPage(e2e, page, 'account request page');
  });

  it('has a footer with privacy, accessibility, contact and cookie pages, and a header that leads home', async () => {
    const page = await e2e.newPage();
    await page.goto(`${e2e.server.url}/demo`);
    for (const [link, title] of [
      ['Privacy', 'Privacy'],
      ['Toegankelijkheidsverklaring', 'Toegankelijkheidsverklaring'],
      ['Contact en hulp', 'Contact en hulp'],
      ['Cookies', 'Cookies'],
    ] as const) {
      await page.getByRole('contentinfo').getByRole('link', { name: link }).click();
      expect(await heading(page)).to.equal(title);
      expect(await page.title()).to.equal(`${title} – Poortwachter`);
      await checkPage(e2e, page, `${title} page`);
    }
    expect(await page.getByRole('table').textContent()).to.include('pw_sso');
    await page.getByRole('link', { name: 'Poortwachter, naar de startpagina' }).click();
    await page.waitForURL(`${e2e.server.url}/`);
  });

  it('shows an authorization request with an unregistered redirect URI an error page, not a redirect', async () => {
    const rp = await RelyingParty.register(e2e.server);
    const { url } = await rp.authorizationRequest({ redirect_uri: 'https://evil.example/callback' });
    const page = await e2e.newPage();
    await page.goto(url);
    expect(new URL(page.url()).origin).to.equal(e2e.server.url);
    expect(await page.locator('dd[lang="en"]').count()).to.equal(1);
    await checkPage(e2e, page, 'OpenID Connect error page');
  });
});
