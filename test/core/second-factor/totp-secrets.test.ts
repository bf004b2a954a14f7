// Authenticator-app secrets at rest (NIST SP 800-63B 5.1.4.1): sealed with AES-256-GCM under a
// configured key, refused when altered, and re-sealed under a new key after rotation.
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { generateSecret } from 'otplib';
import { loadConfig } from '../../../config/index.ts';
import { addCitizen } from '../../../src/core/citizens.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createAuditLog } from '../../../src/core/audit.ts';
import { createAuthenticatorApp } from '../../../src/core/second-factor/authenticator-app.ts';
import {
  createTotpSecretBox,
  parseTotpKeys,
  TotpSecretUnreadable,
  type TotpKey,
} from '../../../src/core/second-factor/totp-secret-box.ts';
import { resealTotpSecrets } from '../../../src/core/second-factor/totp-secret-reseal.ts';
import { openDatabase } from '../../../src/stores/database.ts';
import type { Store } from '../../../src/stores/index.ts';
import { createServices } from '../../../src/services.ts';
import { databaseKinds } from '../../support/databases.ts';
import { nextTestBsn, uniqueUsername } from '../../security/helpers.ts';
import { startTestServer } from '../../support/server.ts';
import { openTestStore, type TestStore } from '../../support/stores.ts';

const newKey = (id: string): TotpKey => ({ id, key: randomBytes(32) });

/** Flips one bit of the part at `index` of a sealed value (v1.kid.iv.ciphertext.tag). */
function alter(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('authenticator-app secrets at rest (src/core/second-factor/totp-secret-box.ts)', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

  it('seals a secret into a value that does not hold it and names its key, and opens it again', () => {
    const box = createTotpSecretBox([newKey('k1')]);
    const sealed = box.seal('citizen-1', secret);
    expect(sealed.keyId).to.equal('k1');
    expect(sealed.value).to.match(/^v1\.k1\./);
    expect(sealed.value).to.not.include(secret);
    expect(sealed.value).to.not.include(Buffer.from(secret).toString('base64url').slice(0, 12));
    expect(box.seal('citizen-1', secret).value, 'a fresh nonce every time').to.not.equal(sealed.value);
    expect(box.open('citizen-1', sealed.value)).to.equal(secret);
  });

  for (const [part, index] of [
    ['nonce', 2],
    ['ciphertext', 3],
    ['authentication tag', 4],
  ] as const) {
    it(`refuses a sealed secret whose ${part} was altered`, () => {
      const box = createTotpSecretBox([newKey('k1')]);
      const sealed = box.seal('citizen-1', secret).value;
      expect(() => box.open('citizen-1', alter(sealed, index))).to.throw(TotpSecretUnreadable);
    });
  }

  it("refuses another citizen's sealed secret copied onto this citizen", () => {
    const box = createTotpSecretBox([newKey('k1')]);
    expect(() => box.open('citizen-2', box.seal('citizen-1', secret).value)).to.throw(TotpSecretUnreadable);
  });

  it('refuses a secret in the clear, a value under an unlisted key, and one relabelled to another key', () => {
    const [k1, k2] = [newKey('k1'), newKey('k2')];
    const box = createTotpSecretBox([k1, k2]);
    expect(() => box.open('c', secret)).to.throw(TotpSecretUnreadable);
    const underK3 = createTotpSecretBox([newKey('k3')]).seal('c', secret).value;
    expect(() => box.open('c', underK3)).to.throw(TotpSecretUnreadable, /k3/);
    const relabelled = box.seal('c', secret).value.replace(/^v1\.k1\./, 'v1.k2.');
    expect(() => box.open('c', relabelled)).to.throw(TotpSecretUnreadable);
  });

  it('seals with the first key and still opens secrets under the keys listed after it (rotation)', () => {
    const [old, current] = [newKey('2025'), newKey('2026')];
    const sealedBefore = createTotpSecretBox([old]).seal('c', secret).value;
    const rotated = createTotpSecretBox([current, old]);
    expect(rotated.open('c', sealedBefore)).to.equal(secret);
    expect(rotated.seal('c', secret).keyId).to.equal('2026');
    expect(() => createTotpSecretBox([current]).open('c', sealedBefore), 'old key removed').to.throw(
      TotpSecretUnreadable,
    );
  });

  it('reads configured keys as id:key in base64 or base64url', () => {
    const key = randomBytes(32);
    const [a, b] = parseTotpKeys([`a:${key.toString('base64')}`, `b:${key.toString('base64url')}`]);
    expect(a!.key.equals(key)).to.equal(true);
    expect(b!.key.equals(key)).to.equal(true);
    expect(() => parseTotpKeys(['short:AAAA'])).to.throw(/32 bytes/);
  });
});

