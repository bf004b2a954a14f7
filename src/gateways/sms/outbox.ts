// The outbox "sends" by storing the message; `poortwachter outbox sms` and the tests read it back.
// Only for development and preproduction: config refuses it in production.
import type { Clock } from '../../core/clock.ts';
import type { Store } from '../../stores/index.ts';
import { maskPhoneNumber, SmsGatewayError, type SmsGateway } from '../../core/second-factor/sms-gateway.ts';

export function createOutboxSmsGateway(store: Pick<Store, 'insertOutboxSms'>, clock: Clock): SmsGateway {
  return {
    kind: 'outbox',
    async send(message) {
      try {
        await store.insertOutboxSms({
          to: message.to,
          text: message.text,
          purpose: message.purpose,
          createdAt: clock.now(),
        });
      } catch (error) {
        throw new SmsGatewayError('outbox', `storing an SMS for ${maskPhoneNumber(message.to)} in the outbox failed`, {
          cause: error,
        });
      }
    },
  };
}
