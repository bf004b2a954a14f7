// The citizen's life cycle in Chromium: a seeded-register person requests an account, activates it
// with the code from the letter, logs in at the demo webdienst at Basis, links an authenticator app
// at Mijn Poortwachter (the secret read from the page, codes computed by otplib) and logs in at
// Midden with it; and recovery by letter after a forgotten password or a lost phone. A fake clock
// moves the app's 30-second steps (RFC 6238 section 4), so no test waits for the next step.
import { expect } from 'chai';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { createAuthenticatorAppService } from '../../src/services.ts';
import { seededPersons } from '../../src/gateways/population-register/index.ts';
import type { RegisteredPerson } from '../../src/core/register/population-register.ts';
import { uniqueMobile } from '../account/helpers.ts';
import { strongPassword } from '../security/helpers.ts';
import { databaseKinds } from '../support/databases.ts';
import { FakeClock } from '../support/clock.ts';
import { requestForm } from '../pages/helpers.ts';
import { useE2e, type E2e } from './support/harness.ts';
import { andNextPage, demoResult, heading, startDemoLogin, submitCode, submitPassword } from './support/journeys.ts';
import { checkPage } from './support/page-checks.ts';

/** The seeded persons without an account: each test requests one for a person of its own. */
function seededPerson(bsn: string): RegisteredPerson {
  const person = seededPersons.find((candidate) => candidate.bsn === bsn);
  if (!person) throw new Error(`the seeded register has no person ${bsn}`);
  return person;
}

async function fillIdentity(page: Page, form: Record<string, string>): Promise<void> {
  for (const name of ['bsn', 'birthDate', 'postcode', 'houseNumber', 'houseNumberSuffix'])
    await page.locator(`#${name}`).fill(form[name]!);
}

/** The newest letter in the outbox addressed to the person, as the citizen finds it on the doormat. */
async function letterFor(e2e: E2e, person: RegisteredPerson) {
  const [letter] = await e2e.server.store.listOutboxLetters({ addressedTo: person.name, limit: 1 });
  if (!letter) throw new Error(`no letter in the outbox for ${person.name}`);
  return letter;
}

/** /aanvragen -> the letter -> /activeren, in the browser; `check` runs the page checks on the way. */
async function requestAndActivate(e2e: E2e, page: Page, person: RegisteredPerson, check: boolean) {
  const form = requestForm(person);
  await page.goto(`${e2e.server.url}/aanvragen`);
  expect(await heading(page)).to.equal('Account aanvragen');
  if (check) await checkPage(e2e, page, 'request form');
  await fillIdentity(page, form);
  await page.locator('#username').fill(form.username!);
  await page.locator('#password').fill(form.password!);
  await page.locator('#passwordRepeat').fill(form.password!);
  await andNextPage(page, () => page.getByRole('button', { name: 'Account aanvragen' }).click());
  expect(await heading(page)).to.equal('Uw aanvraag is ontvangen');
  if (check) await checkPage(e2e, page, 'request sent');

  const letter = await letterFor(e2e, person);
  expect(letter.kind).to.equal('activation');
  await page.goto(`${e2e.server.url}/activeren`);
  expect(await heading(page)).to.equal('Account activeren');
  if (check) await checkPage(e2e, page, 'activation form');
  await page.locator('#username').fill(form.username!);
  await page.locator('#password').fill(form.password!);
  await page.locator('#code').fill(letter.code);
  await andNextPage(page, () => page.getByRole('button', { name: 'Activeren' }).click());
  expect(await heading(page)).to.equal('Uw account is geactiveerd');
  if (check) await checkPage(e2e, page, 'account activated');
  const citizen = await e2e.server.store.findCitizenByUsername(form.username!);
  expect(citizen, 'the account exists after activation').to.not.equal(undefined);
  return { form, citizen: citizen! };
}

/** Whether the login page of Mijn Poortwachter accepts the password (a fresh profile each time). */
async function passwordAccepted(e2e: E2e, username: string, password: string, what: string): Promise<boolean> {
  const page = await e2e.newPage();
  await page.goto(`${e2e.server.url}/mijn`);
  await page.waitForURL(/\/inloggen\/[\w-]+$/);
  await submitPassword(page, username, password);
  const accepted = new URL(page.url()).pathname === '/mijn';
  await checkPage(e2e, page, what);
  return accepted;
}

