// Linking an authenticator app (src/core/lifecycle/app-link.ts): the secret that waits for the app's
// first code is sealed like a linked one (NIST SP 800-63B 5.1.4.1), still links, and survives a
// rotation of the TOTP keys.
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { loadConfig } from '../../../config/index.ts';
import { addCitizen } from '../../../src/core/citizens.ts';
import { confirmAppLink, pendingAppLink } from '../../../src/core/lifecycle/app-link.ts';
import type { LifecycleDeps } from '../../../src/core/lifecycle/deps.ts';
import { createAuthenticatorApp } from '../../../src/core/second-factor/authenticator-app.ts';
import { createTotpSecretBox, type TotpKey } from '../../../src/core/second-factor/totp-secret-box.ts';
import { createOutboxSmsGateway } from '../../../src/gateways/sms/outbox.ts';
import { createLifecycleDeps, createServices } from '../../../src/services.ts';
import { openDatabase } from '../../../src/stores/database.ts';
import type { AccountSessionRow, CitizenRow } from '../../../src/stores/index.ts';
import { FakeClock } from '../../support/clock.ts';
import { databaseKinds } from '../../support/databases.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';
import { nextTestBsn, uniqueUsername } from '../../security/helpers.ts';

const newKey = (id: string): TotpKey => ({ id, key: randomBytes(32) });

for (const kind of databaseKinds) {
  describe(`linking an authenticator app (${kind})`, function () {
    this.timeout(30_000);
    let opened: TestStore;
    const clock = new FakeClock();
    const config = loadConfig({});
    beforeEach(async () => {
      opened = await openTestStore(kind);
    });
    afterEach(async () => {
      await opened.close();
    });

    function lifecycle(keys: TotpKey[]) {
      const services = createServices(config, opened.store, clock);
      const sms = createOutboxSmsGateway(opened.store, clock);
      const deps = createLifecycleDeps(
        config,
        opened.store,
        clock,
        { codeHashKey: 'test-code-hash-key' },
        sms,
        services,
        createTotpSecretBox(keys),
      );
      return { deps, services };
    }

    async function newCitizenAndSession(): Promise<{ citizen: CitizenRow; session: AccountSessionRow }> {
      const { services } = lifecycle([newKey('k1')]);
      const citizen = await addCitizen(services.citizenDeps, {
        username: uniqueUsername('app'),
        password: 'duinpan-zeereep-lantaarn-2026',
        bsn: nextTestBsn(),
      });
      const now = clock.now();
      const session: AccountSessionRow = {
        id: randomUUID(),
        citizenId: citizen.id,
        level: 'basis',
        createdAt: now,
        expiresAt: now + 15 * 60_000,
        pendingPhone: null,
        pendingPhoneRef: null,
      };
      return { citizen: (await opened.store.findCitizenById(citizen.id))!, session };
    }

    async function storedPendingRows(): Promise<Array<Record<string, unknown>>> {
      const db = openDatabase(opened.database.url);
      try {
        return (await db('pending_app_links').select('*')) as Array<Record<string, unknown>>;
      } finally {
        await db.destroy();
      }
    }

    const codeFor = (secret: string) =>
      createAuthenticatorApp({
        store: opened.store,
        clock,
        issuer: 'Poortwachter',
        secrets: createTotpSecretBox([newKey('unused')]),
      }).currentCode(secret, clock.now());

    /** Confirms the pending link with the app's current code for `secret`. */
    const confirmWithCode = async (
      deps: LifecycleDeps,
      session: AccountSessionRow,
      citizen: CitizenRow,
      secret: string,
    ) => confirmAppLink(deps, { session, citizen, code: await codeFor(secret), clientAddress: '192.0.2.7' });

    it('stores the waiting secret sealed under the current key, never the base32 secret itself', async () => {
      const { deps } = lifecycle([newKey('k1')]);
      const { citizen, session } = await newCitizenAndSession();
      const { secret, uri } = await pendingAppLink(deps, session, citizen);
      expect(uri).to.include(`secret=${secret}`);
      const rows = await storedPendingRows();
      expect(rows).to.have.length(1);
      expect(rows[0]).to.deep.include({ session_id: session.id, citizen_id: citizen.id, key_id: 'k1' });
      expect(rows[0]!.sealed_secret).to.match(/^v1\.k1\./);
      for (const value of Object.values(rows[0]!)) expect(String(value)).to.not.include(secret);
      expect((await pendingAppLink(deps, session, citizen)).secret, 'the same QR code on a reload').to.equal(secret);
    });

    it("links the app with its first code, as the citizen's sealed secret", async () => {
      const { deps } = lifecycle([newKey('k1')]);
      const { citizen, session } = await newCitizenAndSession();
      const { secret } = await pendingAppLink(deps, session, citizen);
      const outcome = await confirmWithCode(deps, session, citizen, secret);
      expect(outcome).to.deep.equal({ ok: true });
      const linked = (await opened.store.findCitizenById(citizen.id))!;
      expect(linked.totpSecret)
        .to.match(/^v1\.k1\./)
        .and.not.include(secret);
      expect(deps.totpSecrets.open(citizen.id, linked.totpSecret!)).to.equal(secret);
      expect(await storedPendingRows(), 'the pending link is used up').to.have.length(0);
    });

    it('still links a pending app after the keys rotated, sealing the linked secret under the new key', async () => {
      const [old, current] = [newKey('2025'), newKey('2026')];
      const { citizen, session } = await newCitizenAndSession();
      const { secret } = await pendingAppLink(lifecycle([old]).deps, session, citizen);

      const { deps } = lifecycle([current, old]);
      expect((await pendingAppLink(deps, session, citizen)).secret, 'the same QR code after rotation').to.equal(secret);
      const outcome = await confirmWithCode(deps, session, citizen, secret);
      expect(outcome).to.deep.equal({ ok: true });
      const linked = (await opened.store.findCitizenById(citizen.id))!;
      expect(linked.totpSecret).to.match(/^v1\.2026\./);
      expect(createTotpSecretBox([current]).open(citizen.id, linked.totpSecret!)).to.equal(secret);
    });

    it('treats a pending link under a key no longer listed as none: refused as expired, and a new QR code follows', async () => {
      const { citizen, session } = await newCitizenAndSession();
      const { secret } = await pendingAppLink(lifecycle([newKey('gone')]).deps, session, citizen);

      const { deps } = lifecycle([newKey('k2')]);
      const refused = await confirmWithCode(deps, session, citizen, secret);
      expect(refused).to.deep.equal({ ok: false, reason: 'expired' });
      expect((await opened.store.findCitizenById(citizen.id))!.totpSecret).to.equal(null);
      const fresh = await pendingAppLink(deps, session, citizen);
      expect(fresh.secret).to.not.equal(secret);
      expect((await storedPendingRows())[0]).to.deep.include({ key_id: 'k2' });
    });
  });
}
