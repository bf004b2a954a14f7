// Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a browser in which
// a citizen logged in before carries a token bound to that username. Its guesses count against a
// budget of its own, so failures by strangers elsewhere never lock the citizen's own browser out.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DeviceCookies {
  /** A new token for this username, given after a successful login. */
  issue(username: string): string;
  /** The device id of a token that was issued for this username, or undefined. */
  deviceOf(token: string | undefined, username: string): string | undefined;
}

export function createDeviceCookies(secret: string): DeviceCookies {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'poortwachter device cookie', 32));
  const mac = (username: string, nonce: string) =>
    createHmac('sha256', key).update(`${nonce}\u0000${username}`).digest('base64url');
  return {
    issue(username) {
      const nonce = randomBytes(16).toString('base64url');
      return `${nonce}.${mac(username, nonce)}`;
    },
    deviceOf(token, username) {
      const [nonce, given, extra] = (token ?? '').split('.');
      if (!nonce || !given || extra !== undefined || nonce.length > 64) return undefined;
      const expected = Buffer.from(mac(username, nonce));
      const actual = Buffer.from(given);
      return expected.length === actual.length && timingSafeEqual(expected, actual) ? nonce : undefined;
    },
  };
}
