// Password policy:  after NIST SP 800-63B rev 4 section 3.1.1.2: a minimum
// length, a maximum of at least 64, a blocklist of common and breached passwords, no composition
// rules, Unicode normalised (NFC) and counted in code points.
import zxcvbnCommon from '@zxcvbn-ts/language-common';
import { ValidationError } from '../errors.ts';

const commonPasswords = new Set(zxcvbnCommon.dictionary.passwords.map((word) => word.toLowerCase()));

export interface PasswordRules {
  minLength: number;
  maxLength: number;
}

export function normalisePassword(password: string): string {
  return password.normalize('NFC');
}

export function passwordLength(password: string): number {
  return [...normalisePassword(password)].length;
}

/** True when the password is too long to be worth hashing (refused before any CPU is spent). */
export function exceedsMaximumLength(password: string, rules: PasswordRules): boolean {
  // A code point is one or two UTF-16 units: past twice the maximum we need not even count.
  return password.length > rules.maxLength * 2 || passwordLength(password) > rules.maxLength;
}

/** Throws a ValidationError naming the reason when the password may not be chosen. */
export function assertAcceptablePassword(
  password: string,
  rules: PasswordRules,
  context: { username?: string } = {},
): void {
  const normalised = normalisePassword(password);
  if (exceedsMaximumLength(password, rules)) {
    throw new ValidationError('password.too_long', 'password longer than the maximum', { max: rules.maxLength });
  }
  if (passwordLength(normalised) < rules.minLength) {
    throw new ValidationError('password.too_short', 'password shorter than the minimum', { min: rules.minLength });
  }
  const lower = normalised.toLowerCase();
  if (commonPasswords.has(lower) || isRepetition(lower)) {
    throw new ValidationError('password.too_common', 'password on the common-password list');
  }
  const username = context.username?.normalize('NFC').toLowerCase();
  if (username && username.length >= 3 && lower.includes(username)) {
    throw new ValidationError('password.contains_username', 'password contains the username');
  }
}

/**
 * A word repeated ("passwordpassword", "aaaaaaaaaaaaaaaa") is as weak as the word: refused when the
 * repeated unit is short or itself on the list.
 */
function isRepetition(lower: string): boolean {
  const units = [...lower];
  for (let size = 1; size <= units.length / 2; size += 1) {
    if (units.length % size !== 0) continue;
    const unit = units.slice(0, size).join('');
    if (unit.repeat(units.length / size) === lower && (size <= 8 || commonPasswords.has(unit))) return true;
  }
  return false;
}