for (const kind of databaseKinds)
  describe(`In Chromium: the citizen life cycle (${kind})`, () => {
    const clock = new FakeClock();
    const e2e = useE2e({ clock, kind });

    it('requests an account, activates it, logs in at Basis, links an app and logs in at Midden with it', async () => {
      const person = seededPerson('999991905');
      const page = await e2e.newPage();
      const { form, citizen } = await requestAndActivate(e2e, page, person, true);

      await startDemoLogin(e2e, page);
      await submitPassword(page, form.username!, form.password!);
      const basis = await demoResult(page);
      expect(basis.bsn).to.equal(person.bsn);
      expect(basis.level).to.match(/^basis/);
      await checkPage(e2e, page, 'demo result at Basis');

      await page.goto(`${e2e.server.url}/mijn`);
      await page.waitForURL(/\/inloggen\/[\w-]+$/);
      await submitPassword(page, form.username!, form.password!);
      await page.waitForURL(`${e2e.server.url}/mijn`);
      expect(await page.locator('.account-details').textContent()).to.include('Niet gekoppeld');
      await checkPage(e2e, page, 'Mijn Poortwachter overview of the new account');
      await page.getByRole('link', { name: 'Authenticator-app koppelen' }).click();
      await page.waitForURL(`${e2e.server.url}/mijn/app`);
      await checkPage(e2e, page, 'app link page');
      const secret = ((await page.locator('#app-secret').textContent()) ?? '').replace(/\s/g, '');
      expect(secret).to.match(/^[A-Z2-7]{16,}$/);

      const right = await generate({ secret, epoch: Math.floor(clock.now() / 1000) });
      await page.getByLabel('Code uit de app').fill(right === '000000' ? '111111' : '000000');
      await andNextPage(page, () => page.getByRole('button', { name: 'App koppelen' }).click());
      expect(await page.locator('.error-summary').textContent()).to.include('Deze code klopt niet');
      await checkPage(e2e, page, 'app link page with a wrong code');
      await page.getByLabel('Code uit de app').fill(right);
      await andNextPage(page, () => page.getByRole('button', { name: 'App koppelen' }).click());
      await page.waitForURL(/\/mijn\?melding=app_gekoppeld/);
      expect(await page.getByRole('status').textContent()).to.include('Uw authenticator-app is gekoppeld');
      await checkPage(e2e, page, 'overview after linking the app');
      expect((await e2e.server.store.findCitizenById(citizen.id))!.totpSecret).to.not.equal(null);

      // The next 30-second step: the code just used is not accepted twice (RFC 6238 section 5.2).
      clock.advanceSeconds(30);
      const midden = await e2e.newPage();
      await startDemoLogin(e2e, midden, 'midden');
      await submitPassword(midden, form.username!, form.password!);
      await midden.waitForURL(/\/code$/);
      await midden.getByLabel('Code uit uw authenticator-app').waitFor();
      await checkPage(e2e, midden, 'authenticator app code page');
      await submitCode(midden, await generate({ secret, epoch: Math.floor(clock.now() / 1000) }));
      const result = await demoResult(midden);
      expect(result.bsn).to.equal(person.bsn);
      expect(result.level).to.match(/^midden/);
      await checkPage(e2e, midden, 'demo result at Midden');
    });

    it('recovers a forgotten password by letter: the old password stops working, the new one works', async () => {
      const person = seededPerson('999990032');
      const page = await e2e.newPage();
      const { form, citizen } = await requestAndActivate(e2e, page, person, false);
      const phone = uniqueMobile();
      await e2e.server.store.updateCitizenPhone(citizen.id, phone, clock.now());
      // The recovery letter is the newest in the outbox, after the activation letter.
      clock.advanceSeconds(1);

      await page.goto(`${e2e.server.url}/herstellen?reden=wachtwoord`);
      expect(await heading(page)).to.equal('Wachtwoord vergeten?');
      await checkPage(e2e, page, 'recovery request for a forgotten password');
      await fillIdentity(page, requestForm(person));
      await andNextPage(page, () => page.getByRole('button', { name: 'Herstelcode aanvragen' }).click());
      expect(await page.locator('main').textContent()).to.include('Uw herstelcode komt per brief');
      await checkPage(e2e, page, 'recovery letter sent');
      const letter = await letterFor(e2e, person);
      expect(letter.kind).to.equal('recovery');
      const [requested] = await e2e.server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(requested!.text).to.include('er is een herstelcode voor uw account aangevraagd');

      await page.goto(`${e2e.server.url}/herstellen/code`);
      await checkPage(e2e, page, 'recovery code form');
      const newPassword = strongPassword();
      await page.locator('#username').fill(form.username!);
      await page.locator('#code').fill(letter.code);
      await page.locator('#password').fill(newPassword);
      await page.locator('#passwordRepeat').fill(newPassword);
      await andNextPage(page, () => page.getByRole('button', { name: 'Account herstellen' }).click());
      expect(await page.locator('main').textContent()).to.include('Uw account is hersteld');
      await checkPage(e2e, page, 'account recovered');

      expect(
        await passwordAccepted(e2e, form.username!, form.password!, 'login page refusing the old password'),
        'the old password no longer works',
      ).to.equal(false);
      expect(
        await passwordAccepted(e2e, form.username!, newPassword, 'Mijn Poortwachter with the new password'),
        'the new password works',
      ).to.equal(true);

      const [changed] = await e2e.server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(changed!.text).to.include('het wachtwoord van uw account is gewijzigd');
      const events = (await e2e.server.store.listAuditEvents({ citizenId: citizen.id })).map(
        (event) => `${event.type}:${event.outcome}`,
      );
      expect(events).to.include.members([
        'citizen.recovery_request:success',
        'citizen.recovery:success',
        'citizen.password_changed:success',
      ]);
    });

    it('recovers after a lost phone: phone and app are removed and the old number hears of it', async () => {
      const person = seededPerson('999990044');
      const page = await e2e.newPage();
      const { form, citizen } = await requestAndActivate(e2e, page, person, false);
      const phone = uniqueMobile();
      await e2e.server.store.updateCitizenPhone(citizen.id, phone, clock.now());
      // The recovery letter is the newest in the outbox, after the activation letter.
      clock.advanceSeconds(1);
      await (await createAuthenticatorAppService(e2e.server.config, e2e.server.store, clock)).enrol(citizen);
      expect((await e2e.server.store.findCitizenById(citizen.id))!.totpSecret).to.not.equal(null);

      await page.goto(`${e2e.server.url}/herstellen?reden=telefoon`);
      expect(await heading(page)).to.equal('Telefoon kwijt?');
      await checkPage(e2e, page, 'recovery request for a lost phone');
      await fillIdentity(page, requestForm(person));
      await andNextPage(page, () => page.getByRole('button', { name: 'Herstelcode aanvragen' }).click());
      expect(await page.locator('main').textContent()).to.include('Uw herstelcode komt per brief');
      await checkPage(e2e, page, 'recovery letter sent for a lost phone');
      const letter = await letterFor(e2e, person);

      await page.goto(`${e2e.server.url}/herstellen/code?reden=telefoon`);
      expect(await page.locator('#removeSecondFactors').isChecked(), 'remove phone and app is ticked').to.equal(true);
      // The NL Design System checkbox: the box on the left, its label beside it on the same line.
      const box = (await page.locator('#removeSecondFactors').boundingBox())!;
      const label = (await page.locator('label[for="removeSecondFactors"]').boundingBox())!;
      expect(box.x + box.width, 'the box left of its label').to.be.at.most(label.x);
      expect(box.y, "the box on the label's first line").to.be.below(label.y + label.height / 2);
      expect(box.width, 'a box large enough to hit').to.be.at.least(24);
      await page.locator('label[for="removeSecondFactors"]').click();
      expect(await page.locator('#removeSecondFactors').isChecked(), 'the label toggles the box').to.equal(false);
      await page.getByLabel(/Koppel ook mijn telefoon/).check();
      await checkPage(e2e, page, 'recovery code form for a lost phone');
      const newPassword = strongPassword();
      await page.locator('#username').fill(form.username!);
      await page.locator('#code').fill(letter.code);
      await page.locator('#password').fill(newPassword);
      await page.locator('#passwordRepeat').fill(newPassword);
      await andNextPage(page, () => page.getByRole('button', { name: 'Account herstellen' }).click());
      expect(page.url()).to.include('losgekoppeld=ja');
      expect(await page.getByRole('status').textContent()).to.include('Uw telefoon en app zijn losgekoppeld');
      await checkPage(e2e, page, 'account recovered without phone and app');

      const after = (await e2e.server.store.findCitizenById(citizen.id))!;
      expect(after.phone).to.equal(null);
      expect(after.totpSecret).to.equal(null);
      const [removed] = await e2e.server.store.listOutboxSms({ to: phone, limit: 1 });
      expect(removed!.text).to.include('uw telefoon en app zijn van uw account losgekoppeld');
      expect(
        await e2e.server.store.listAuditEvents({ type: 'citizen.second_factors_removed', citizenId: citizen.id }),
      ).to.have.length(1);
      expect(await passwordAccepted(e2e, form.username!, newPassword, 'Mijn Poortwachter after the recovery')).to.equal(
        true,
      );
    });
  });
