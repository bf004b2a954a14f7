// Reads the phone number a citizen types into international form (E.164) and says why it cannot be
// used. Forgiving about how it is written ("06 12 34 56 78", "+316-12345678", "0031..."), strict
// about what it is: valid, within the allowed country prefixes, and for the
// Netherlands a mobile number, because a landline cannot receive the SMS codes.
import { isValidPhoneNumber } from '../core/citizens.ts';
import { hasAllowedCountryPrefix } from '../core/second-factor/sms-gateway.ts';

export type PhoneNumberProblem =
  'account.phone_missing' | 'account.phone_invalid' | 'account.phone_country_not_allowed' | 'account.phone_not_mobile';

export type PhoneNumberCheck = { ok: true; phone: string } | { ok: false; reason: PhoneNumberProblem };

const maxInputLength = 40;

export function parsePhoneNumber(input: string, allowedPrefixes: readonly string[]): PhoneNumberCheck {
  if (input.length > maxInputLength) return { ok: false, reason: 'account.phone_invalid' };
  const compact = input
    .normalize('NFKC')
    .replace(/\(0\)/g, '')
    .replace(/[\s\-.()/]/g, '');
  if (compact === '') return { ok: false, reason: 'account.phone_missing' };
  let phone = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  // Dutch national format: a 0 and nine digits.
  if (/^0[1-9]\d{8}$/.test(phone)) phone = `+31${phone.slice(1)}`;
  if (!isValidPhoneNumber(phone)) return { ok: false, reason: 'account.phone_invalid' };
  if (!hasAllowedCountryPrefix(phone, allowedPrefixes))
    return { ok: false, reason: 'account.phone_country_not_allowed' };
  if (phone.startsWith('+31') && !/^\+316\d{8}$/.test(phone)) return { ok: false, reason: 'account.phone_not_mobile' };
  return { ok: true, phone };
}
