// The password policy after NIST SP 800-63B rev 4 section 3.1.1.2, on its own
// (src/core/passwords/policy.ts) and where a citizen is created (src/core/citizens.ts).
import { expect } from 'chai';
import { loadConfig } from '../../config/index.ts';
import { addCitizen, type CitizenDeps } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { PoortwachterError } from '../../src/core/errors.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/core/passwords/hasher.ts';
import { assertAcceptablePassword, type PasswordRules } from '../../src/core/passwords/policy.ts';
import { createServices } from '../../src/services.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { nextTestBsn, uniqueUsername } from './helpers.ts';

const rules: PasswordRules = loadConfig({ POORTWACHTER_ENV: 'development' }).password;

/** The reason code a refusal carries, or 'accepted'. */
function verdict(password: string, context: { username?: string } = {}): string {
  try {
    assertAcceptablePassword(password, rules, context);
    return 'accepted';
  } catch (error) {
    if (error instanceof PoortwachterError) return error.code;
    throw error;
  }
}

/** `count` distinct code points from `start` on, each stable under NFC. */
function codePoints(start: number, count: number, step = 1): string {
  return Array.from({ length: count }, (_, index) => String.fromCodePoint(start + index * step)).join('');
}

// 23 letters with a diacritic, each one code point in NFC and two in NFD.
const accented = 'àáâãäåèéêëìíîïòóôõöùúûü';
const accentedText = (length: number) =>
  Array.from({ length }, (_, index) => accented[index % accented.length]).join('');

/** A hasher that counts how often it is asked to work, for "refused before hashing". */
function countingHasher(): PasswordHasher & { calls: number } {
  const real = createPasswordHasher(1);
  const spy = {
    calls: 0,
    hash: async (password: string) => {
      spy.calls += 1;
      return real.hash(password);
    },
    verify: async (hash: string, password: string) => {
      spy.calls += 1;
      return real.verify(hash, password);
    },
    verifyDummy: async (password: string) => {
      spy.calls += 1;
      return real.verifyDummy(password);
    },
    get queueLength() {
      return real.queueLength;
    },
  };
  return spy;
}

