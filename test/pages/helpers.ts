// Shared steps for the tests of the account life cycle pages: a person of their own in the fake BRP,
// the request form filled in as that person, the letter from the outbox, activation.
import { randomBytes, randomInt } from 'node:crypto';
import type { RegisteredPerson } from '../../src/core/register/population-register.ts';
import { TestBrowser, type Page } from '../support/browser.ts';
import type { FakeBrp } from '../support/fake-brp.ts';
import type { TestServer } from '../support/server.ts';
import { nextTestBsn, strongPassword, uniqueUsername } from '../security/helpers.ts';

let networkCounter = 0;
/** A browser in a client network (/24) of its own, so one test's requests never throttle another's. */
export function browserInOwnNetwork(): TestBrowser {
  networkCounter += 1;
  return new TestBrowser({ 'x-forwarded-for': `10.${100 + ((networkCounter >> 8) & 63)}.${networkCounter & 255}.7` });
}

/** A fictitious person of their own in the fake BRP: a unique BSN, name and postcode. */
export function addPerson(brp: FakeBrp, overrides: Partial<RegisteredPerson> = {}): RegisteredPerson {
  const letters = 'ABCDEFGHJKLMNPRSTVWXZ';
  const person: RegisteredPerson = {
    bsn: nextTestBsn(),
    birthDate: `19${randomInt(40, 99)}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`,
    name: `T. Test-${randomBytes(4).toString('hex')}`,
    address: {
      street: 'Proefstraat',
      houseNumber: randomInt(1, 400),
      houseLetter: null,
      houseNumberAddition: null,
      postcode: `${randomInt(1000, 9999)}${letters[randomInt(letters.length)]}${letters[randomInt(letters.length)]}`,
      city: 'Teststad',
    },
    ...overrides,
  };
  brp.add(person);
  return person;
}

/** The request form as the person fills it in: birth date day-month-year, postcode with a space. */
export function requestForm(person: RegisteredPerson, overrides: Record<string, string> = {}): Record<string, string> {
  const [year, month, day] = person.birthDate.split('-');
  const password = overrides.password ?? strongPassword();
  return {
    bsn: person.bsn,
    birthDate: `${day}-${month}-${year}`,
    postcode: `${person.address.postcode.slice(0, 4)} ${person.address.postcode.slice(4).toLowerCase()}`,
    houseNumber: String(person.address.houseNumber),
    houseNumberSuffix: [person.address.houseLetter, person.address.houseNumberAddition].filter(Boolean).join('-'),
    username: uniqueUsername('aanvrager'),
    password,
    passwordRepeat: password,
    ...overrides,
  };
}

export function postRequest(server: TestServer, browser: TestBrowser, form: Record<string, string>): Promise<Page> {
  return browser.post(`${server.url}/aanvragen`, form);
}

/** The newest letter in the outbox addressed to the person. */
export async function letterFor(server: TestServer, person: RegisteredPerson) {
  const [letter] = await server.store.listOutboxLetters({ addressedTo: person.name, limit: 1 });
  return letter;
}

export function postActivation(
  server: TestServer,
  browser: TestBrowser,
  form: { username: string; password: string; code: string },
): Promise<Page> {
  return browser.post(`${server.url}/activeren`, form);
}

/** The text of the page's error summary, tags stripped (what a screen reader announces). */
export function errorSummary(page: Page): string {
  const summary = page.body.match(/<div class="error-summary"[\s\S]*?<\/div>/)?.[0] ?? '';
  return summary
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Requests an account for a fresh person and activates it with the code from the letter. */
export async function requestAndActivate(server: TestServer, brp: FakeBrp) {
  const person = addPerson(brp);
  const form = requestForm(person);
  const browser = browserInOwnNetwork();
  const sent = await postRequest(server, browser, form);
  if (sent.status !== 303) throw new Error(`request refused: ${sent.status} ${errorSummary(sent)}`);
  const letter = await letterFor(server, person);
  const done = await postActivation(server, browser, {
    username: form.username!,
    password: form.password!,
    code: letter!.code,
  });
  if (done.status !== 303) throw new Error(`activation refused: ${done.status} ${errorSummary(done)}`);
  return { person, form, browser, letter: letter! };
}
