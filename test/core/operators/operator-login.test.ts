// The operators' accounts and login in the core: what is stored, and how guesses are bounded.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { generate } from 'otplib';
import { createAuditLog } from '../../../src/core/audit.ts';
import { addOperator, disableOperator } from '../../../src/core/operators/operator-accounts.ts';
import { checkOperatorLogin, type OperatorLoginDeps } from '../../../src/core/operators/operator-login.ts';
import { createOperatorSessions } from '../../../src/core/operators/operator-sessions.ts';
import { createPasswordHasher, type PasswordHasher } from '../../../src/core/passwords/hasher.ts';
import { createTotpSecretBox, TotpSecretUnreadable } from '../../../src/core/second-factor/totp-secret-box.ts';
import { createThrottle } from '../../../src/core/throttle.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

const rules = { minLength: 15, maxLength: 128 };

/** The real hasher, counting the checks it runs. */
function countingHasher(): PasswordHasher & { checks: number } {
  const real = createPasswordHasher(2);
  const counting = {
    checks: 0,
    hash: (password: string) => real.hash(password),
    verify: (hash: string, password: string) => {
      counting.checks += 1;
      return real.verify(hash, password);
    },
    verifyDummy: (password: string) => {
      counting.checks += 1;
      return real.verifyDummy(password);
    },
    get queueLength() {
      return real.queueLength;
    },
  };
  return counting;
}

