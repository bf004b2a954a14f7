// Chooses the SMS gateway the configuration names, behind the country-prefix allowlist.
import type { Config } from '../../../config/index.ts';
import type { Clock } from '../../core/clock.ts';
import type { Store } from '../../stores/index.ts';
import { createHttpSmsGateway } from './http.ts';
import { createOutboxSmsGateway } from './outbox.ts';
import {
  hasAllowedCountryPrefix,
  maskPhoneNumber,
  SmsGatewayError,
  type SmsGateway,
} from '../../core/second-factor/sms-gateway.ts';

export * from '../../core/second-factor/sms-gateway.ts';
export { createHttpSmsGateway, renderSmsBody, type HttpSmsSettings } from './http.ts';
export { createOutboxSmsGateway } from './outbox.ts';

/**
 * The last guard against SMS pumping and toll fraud: whatever the caller checked, no message leaves
 * for a number outside the allowed country prefixes (default +31).
 */
function onlyAllowedPrefixes(gateway: SmsGateway, allowedPrefixes: readonly string[]): SmsGateway {
  return {
    kind: gateway.kind,
    async send(message) {
      if (!hasAllowedCountryPrefix(message.to, allowedPrefixes)) {
        throw new SmsGatewayError(
          'number_not_allowed',
          `no SMS to ${maskPhoneNumber(message.to)}: not an E.164 number with an allowed country prefix (${allowedPrefixes.join(', ')})`,
        );
      }
      await gateway.send(message);
    },
  };
}

export function createSmsGateway(
  config: Pick<Config, 'environment' | 'sms'>,
  store: Pick<Store, 'insertOutboxSms'>,
  clock: Clock,
  fetchImpl: typeof fetch = fetch,
): SmsGateway {
  const { gateway, http, allowedCountryPrefixes } = config.sms;
  if (gateway === 'http') {
    if (!http) throw new Error('sms.http must be configured when sms.gateway is http');
    return onlyAllowedPrefixes(createHttpSmsGateway(http, fetchImpl), allowedCountryPrefixes);
  }
  // loadConfig already refuses this; a hand-built Config must not slip past it.
  if (config.environment === 'production') throw new Error('the SMS outbox is refused in production');
  return onlyAllowedPrefixes(createOutboxSmsGateway(store, clock), allowedCountryPrefixes);
}