for (const kind of databaseKinds) {
  describe(`authenticator-app secrets in the database (${kind})`, function () {
    this.timeout(30_000);
    let opened: TestStore;
    let store: Store;
    beforeEach(async () => {
      opened = await openTestStore(kind);
      store = opened.store;
    });
    afterEach(async () => {
      await opened.close();
    });

    async function newCitizen() {
      const { citizenDeps } = createServices(loadConfig({}), store, systemClock);
      return addCitizen(citizenDeps, {
        username: uniqueUsername('app'),
        password: 'duinpan-zeereep-lantaarn-2026',
        bsn: nextTestBsn(),
      });
    }

    /** Writes a secret in the clear, as stored before encryption at rest. */
    async function storeInTheClear(citizenId: string, clear: string): Promise<void> {
      const db = openDatabase(opened.database.url);
      try {
        await db('citizens').where({ id: citizenId }).update({ totp_secret: clear, totp_key_id: null });
      } finally {
        await db.destroy();
      }
    }

    it('stores the sealed secret, not the secret, and accepts the app code after enrolment', async () => {
      const secrets = createTotpSecretBox([newKey('k1')]);
      const app = createAuthenticatorApp({ store, clock: systemClock, issuer: 'Poortwachter', secrets });
      const citizen = await newCitizen();
      const enrolledSecret = new URL(await app.enrol(citizen)).searchParams.get('secret')!;
      const stored = (await store.findCitizenById(citizen.id))!;
      expect(stored.totpSecret).to.match(/^v1\.k1\./);
      expect(stored.totpSecret).to.not.include(enrolledSecret);
      expect(await app.check(stored, await app.currentCode(enrolledSecret, Date.now()))).to.equal(true);
    });

    it('refuses to check a code against an altered stored secret', async () => {
      const secrets = createTotpSecretBox([newKey('k1')]);
      const app = createAuthenticatorApp({ store, clock: systemClock, issuer: 'Poortwachter', secrets });
      const citizen = await newCitizen();
      const enrolledSecret = new URL(await app.enrol(citizen)).searchParams.get('secret')!;
      const stored = (await store.findCitizenById(citizen.id))!;
      const altered = { ...stored, totpSecret: alter(stored.totpSecret!, 3) };
      let refusal: unknown;
      await app.check(altered, await app.currentCode(enrolledSecret, Date.now())).catch((error: unknown) => {
        refusal = error;
      });
      expect(refusal).to.be.instanceOf(TotpSecretUnreadable);
    });

    it('seals secrets stored in the clear, re-seals secrets under the old key after rotation, and audits it', async () => {
      const [old, current] = [newKey('2025'), newKey('2026')];
      const audit = createAuditLog(store, systemClock);
      const before = createAuthenticatorApp({
        store,
        clock: systemClock,
        issuer: 'Poortwachter',
        secrets: createTotpSecretBox([old]),
      });
      const underOld = await newCitizen();
      const underOldSecret = new URL(await before.enrol(underOld)).searchParams.get('secret')!;
      const inTheClear = await newCitizen();
      const clearSecret = generateSecret();
      await storeInTheClear(inTheClear.id, clearSecret);

      const box = createTotpSecretBox([current, old]);
      expect(await resealTotpSecrets({ store, box, audit })).to.deep.include({ sealed: 1, resealed: 1, unreadable: 0 });
      expect(await resealTotpSecrets({ store, box, audit }), 'nothing left to do').to.deep.include({
        sealed: 0,
        resealed: 0,
      });

      // The old key can go now: every secret opens under the new key alone.
      const after = createAuthenticatorApp({
        store,
        clock: systemClock,
        issuer: 'Poortwachter',
        secrets: createTotpSecretBox([current]),
      });
      for (const [citizen, secret] of [
        [underOld, underOldSecret],
        [inTheClear, clearSecret],
      ] as const) {
        const stored = (await store.findCitizenById(citizen.id))!;
        expect(stored.totpSecret).to.match(/^v1\.2026\./);
        expect(stored.totpSecret).to.not.include(secret);
        expect(await after.check(stored, await after.currentCode(secret, Date.now()))).to.equal(true);
      }
      const [event] = await store.listAuditEvents({ type: 'totp_secrets.resealed' });
      expect(event).to.deep.include({ outcome: 'success' });
      expect(event!.details).to.deep.include({ keyId: '2026', sealed: 1, resealed: 1, unreadable: 0 });
    });

    it('counts a secret under a key that is no longer listed as unreadable and leaves it as it was', async () => {
      const gone = createTotpSecretBox([newKey('gone')]);
      const citizen = await newCitizen();
      await createAuthenticatorApp({ store, clock: systemClock, issuer: 'Poortwachter', secrets: gone }).enrol(citizen);
      const stored = (await store.findCitizenById(citizen.id))!.totpSecret;
      const outcome = await resealTotpSecrets({
        store,
        box: createTotpSecretBox([newKey('k1')]),
        audit: createAuditLog(store, systemClock),
      });
      expect(outcome).to.deep.include({ sealed: 0, resealed: 0, unreadable: 1, unreadableKeyIds: ['gone'] });
      expect((await store.findCitizenById(citizen.id))!.totpSecret).to.equal(stored);
    });
  });
}

