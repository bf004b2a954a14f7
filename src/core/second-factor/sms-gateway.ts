// The one SMS gateway interface: an outbox for development and preproduction, an HTTP
// adapter for a real provider. The text holds a one-time code and the number is personal data, so
// neither ever goes into an error or log message: errors name the masked number at most.
import { PoortwachterError } from '../errors.ts';

export interface SmsMessage {
  /** E.164, e.g. +31612345678; always the number of the account, never one from the request. */
  to: string;
  text: string;
  /** What the message is for (e.g. 'login_code'); kept in the outbox, never sent to the provider. */
  purpose: string;
}

export interface SmsGateway {
  readonly kind: 'outbox' | 'http';
  /** Resolves once the message was accepted; throws SmsGatewayError otherwise. */
  send(message: SmsMessage): Promise<void>;
}

export type SmsGatewayFailure = 'timeout' | 'http_status' | 'network' | 'outbox' | 'number_not_allowed';

/**
 * The message was not accepted. Every failure but number_not_allowed is worth a retry later: the
 * login fails closed with 'sms.unavailable' (never a downgrade to a lower level).
 */
export class SmsGatewayError extends PoortwachterError {
  readonly reason: SmsGatewayFailure;
  /** The provider's HTTP status, for reason 'http_status'. */
  readonly httpStatus: number | undefined;

  constructor(reason: SmsGatewayFailure, logMessage: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    const refused = reason === 'number_not_allowed';
    super(refused ? 'sms.number_not_allowed' : 'sms.unavailable', { status: refused ? 400 : 503, logMessage });
    this.name = 'SmsGatewayError';
    this.reason = reason;
    this.httpStatus = options.httpStatus;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

// ITU-T E.164 country codes are prefix-free: these are the one- and two-digit ones, all others have three.
const shortCountryCodes = new Set([
  '1',
  '7',
  '20',
  '27',
  '30',
  '31',
  '32',
  '33',
  '34',
  '36',
  '39',
  '40',
  '41',
  '43',
  '44',
  '45',
  '46',
  '47',
  '48',
  '49',
  '51',
  '52',
  '53',
  '54',
  '55',
  '56',
  '57',
  '58',
  '60',
  '61',
  '62',
  '63',
  '64',
  '65',
  '66',
  '81',
  '82',
  '84',
  '86',
  '90',
  '91',
  '92',
  '93',
  '94',
  '95',
  '98',
]);

function countryPrefix(phone: string): string {
  if (!/^\+\d{4,}/.test(phone)) return '';
  const digits = phone.slice(1);
  const length = shortCountryCodes.has(digits.slice(0, 1)) ? 1 : shortCountryCodes.has(digits.slice(0, 2)) ? 2 : 3;
  return `+${digits.slice(0, length)}`;
}

/** '+31612345678' -> '+31*******78': the country prefix and the last two digits, nothing more. */
export function maskPhoneNumber(phone: string): string {
  const prefix = countryPrefix(phone);
  const rest = phone.slice(prefix.length);
  const keep = rest.length > 4 ? 2 : 0;
  return `${prefix}${'*'.repeat(rest.length - keep)}${rest.slice(rest.length - keep)}`;
}

const e164 = /^\+[1-9]\d{7,14}$/;

/** True for an E.164 number that starts with one of the allowed country prefixes (e.g. ['+31']). */
export function hasAllowedCountryPrefix(phone: string, allowedPrefixes: readonly string[]): boolean {
  return e164.test(phone) && allowedPrefixes.some((prefix) => phone.startsWith(prefix));
}
