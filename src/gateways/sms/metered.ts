// Counts what the SMS gateway accepted and refused, for /metrics; the message itself is
// never looked at.
import { SmsGatewayError, type SmsGateway } from '../../core/second-factor/sms-gateway.ts';

export interface SmsMeter {
  sent(gateway: string): void;
  failed(gateway: string, reason: string): void;
}

export function meteredSmsGateway(gateway: SmsGateway, meter: SmsMeter): SmsGateway {
  return {
    kind: gateway.kind,
    async send(message) {
      try {
        await gateway.send(message);
      } catch (error) {
        meter.failed(gateway.kind, error instanceof SmsGatewayError ? error.reason : 'error');
        throw error;
      }
      meter.sent(gateway.kind);
    },
  };
}
