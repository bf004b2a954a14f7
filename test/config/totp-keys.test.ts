// The keys that seal authenticator-app secrets at rest: from TOTP_KEYS or a file named by
// TOTP_KEYS_FILE, validated at start; production refuses to run without them.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/index.ts';
import { productionEnv } from '../support/production-env.ts';

const key = () => randomBytes(32).toString('base64');

function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('TOTP keys (config/index.ts, secrets.totpKeys)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'poortwachter-totp-keys-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads TOTP_KEYS as a comma-separated list of id:key, the first one first', () => {
    const [a, b] = [`2026:${key()}`, `2025:${randomBytes(32).toString('base64url')}`];
    expect(loadConfig({ TOTP_KEYS: `${a}, ${b}` }).secrets.totpKeys).to.deep.equal([a, b]);
  });

  it('refuses a key that is not 32 bytes, naming the variable but not echoing the key', () => {
    const short = randomBytes(16).toString('base64');
    const message = refusal({ TOTP_KEYS: `k1:${short}` }).message;
    expect(message).to.include('secrets.totpKeys');
    expect(message).to.include('environment variable TOTP_KEYS');
    expect(message).to.not.include(short);
  });

  it('refuses an entry without an id, and two keys with one id', () => {
    expect(refusal({ TOTP_KEYS: key() }).message).to.include('secrets.totpKeys');
    expect(refusal({ TOTP_KEYS: `k1:${key()},k1:${key()}` }).message).to.include('key ids must be unique');
  });

  it('reads TOTP_KEYS_FILE: one id:key a line, blank lines and # comments skipped', () => {
    const [a, b] = [`current:${key()}`, `previous:${key()}`];
    const file = join(dir, 'keys');
    writeFileSync(file, `# rotated 2026-01\n${a}\n\n${b}\n`);
    expect(loadConfig({ TOTP_KEYS_FILE: file }).secrets.totpKeys).to.deep.equal([a, b]);
  });

  it('refuses a missing key file, a bad line in it, and both TOTP_KEYS and TOTP_KEYS_FILE', () => {
    expect(refusal({ TOTP_KEYS_FILE: join(dir, 'absent') }).message).to.match(/TOTP_KEYS_FILE.*cannot read/);
    const bad = join(dir, 'bad');
    writeFileSync(bad, 'k1:not-a-key\n');
    expect(refusal({ TOTP_KEYS_FILE: bad }).message).to.include('environment variable TOTP_KEYS_FILE');
    const good = join(dir, 'good');
    writeFileSync(good, `k1:${key()}\n`);
    expect(refusal({ TOTP_KEYS_FILE: good, TOTP_KEYS: `k2:${key()}` }).message).to.include('not both');
  });

  it('is required in production: a generated key is refused', () => {
    const message = refusal({ ...productionEnv(), TOTP_KEYS: undefined }).message;
    expect(message).to.include('production');
    expect(message).to.include('secrets.totpKeys (TOTP_KEYS or TOTP_KEYS_FILE)');
    expect(loadConfig(productionEnv()).secrets.totpKeys).to.have.length(1);
  });
});
