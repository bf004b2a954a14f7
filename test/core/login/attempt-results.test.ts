// The result of a login attempt, taken once by the front-end that started it (core/login/attempts.ts):
// each way an attempt ends reaches the webdienst as itself, a second take finds nothing, and a cancel
// that raced a change of stage does not count.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createLoginAttempts } from '../../../src/core/login/attempts.ts';
import type { LoginRequest } from '../../../src/core/login/login-request.ts';
import { levels } from '../../../src/core/levels.ts';
import type { WebdienstWithOrganisation } from '../../../src/stores/index.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

const request = (overrides: Partial<LoginRequest> = {}): LoginRequest => ({
  protocol: 'oidc',
  protocolRef: `interaction-${randomUUID()}`,
  webdienst: { id: randomUUID() } as WebdienstWithOrganisation,
  requiredLevel: levels.basis,
  forceAuthentication: false,
  resumeUrl: '/interaction/x',
  clientAddress: '127.0.0.1',
  ...overrides,
});

for (const kind of databaseKinds) {
  describe(`login attempt results (${kind})`, () => {
    let opened: TestStore;
    const clock = new FakeClock(1_700_000_000_000);
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    it('hands an authenticated attempt over once, with its citizen, level and time', async () => {
      const attempts = createLoginAttempts(opened.store, clock, 900);
      const { attempt } = await attempts.start(request());
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.equal(undefined);
      expect(await attempts.markAuthenticated(attempt, 'password', 'citizen-1', 'midden', clock.now() - 5000)).to.equal(
        true,
      );
      expect(await attempts.takeResult('saml', attempt.protocolRef)).to.equal(undefined);
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.deep.equal({
        outcome: 'authenticated',
        citizenId: 'citizen-1',
        level: levels.midden,
        authenticatedAt: clock.now() - 5000,
      });
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.equal(undefined);
    });

    it('hands a cancel over as cancelled, also after the citizen was fixed at the second factor', async () => {
      const attempts = createLoginAttempts(opened.store, clock, 900);
      const { attempt } = await attempts.start(request({ requiredLevel: levels.midden }));
      const fixed = await attempts.fixCitizen(attempt, 'citizen-2');
      expect(await attempts.markCancelled(fixed)).to.equal(true);
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.deep.equal({ outcome: 'cancelled' });
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.equal(undefined);
    });

    it('hands a cancel without a second factor over as unmet', async () => {
      const attempts = createLoginAttempts(opened.store, clock, 900);
      const { attempt } = await attempts.start(request({ requiredLevel: levels.midden }));
      const without = await attempts.chooseSecondFactor(await attempts.fixCitizen(attempt, 'citizen-3'), null);
      expect(await attempts.markCancelled(without)).to.equal(true);
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.deep.equal({ outcome: 'unmet' });
    });

    it('refuses a cancel decided on a stage that another request changed meanwhile', async () => {
      const attempts = createLoginAttempts(opened.store, clock, 900);
      const { attempt } = await attempts.start(request({ requiredLevel: levels.midden }));
      const fixed = await attempts.fixCitizen(attempt, 'citizen-4');
      await attempts.chooseSecondFactor(fixed, null);
      expect(await attempts.markCancelled(fixed)).to.equal(false);
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.equal(undefined);
    });

    it('hands nothing over once the attempt has expired', async () => {
      const attempts = createLoginAttempts(opened.store, clock, 900);
      const { attempt } = await attempts.start(request());
      await attempts.markAuthenticated(attempt, 'password', 'citizen-5', 'basis');
      clock.advanceSeconds(901);
      expect(await attempts.takeResult('oidc', attempt.protocolRef)).to.equal(undefined);
    });
  });
}