describe('authenticator-app secrets at start (src/server.ts)', function () {
  this.timeout(30_000);
  const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

  it('seals a secret stored in the clear before the first request, so the app code still works', async () => {
    const keys = [key('k1')];
    const first = await startTestServer({ env: { TOTP_KEYS: keys.join(',') } });
    const citizen = await addCitizen(createServices(first.config, first.store, systemClock).citizenDeps, {
      username: uniqueUsername('clear'),
      password: 'duinpan-zeereep-lantaarn-2026',
      bsn: nextTestBsn(),
    });
    await first.close();
    const clearSecret = generateSecret();
    const db = openDatabase(first.database.url);
    await db('citizens').where({ id: citizen.id }).update({ totp_secret: clearSecret, totp_key_id: null });
    await db.destroy();

    const second = await startTestServer({ database: first.database, env: { TOTP_KEYS: keys.join(',') } });
    try {
      const stored = (await second.store.findCitizenById(citizen.id))!;
      expect(stored.totpSecret).to.match(/^v1\.k1\./);
      const secrets = createTotpSecretBox(parseTotpKeys(keys));
      expect(secrets.open(citizen.id, stored.totpSecret!)).to.equal(clearSecret);
    } finally {
      await second.stop();
      await first.database.drop();
    }
  });

  it('refuses to start while secrets are sealed under a key the configuration no longer lists', async () => {
    const first = await startTestServer({ env: { TOTP_KEYS: key('old') } });
    const citizen = await addCitizen(createServices(first.config, first.store, systemClock).citizenDeps, {
      username: uniqueUsername('rotated'),
      password: 'duinpan-zeereep-lantaarn-2026',
      bsn: nextTestBsn(),
    });
    await createAuthenticatorApp({
      store: first.store,
      clock: systemClock,
      issuer: 'Poortwachter',
      secrets: createTotpSecretBox(parseTotpKeys(first.config.secrets.totpKeys)),
    }).enrol(citizen);
    await first.close();
    try {
      let refusal: Error | undefined;
      await startTestServer({ database: first.database, env: { TOTP_KEYS: key('new') } }).then(
        (server) => server.stop(),
        (error: Error) => (refusal = error),
      );
      expect(refusal?.message).to.match(/sealed under TOTP key old, which .* no longer lists/);
    } finally {
      await first.database.drop();
    }
  });
});
