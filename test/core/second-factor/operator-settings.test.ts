// An operator's changes to a citizen's second factor go through the core and are audited, naming the
// actor of the audit log they were made with.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { auditLogOf, createAuditLog } from '../../../src/core/audit.ts';
import { PoortwachterError } from '../../../src/core/errors.ts';
import { createAuthenticatorApp } from '../../../src/core/second-factor/authenticator-app.ts';
import { createTotpSecretBox } from '../../../src/core/second-factor/totp-secret-box.ts';
import { enrolAuthenticatorApp, setAlwaysSecondFactor } from '../../../src/core/second-factor/operator-settings.ts';
import { databaseKinds } from '../../support/databases.ts';
import { FakeClock } from '../../support/clock.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

const clock = new FakeClock(1_700_000_000_000);
const totpKey = { id: 'test', key: randomBytes(32) };

for (const kind of databaseKinds) {
  describe(`an operator's second-factor settings for a citizen (${kind})`, () => {
    let opened: TestStore;
    const deps = () => ({
      store: opened.store,
      clock,
      audit: auditLogOf('cli', createAuditLog(opened.store, clock)),
      authenticatorApp: createAuthenticatorApp({
        store: opened.store,
        clock,
        issuer: 'Poortwachter',
        secrets: createTotpSecretBox([totpKey]),
      }),
    });
    beforeEach(async () => {
      opened = await openTestStore(kind);
      await opened.store.insertCitizen({
        id: 'c1',
        username: 'jan-jansen',
        passwordHash: 'x',
        bsn: '999993653',
        phone: null,
        status: 'active',
        locale: 'nl',
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
    });
    afterEach(() => opened.close());

    const events = async (type: string) =>
      (await opened.store.listAuditEvents({ type })).map(({ citizenId, reason, details }) => ({
        citizenId,
        reason,
        details,
      }));

    it('enrols an authenticator app whose codes the login accepts, audited with the actor', async () => {
      const { username, otpauthUri } = await enrolAuthenticatorApp(deps(), 'Jan-Jansen');
      expect(username).to.equal('jan-jansen');
      const secret = new URL(otpauthUri).searchParams.get('secret')!;
      const citizen = (await opened.store.findCitizenById('c1'))!;
      const app = deps().authenticatorApp;
      expect(await app.check(citizen, await app.currentCode(secret, clock.now()))).to.equal(true);
      await enrolAuthenticatorApp(deps(), 'jan-jansen');
      expect(await events('citizen.authenticator_app_enrolled')).to.deep.equal([
        { citizenId: 'c1', reason: 'operator', details: { replaced: false, actor: 'cli' } },
        { citizenId: 'c1', reason: 'operator', details: { replaced: true, actor: 'cli' } },
      ]);
    });

    it('switches the second factor on every login on and off, audited with the actor', async () => {
      expect(await setAlwaysSecondFactor(deps(), 'jan-jansen', true)).to.deep.equal({
        username: 'jan-jansen',
        always: true,
      });
      expect((await opened.store.findCitizenById('c1'))?.alwaysSecondFactor).to.equal(true);
      await setAlwaysSecondFactor(deps(), 'jan-jansen', false);
      expect((await opened.store.findCitizenById('c1'))?.alwaysSecondFactor).to.equal(false);
      expect(await events('citizen.always_second_factor_changed')).to.deep.equal([
        { citizenId: 'c1', reason: 'operator', details: { always: true, was: false, actor: 'cli' } },
        { citizenId: 'c1', reason: 'operator', details: { always: false, was: true, actor: 'cli' } },
      ]);
    });

    it('refuses an unknown username, changing and recording nothing', async () => {
      for (const change of [
        () => enrolAuthenticatorApp(deps(), 'niemand'),
        () => setAlwaysSecondFactor(deps(), 'niemand', true),
      ]) {
        const error = await change().then(
          () => undefined,
          (refused: unknown) => refused,
        );
        expect(error).to.be.instanceOf(PoortwachterError);
        expect((error as Error).message).to.equal('no citizen with username niemand');
      }
      expect(await opened.store.listAuditEvents()).to.deep.equal([]);
    });
  });
}
