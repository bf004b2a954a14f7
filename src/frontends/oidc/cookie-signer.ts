// The signatures of signed cookies (oidc-provider's session and interaction cookies, and those of the
// app around it), as Keygrip makes them: HMAC-SHA1 of "name=value" in unpadded base64url, newest key
// first, so cookies signed before stay valid. Keygrip compares each signature through tsscmp, which
// hashes both sides again with a fresh random HMAC key (three HMACs, a random draw and a key import per
// cookie read); here the HMAC keys are imported once and the comparison is crypto.timingSafeEqual,
// constant-time as well. Every request of a login reads several signed cookies.
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export interface CookieSigner {
  sign(data: string): string;
  verify(data: string, digest: string): boolean;
  /** The index of the key that made `digest`, or -1. */
  index(data: string, digest: string): number;
}

export function cookieSigner(keys: readonly string[]): CookieSigner {
  if (keys.length === 0) throw new Error('cookie keys must be provided');
  const secrets: KeyObject[] = keys.map((key) => createSecretKey(Buffer.from(key, 'utf8')));
  const signWith = (data: string, secret: KeyObject) => createHmac('sha1', secret).update(data).digest('base64url');
  const index = (data: string, digest: string): number => {
    const given = Buffer.from(String(digest), 'utf8');
    for (const [at, secret] of secrets.entries()) {
      const expected = Buffer.from(signWith(data, secret), 'utf8');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return at;
    }
    return -1;
  };
  return {
    sign: (data) => signWith(data, secrets[0]!),
    verify: (data, digest) => index(data, digest) > -1,
    index,
  };
}
