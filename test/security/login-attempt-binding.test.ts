// One citizen per login attempt: once a password has fixed the citizen of an attempt, nothing can
// bind the attempt to another citizen, and a one-time code counts only for the citizen it was sent
// to. The attack: the victim's password posted with its body held back, the attacker's own password
// and phone in the same attempt meanwhile, then the victim's body released and the attacker's SMS
// code typed: without the binding that is Midden as the victim.
import { connect } from 'node:net';
import { expect } from 'chai';
import { levels } from '../../src/core/levels.ts';
import { setCitizenPhone } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/services.ts';
import { formAction } from '../support/browser.ts';
import { RelyingParty, lastSmsCode, submitCode } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { addTestCitizen, browserAt, openLoginPage, type CreatedCitizen } from './helpers.ts';

/** A POST whose headers and first body byte go out now, and the rest of the body when `release` is called. */
async function heldBackPost(url: string, headers: Record<string, string>, body: string) {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const answer = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += String(chunk)));
    socket.on('close', () => resolve(text));
  });
  const lines = [
    `POST ${target.pathname} HTTP/1.1`,
    `Host: ${target.host}`,
    'Connection: close',
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n${body.slice(0, 1)}`);
  return {
    release(): Promise<string> {
      socket.write(body.slice(1));
      return answer;
    },
  };
}

describe('One citizen per login attempt', () => {
  let server: TestServer;
  let rp: RelyingParty;
  let victim: CreatedCitizen;
  let attacker: CreatedCitizen;
  const attackerPhone = '+31611122233';
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server);
    victim = await addTestCitizen(server);
    attacker = await addTestCitizen(server);
    const { citizenDeps } = createServices(server.config, server.store, systemClock);
    await setCitizenPhone(citizenDeps, attacker.username, attackerPhone);
  });
  after(() => server.stop());

  it("a victim's password arriving late cannot rebind an attempt the attacker's password fixed, and the attacker's code does not make the victim Midden", async () => {
    const browser = browserAt();
    const { page, request } = await openLoginPage(rp, browser, { acr_values: levels.midden.uri });
    const action = formAction(page.body, 'username', page.url);
    const held = await heldBackPost(
      action,
      {
        Cookie: await browser.jar.getCookieString(action),
        Origin: new URL(action).origin,
        'X-Forwarded-For': browser.headers['x-forwarded-for']!,
      },
      new URLSearchParams({ username: victim.username, password: victim.password }).toString(),
    );
    // the server has read the headers and found the attempt at its password stage
    await new Promise((resolve) => setTimeout(resolve, 200));

    const codePage = await browser.follow(await rp.submitPassword(browser, page, attacker.username, attacker.password));
    expect(codePage.status).to.equal(200);
    const attackerCode = await lastSmsCode(server, attackerPhone);

    const lateAnswer = await held.release();
    expect(lateAnswer, 'the late password is not taken for this attempt').to.not.match(/^HTTP\/1\.1 303/);

    const back = await submitCode(browser, rp, codePage, attackerCode);
    if (back.location?.startsWith(rp.redirectUri)) {
      const tokens = await rp.redeem(back.location, request);
      const subject = tokens.claims()!.sub;
      expect(subject, 'the login is the attacker’s own, never the victim’s').to.not.equal(victim.bsn);
    }
    const victimMidden = (await server.store.listAuditEvents({ type: 'login.authenticated', limit: 1000 })).filter(
      (event) => event.citizenId === victim.row.id,
    );
    expect(victimMidden, 'no login of the victim was completed').to.deep.equal([]);
  });
});
