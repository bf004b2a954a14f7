// The password step (src/core/login/password-step.ts) end to end: long and
// non-Latin passwords work, over-long ones are refused before hashing, nothing is truncated, NFC and
// NFD match, and every kind of failure looks the same from outside.
import { expect } from 'chai';
import { systemClock } from '../../src/core/clock.ts';
import { checkPassword } from '../../src/core/login/password-step.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/core/passwords/hasher.ts';
import { createServices } from '../../src/services.ts';
import type { Page } from '../support/browser.ts';
import { RelyingParty } from '../support/relying-party.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  addTestCitizen,
  browserAt,
  escapeRegExp,
  openLoginPage,
  postPassword,
  uniqueAddress,
  uniqueUsername,
} from './helpers.ts';

function codePoints(start: number, count: number, step = 1): string {
  return Array.from({ length: count }, (_, index) => String.fromCodePoint(start + index * step)).join('');
}

describe('The password step', () => {
  let server: TestServer;
  let rp: RelyingParty;
  before(async () => {
    server = await startTestServer();
    rp = await RelyingParty.register(server, { bsnEntitled: true });
  });
  after(() => server.stop());

  /** Logs in at the webdienst with a fresh browser; true when the ID token names this citizen. */
  async function logsIn(username: string, password: string, bsn: string): Promise<boolean> {
    const { tokens } = await rp.login(browserAt(), username, password);
    return tokens.claims()?.bsn === bsn;
  }

  /** One password attempt on a fresh login page; the page that answers it (not followed). */
  async function attempt(
    username: string,
    password: string,
  ): Promise<{ answer: Page; attemptId: string; address: string }> {
    const address = uniqueAddress();
    const browser = browserAt(address);
    const { page, attemptId } = await openLoginPage(rp, browser);
    return { answer: await postPassword(browser, page, username, password), attemptId, address };
  }

  async function auditReasonsFrom(address: string): Promise<Array<string | null>> {
    const events = await server.store.listAuditEvents({ type: 'login.password', limit: 100_000 });
    return events.filter((event) => event.clientAddress === address).map((event) => event.reason);
  }

  describe('long and non-Latin passwords', () => {
    it('logs a citizen in with a 64-character password', async () => {
      const password = `${'fietsbel-zonnebloem-'.repeat(3)}kaas`;
      expect([...password]).to.have.length(64);
      const citizen = await addTestCitizen(server, { password });
      expect(await logsIn(citizen.username, password, citizen.bsn)).to.equal(true);
    });

    it('logs a citizen in with a password of 128 emoji', async () => {
      const password = codePoints(0x1f300, 128);
      const citizen = await addTestCitizen(server, { password });
      expect(await logsIn(citizen.username, password, citizen.bsn)).to.equal(true);
    });

    it('logs a citizen in with a password of 128 CJK characters', async () => {
      const password = codePoints(0x4e00, 128, 7);
      const citizen = await addTestCitizen(server, { password });
      expect(await logsIn(citizen.username, password, citizen.bsn)).to.equal(true);
    });

    it('refuses a 129-character password at login with the same answer, audited as password_length', async () => {
      const citizen = await addTestCitizen(server);
      const { answer, address } = await attempt(
        citizen.username,
        `${citizen.password}${'x'.repeat(129 - citizen.password.length)}`,
      );
      expect(answer.status).to.equal(401);
      expect(await auditReasonsFrom(address)).to.deep.equal(['password_length']);
    });

    it('refuses an over-long password without any hashing work', async () => {
      const calls: string[] = [];
      const real = createPasswordHasher(1);
      const hasher: PasswordHasher = {
        hash: (password) => (calls.push('hash'), real.hash(password)),
        verify: (hash, password) => (calls.push('verify'), real.verify(hash, password)),
        verifyDummy: (password) => (calls.push('verifyDummy'), real.verifyDummy(password)),
        get queueLength() {
          return real.queueLength;
        },
      };
      const { passwordStep } = createServices(server.config, server.store, systemClock, hasher);
      const citizen = await addTestCitizen(server);
      calls.length = 0;
      for (const username of [citizen.username, uniqueUsername('onbekend')]) {
        const result = await checkPassword(passwordStep, {
          username,
          password: 'a'.repeat(129),
          clientAddress: uniqueAddress(),
        });
        expect(result).to.deep.equal({ ok: false, reason: 'invalid_credentials' });
        const huge = await checkPassword(passwordStep, {
          username,
          password: 'b'.repeat(15_000),
          clientAddress: uniqueAddress(),
        });
        expect(huge).to.deep.equal({ ok: false, reason: 'invalid_credentials' });
      }
      expect(calls).to.deep.equal([]);
    });

    it('does not truncate: a password sharing all but the last character with the real one is refused', async () => {
      const password = `${'sterrenhemel-'.repeat(9)}abcdefghij`; // 127 characters
      const citizen = await addTestCitizen(server, { password });
      for (const wrong of [`${password.slice(0, -1)}k`, password.slice(0, 72), password.slice(0, 64)]) {
        expect((await attempt(citizen.username, wrong)).answer.status, wrong).to.equal(401);
      }
      expect(await logsIn(citizen.username, password, citizen.bsn)).to.equal(true);
    });
  });

  describe('Unicode normalisation and password managers', () => {
    const composed = 'crème-brûlée-à-la-façade';

    it('accepts the decomposed (NFD) form of a password chosen composed (NFC)', async () => {
      const citizen = await addTestCitizen(server, { password: composed.normalize('NFC') });
      expect(composed.normalize('NFD')).to.not.equal(composed.normalize('NFC'));
      expect(await logsIn(citizen.username, composed.normalize('NFD'), citizen.bsn)).to.equal(true);
    });

    it('accepts the composed (NFC) form of a password chosen decomposed (NFD)', async () => {
      const citizen = await addTestCitizen(server, { password: composed.normalize('NFD') });
      expect(await logsIn(citizen.username, composed.normalize('NFC'), citizen.bsn)).to.equal(true);
    });

    it('lets password managers fill the form and lets citizens paste', async () => {
      const { page } = await openLoginPage(rp, browserAt());
      const passwordInput = page.body.match(/<input[^>]*name="password"[^>]*>/)?.[0] ?? '';
      expect(passwordInput).to.include('type="password"').and.to.include('autocomplete="current-password"');
      const usernameInput = page.body.match(/<input[^>]*name="username"[^>]*>/)?.[0] ?? '';
      expect(usernameInput).to.include('autocomplete="username"');
      expect(page.body).to.not.match(/onpaste|oncopy|autocomplete="off"|maxlength/i);
    });
  });

  describe('one answer for every failure', () => {
    /** The body with what legitimately differs removed: the attempt id and the echoed username. */
    function normalised(answer: Page, attemptId: string, username: string): string {
      return answer.body
        .replaceAll(attemptId, 'ATTEMPT')
        .replace(new RegExp(`value="${escapeRegExp(username)}"`, 'g'), 'value="USERNAME"');
    }

    function headerNames(answer: Page): string[] {
      return [...answer.headers.keys()].sort();
    }

    it('answers an unknown username, a wrong password, a suspended and a recovery-bound account alike', async () => {
      const known = await addTestCitizen(server);
      const suspended = await addTestCitizen(server, { status: 'suspended' });
      const needsRecovery = await addTestCitizen(server);
      await server.store.markPasswordRecoveryRequired(needsRecovery.row.id, Date.now());
      const cases = {
        unknownUsername: { username: uniqueUsername('onbekend'), password: 'zomaar-een-wachtwoord-2026' },
        wrongPassword: { username: known.username, password: `${known.password}-fout` },
        suspendedRightPassword: { username: suspended.username, password: suspended.password },
        recoveryRightPassword: { username: needsRecovery.username, password: needsRecovery.password },
      };
      const answers: Record<string, { status: number; headers: string[]; body: string; location?: string }> = {};
      const reasons: Record<string, Array<string | null>> = {};
      for (const [name, { username, password }] of Object.entries(cases)) {
        const { answer, attemptId, address } = await attempt(username, password);
        answers[name] = {
          status: answer.status,
          headers: headerNames(answer),
          body: normalised(answer, attemptId, username),
          location: answer.location,
        };
        reasons[name] = await auditReasonsFrom(address);
      }
      expect(answers.unknownUsername!.status).to.equal(401);
      expect(answers.unknownUsername!.location).to.equal(undefined);
      for (const name of Object.keys(cases)) {
        expect(answers[name], name).to.deep.equal(answers.unknownUsername);
      }
      // Only the audit log tells them apart.
      expect(reasons).to.deep.equal({
        unknownUsername: ['unknown_username'],
        wrongPassword: ['wrong_password'],
        suspendedRightPassword: ['account_suspended'],
        recoveryRightPassword: ['password_recovery_required'],
      });
    });

    it('does not echo back the password in the failure page', async () => {
      const known = await addTestCitizen(server);
      const { answer } = await attempt(known.username, 'geheim-en-fout-0123456789');
      expect(answer.status).to.equal(401);
      expect(answer.body).to.not.include('geheim-en-fout-0123456789');
    });
  });
});
