// Authenticator-app secrets at rest: AES-256-GCM (NIST SP 800-38D) under a configured key, so a copy
// of the database alone does not let anyone generate a citizen's codes (NIST SP 800-63B 5.1.4.1:
// verifier secrets of OTP devices are protected at rest). The sealed value names its key, so keys can
// be rotated: the first key seals, every listed key opens. The citizen's id is the additional
// authenticated data, so a sealed secret copied onto another citizen's row does not open there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface TotpKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

/** A sealed secret as the store keeps it: the value (which names its key) and that key's id. */
export interface SealedTotpSecret {
  value: string;
  keyId: string;
}

/** A sealed secret that does not open: altered, another citizen's, or under a key no longer listed. */
export class TotpSecretUnreadable extends Error {
  override name = 'TotpSecretUnreadable';
}

const version = 'v1';
const additionalData = (citizenId: string) => Buffer.from(`poortwachter totp ${citizenId}`, 'utf8');

/** The keys of configuration entries `id:key` (key: 32 bytes in base64 or base64url). */
export function parseTotpKeys(entries: string[]): TotpKey[] {
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    const key = Buffer.from(
      entry
        .slice(colon + 1)
        .replace(/-/g, '+')
        .replace(/_/g, '/'),
      'base64',
    );
    if (colon < 1 || key.length !== 32) throw new Error('a TOTP key must be id:key with a key of 32 bytes in base64');
    return { id: entry.slice(0, colon), key };
  });
}

export function createTotpSecretBox(keys: TotpKey[]) {
  const [current] = keys;
  if (!current) throw new Error('at least one TOTP key is needed');
  const byId = new Map(keys.map((key) => [key.id, key.key]));
  return {
    currentKeyId: current.id,
    keyIds: [...byId.keys()],

    seal(citizenId: string, secret: string): SealedTotpSecret {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(additionalData(citizenId));
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'));
      return { value: [version, current.id, ...parts].join('.'), keyId: current.id };
    },

    open(citizenId: string, sealed: string): string {
      const [format, keyId, iv, ciphertext, tag, ...rest] = sealed.split('.');
      if (format !== version || !keyId || !iv || !ciphertext || !tag || rest.length)
        throw new TotpSecretUnreadable('not a sealed TOTP secret');
      const key = byId.get(keyId);
      if (!key) throw new TotpSecretUnreadable(`sealed under key ${keyId}, which is not configured`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
        decipher.setAAD(additionalData(citizenId));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new TotpSecretUnreadable(`does not open under key ${keyId} for this citizen`);
      }
    },

    /** Whether a stored value is sealed at all (secrets from before encryption are not). */
    isSealed: (stored: string): boolean => stored.startsWith(`${version}.`),
  };
}
export type TotpSecretBox = ReturnType<typeof createTotpSecretBox>;
