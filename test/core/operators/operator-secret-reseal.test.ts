// After a TOTP key rotation the operators' app secrets move to the current key and still open.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { createAuditLog } from '../../../src/core/audit.ts';
import { addOperator } from '../../../src/core/operators/operator-accounts.ts';
import { resealOperatorTotpSecrets } from '../../../src/core/operators/operator-secret-reseal.ts';
import { createPasswordHasher } from '../../../src/core/passwords/hasher.ts';
import { createTotpSecretBox } from '../../../src/core/second-factor/totp-secret-box.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

for (const kind of databaseKinds) {
  describe(`operators' app secrets after a TOTP key rotation (${kind})`, function () {
    this.timeout(60_000);
    let opened: TestStore;
    const oldKey = { id: 'oud', key: randomBytes(32) };
    const newKey = { id: 'nieuw', key: randomBytes(32) };
    const clock = new FakeClock();
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(() => opened.close());

    const added = (username: string) =>
      addOperator(
        {
          store: opened.store,
          hasher: createPasswordHasher(1),
          secrets: createTotpSecretBox([oldKey]),
          clock,
          audit: createAuditLog(opened.store, clock),
          passwordRules: { minLength: 15, maxLength: 128 },
          issuer: 'Poortwachter beheer',
        },
        { username, displayName: username },
      );

    it('re-seals every secret under the current key, once, and the secret stays the same', async () => {
      const anna = await added('anna');
      const box = createTotpSecretBox([newKey, oldKey]);
      const deps = { store: opened.store, box, audit: createAuditLog(opened.store, clock) };
      expect(await resealOperatorTotpSecrets(deps)).to.deep.equal({ resealed: 1, unreadable: 0 });
      const stored = (await opened.store.findOperatorByUsername('anna'))!;
      expect(stored.totpKeyId).to.equal('nieuw');
      expect(createTotpSecretBox([newKey]).open(`operator:${stored.id}`, stored.totpSecret)).to.equal(anna.totpSecret);
      expect(await resealOperatorTotpSecrets(deps)).to.deep.equal({ resealed: 0, unreadable: 0 });
      const [event] = await opened.store.listAuditEvents({ type: 'operator.totp_resealed' });
      expect(event?.details).to.include({ keyId: 'nieuw', resealed: 1 });
    });

    it('counts a secret under a key no longer configured as unreadable and leaves it as it was', async () => {
      await added('bert');
      const before = (await opened.store.findOperatorByUsername('bert'))!;
      const deps = {
        store: opened.store,
        box: createTotpSecretBox([newKey]),
        audit: createAuditLog(opened.store, clock),
      };
      expect(await resealOperatorTotpSecrets(deps)).to.deep.equal({ resealed: 0, unreadable: 1 });
      expect((await opened.store.findOperatorByUsername('bert'))?.totpSecret).to.equal(before.totpSecret);
    });
  });
}