for (const kind of databaseKinds) {
  describe(`operators in the core (${kind})`, function () {
    this.timeout(60_000);
    let opened: TestStore;
    let clock: FakeClock;
    let hasher: ReturnType<typeof countingHasher>;
    const secrets = createTotpSecretBox([{ id: 'k1', key: randomBytes(32) }]);
    beforeEach(async () => {
      opened = await openTestStore(kind);
      clock = new FakeClock(1_800_000_000_000);
      hasher = countingHasher();
    });
    afterEach(() => opened.close());

    const accountDeps = () => ({
      store: opened.store,
      hasher,
      secrets,
      clock,
      audit: createAuditLog(opened.store, clock),
      passwordRules: rules,
      issuer: 'Poortwachter beheer',
    });
    const loginDeps = (): OperatorLoginDeps => ({
      store: opened.store,
      hasher,
      throttle: createThrottle(opened.store, clock),
      secrets,
      clock,
      audit: createAuditLog(opened.store, clock),
      passwordRules: rules,
    });
    const code = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });
    const wrongCode = async (secret: string) => ((await code(secret)) === '000000' ? '111111' : '000000');

    it('stores a password hash and a sealed app secret, never the password or the secret itself', async () => {
      const added = await addOperator(accountDeps(), { username: 'Anna', displayName: 'Anna Beheer' });
      expect(added.operator.username).to.equal('anna');
      expect(added.generatedPassword).to.have.length(32);
      expect(added.otpauthUri).to.match(/^otpauth:\/\/totp\/.*anna.*secret=/);
      const stored = (await opened.store.findOperatorByUsername('anna'))!;
      expect(stored.passwordHash).to.match(/^\$argon2id\$/);
      expect(stored.passwordHash).not.to.include(added.generatedPassword);
      expect(stored.totpSecret).not.to.include(added.totpSecret);
      expect(secrets.open(`operator:${stored.id}`, stored.totpSecret)).to.equal(added.totpSecret);
      // Sealed for the operator: the same id as a citizen's does not open it.
      expect(() => secrets.open(stored.id, stored.totpSecret)).to.throw(TotpSecretUnreadable);
      const [event] = await opened.store.listAuditEvents({ type: 'operator.added' });
      expect(JSON.stringify(event)).not.to.include(added.generatedPassword);
      expect(JSON.stringify(event)).not.to.include(added.totpSecret);
    });

    it('refuses a bad username, a name taken, and a weak password', async () => {
      const refusal = (input: Parameters<typeof addOperator>[1]) =>
        addOperator(accountDeps(), input).then(
          () => 'added',
          (error: Error & { code?: string }) => error.code,
        );
      expect(await refusal({ username: 'a b', displayName: 'Anna' })).to.equal('operator.invalid_username');
      expect(await refusal({ username: 'anna', displayName: 'A' })).to.equal('operator.invalid_name');
      expect(await refusal({ username: 'anna', displayName: 'Anna', password: 'kort' })).to.equal('password.too_short');
      expect(await refusal({ username: 'anna', displayName: 'Anna', password: 'passwordpassword' })).to.equal(
        'password.too_common',
      );
      expect(await refusal({ username: 'anna', displayName: 'Anna' })).to.equal('added');
      expect(await refusal({ username: 'ANNA', displayName: 'Anna' })).to.equal('operator.username_taken');
    });

    it('logs in with password and code, and not with either one wrong', async () => {
      const added = await addOperator(accountDeps(), { username: 'anna', displayName: 'Anna' });
      const password = added.generatedPassword!;
      const attempt = { username: 'anna', clientAddress: '192.0.2.1' };
      expect(
        await checkOperatorLogin(loginDeps(), {
          ...attempt,
          password: 'x'.repeat(20),
          code: await code(added.totpSecret),
        }),
      ).to.deep.equal({ ok: false, reason: 'invalid_credentials' });
      expect(
        await checkOperatorLogin(loginDeps(), { ...attempt, password, code: await wrongCode(added.totpSecret) }),
      ).to.deep.equal({ ok: false, reason: 'invalid_credentials' });
      const result = await checkOperatorLogin(loginDeps(), {
        ...attempt,
        password,
        code: await code(added.totpSecret),
      });
      expect(result.ok && result.operator.username).to.equal('anna');
    });

    it('runs no more password checks than the free failures when thirty wrong passwords come at once', async () => {
      const added = await addOperator(accountDeps(), { username: 'anna', displayName: 'Anna' });
      hasher.checks = 0;
      const results = await Promise.all(
        Array.from({ length: 30 }, async (_, index) =>
          checkOperatorLogin(loginDeps(), {
            username: 'anna',
            password: `fout-wachtwoord-${index}-lang-genoeg`,
            code: await code(added.totpSecret),
            clientAddress: `192.0.2.${index + 1}`,
          }),
        ),
      );
      expect(hasher.checks).to.be.at.most(6);
      expect(results.filter((result) => !result.ok && result.reason === 'throttled').length).to.be.at.least(24);
    });

    it('bounds wrong codes with the right password, and then refuses the right code too', async () => {
      const added = await addOperator(accountDeps(), { username: 'anna', displayName: 'Anna' });
      const password = added.generatedPassword!;
      const wrong = await wrongCode(added.totpSecret);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          checkOperatorLogin(loginDeps(), {
            username: 'anna',
            password,
            code: wrong,
            clientAddress: `198.51.100.${index}`,
          }),
        ),
      );
      const codeChecks = (await opened.store.listAuditEvents({ type: 'operator.login' })).filter(
        (event) => event.reason === 'wrong_code',
      );
      expect(codeChecks.length).to.be.at.most(5);
      expect(results.filter((result) => !result.ok && result.reason === 'throttled').length).to.be.at.least(15);
      const right = await checkOperatorLogin(loginDeps(), {
        username: 'anna',
        password,
        code: await code(added.totpSecret),
        clientAddress: '203.0.113.9',
      });
      expect(right).to.deep.include({ ok: false, reason: 'throttled' });
    });

    it('ends the sessions of a disabled operator and opens none for them', async () => {
      const added = await addOperator(accountDeps(), { username: 'anna', displayName: 'Anna' });
      const sessions = createOperatorSessions(opened.store, clock);
      const { token, session } = await sessions.start(added.operator);
      expect(session.id).not.to.equal(token);
      expect((await sessions.find(token))?.operator.username).to.equal('anna');
      await disableOperator(accountDeps(), 'anna');
      expect(await opened.store.findOperatorSession(session.id, clock.now())).to.equal(undefined);
      const again = await sessions.start(added.operator);
      expect(await sessions.find(again.token)).to.equal(undefined);
      expect(await sessions.find(undefined)).to.equal(undefined);
      expect(await sessions.find('x'.repeat(200))).to.equal(undefined);
    });
  });
}