describe('Password policy', () => {
  describe('the configured rules', () => {
    it('defaults to a minimum of 15 characters (NIST rev 4, single factor) and a maximum of 128', () => {
      expect(rules).to.deep.equal({ minLength: 15, maxLength: 128 });
    });
  });

  describe('length', () => {
    it('refuses a password one character shorter than the minimum as too short', () => {
      expect(verdict('vlinder-kaasbo')).to.equal('password.too_short'); // 14
    });

    it('accepts a password of exactly the minimum length', () => {
      expect(verdict('vlinder-kaasbol')).to.equal('accepted'); // 15
    });

    it('counts code points, not UTF-16 units: 14 emoji are too short, 15 are enough', () => {
      expect(verdict(codePoints(0x1f330, 14))).to.equal('password.too_short');
      expect(verdict(codePoints(0x1f330, 15))).to.equal('accepted');
    });

    it('accepts a 64-character password', () => {
      expect(verdict(`${'fietsbel-zonnebloem-'.repeat(3)}kaas`)).to.equal('accepted');
    });

    it('accepts 128 code points of emoji and of CJK, and refuses 129 as too long', () => {
      expect(verdict(codePoints(0x1f300, 128))).to.equal('accepted');
      expect(verdict(codePoints(0x4e00, 128, 7))).to.equal('accepted');
      expect(verdict(codePoints(0x1f300, 129))).to.equal('password.too_long');
      expect(verdict(codePoints(0x4e00, 129, 7))).to.equal('password.too_long');
    });

    it('refuses a password of 129 ASCII characters as too long, and a very long one just the same', () => {
      expect(verdict(`${'a1b2c3d4e5'.repeat(12)}f6g7h8i9j`)).to.equal('password.too_long');
      expect(verdict('x'.repeat(1_000_000))).to.equal('password.too_long');
    });

    it('measures the length after NFC normalisation, so 128 accented letters typed decomposed are accepted', () => {
      const decomposed = accentedText(128).normalize('NFD');
      expect([...decomposed].length).to.equal(256);
      expect(verdict(decomposed)).to.equal('accepted');
    });
  });

  describe('common and guessable passwords', () => {
    it('refuses a password from the common-password list even when it is long enough', () => {
      expect(verdict('1qaz2wsx3edc4rfv')).to.equal('password.too_common');
      expect(verdict('qwerty123456789')).to.equal('password.too_common');
    });

    it('refuses a listed password whatever its letter case', () => {
      expect(verdict('QWERTY123456789')).to.equal('password.too_common');
    });

    it('refuses one short word repeated to reach the minimum', () => {
      expect(verdict('welkom01welkom01')).to.equal('password.too_common');
      expect(verdict('aaaaaaaaaaaaaaaaaaaa')).to.equal('password.too_common');
    });

    it('refuses a listed password repeated to reach the minimum, however long the listed word', () => {
      // "wachtwoord" (Dutch for password) is on the list; doubled it is just as guessable.
      expect(verdict('wachtwoordwachtwoord')).to.equal('password.too_common');
    });

    it('refuses a password that contains the username, whatever its letter case', () => {
      expect(verdict('jandevries-zomer-2026', { username: 'jandevries' })).to.equal('password.contains_username');
      expect(verdict('zomer-JanDeVries-2026', { username: 'jandevries' })).to.equal('password.contains_username');
    });
  });

  describe('no composition rules', () => {
    it('accepts lower-case letters and spaces only, digits only, and upper case only', () => {
      expect(verdict('paarse giraffen dansen')).to.equal('accepted');
      expect(verdict('830274619358204')).to.equal('accepted');
      expect(verdict('HOOIBERG ZONDER NAALD')).to.equal('accepted');
    });
  });

  describe('when a citizen is added', () => {
    let server: TestServer;
    let deps: CitizenDeps;
    before(async () => {
      server = await startTestServer();
      deps = createServices(server.config, server.store, systemClock).citizenDeps;
    });
    after(() => server.stop());

    async function refusal(password: string, username = uniqueUsername()): Promise<{ code: string; left: unknown }> {
      try {
        await addCitizen(deps, { username, password, bsn: nextTestBsn() });
      } catch (error) {
        expect(error).to.be.instanceOf(PoortwachterError);
        return { code: (error as PoortwachterError).code, left: await server.store.findCitizenByUsername(username) };
      }
      throw new Error('addCitizen accepted the password');
    }

    it('refuses a short password with its reason and leaves no citizen behind', async () => {
      expect(await refusal('kort-wachtwoor')).to.deep.equal({ code: 'password.too_short', left: undefined }); // 14
    });

    it('refuses a common password with its reason and leaves no citizen behind', async () => {
      expect(await refusal('1qaz2wsx3edc4rfv')).to.deep.equal({ code: 'password.too_common', left: undefined });
    });

    it('refuses a password that contains the username', async () => {
      const username = uniqueUsername('pietje');
      expect(await refusal(`welkom-${username}-thuis`, username)).to.deep.equal({
        code: 'password.contains_username',
        left: undefined,
      });
    });

    it('refuses an over-long password before any hashing', async () => {
      const hasher = countingHasher();
      const username = uniqueUsername();
      let code = 'accepted';
      try {
        await addCitizen({ ...deps, hasher }, { username, password: codePoints(0x1f300, 129), bsn: nextTestBsn() });
      } catch (error) {
        code = (error as PoortwachterError).code;
      }
      expect(code).to.equal('password.too_long');
      expect(hasher.calls).to.equal(0);
      expect(await server.store.findCitizenByUsername(username)).to.equal(undefined);
    });

    it('stores the NFC form, so the composed form verifies a password chosen decomposed', async () => {
      const composed = 'crème-brûlée-à-la-façade';
      const citizen = await addCitizen(deps, {
        username: uniqueUsername(),
        password: composed.normalize('NFD'),
        bsn: nextTestBsn(),
      });
      const hasher = createPasswordHasher(1);
      expect(await hasher.verify(citizen.passwordHash, composed.normalize('NFC'))).to.equal(true);
    });

    it('stores a hash that does not accept a long password with the same first 127 characters', async () => {
      const password = `${'sterrenhemel-'.repeat(9)}abcdefghij`; // 127 characters
      const citizen = await addCitizen(deps, {
        username: uniqueUsername(),
        password: `${password}k`,
        bsn: nextTestBsn(),
      });
      const hasher = createPasswordHasher(1);
      expect(await hasher.verify(citizen.passwordHash, `${password}k`)).to.equal(true);
      expect(await hasher.verify(citizen.passwordHash, `${password}l`)).to.equal(false);
      expect(await hasher.verify(citizen.passwordHash, password.slice(0, 72))).to.equal(false);
    });
  });
});
