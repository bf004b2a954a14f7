// A real SMS provider over HTTP: one POST with an authentication header and a JSON body built from
// the configured template. Accepted means a 2xx answer within the timeout; anything else throws.
import type { Config } from '../../../config/index.ts';
import {
  maskPhoneNumber,
  SmsGatewayError,
  type SmsGateway,
  type SmsMessage,
} from '../../core/second-factor/sms-gateway.ts';

export type HttpSmsSettings = NonNullable<Config['sms']['http']>;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function substitute(value: Json, message: SmsMessage): Json {
  // One pass, so a text that itself contains "{{to}}" is not substituted again.
  if (typeof value === 'string')
    return value.replace(/\{\{(to|text)\}\}/g, (_whole, name: 'to' | 'text') => message[name]);
  if (Array.isArray(value)) return value.map((item) => substitute(item, message));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, message)]));
  return value;
}

/**
 * Fills {{to}} and {{text}} inside the template's string values. The template is parsed and the
 * result serialised, never pasted together as text, so quotes or backslashes in a message stay
 * string content and cannot add or change JSON fields.
 */
export function renderSmsBody(bodyTemplate: string, message: SmsMessage): string {
  return JSON.stringify(substitute(JSON.parse(bodyTemplate) as Json, message));
}

export function createHttpSmsGateway(settings: HttpSmsSettings, fetchImpl: typeof fetch = fetch): SmsGateway {
  renderSmsBody(settings.bodyTemplate, { to: '', text: '', purpose: '' }); // a broken template fails at start, not at the first login
  // The URL may carry an API key in its query: errors name the host only.
  const provider = new URL(settings.url).host;
  return {
    kind: 'http',
    async send(message) {
      const to = maskPhoneNumber(message.to);
      let response: Response;
      try {
        response = await fetchImpl(settings.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            [settings.authHeaderName]: settings.authHeaderValue,
          },
          body: renderSmsBody(settings.bodyTemplate, message),
          // A redirect would resend the authentication header to wherever it points: not followed.
          redirect: 'manual',
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
      } catch (error) {
        if (error instanceof Error && error.name === 'TimeoutError') {
          throw new SmsGatewayError(
            'timeout',
            `SMS provider ${provider} did not answer within ${settings.timeoutMs} ms (message to ${to})`,
          );
        }
        const code = (error as { cause?: { code?: unknown } }).cause?.code;
        throw new SmsGatewayError(
          'network',
          `SMS provider ${provider} could not be reached${typeof code === 'string' ? ` (${code})` : ''} (message to ${to})`,
          { cause: error },
        );
      }
      // The answer's body is not read: a provider may echo the message, and only the status counts.
      await response.body?.cancel().catch(() => undefined);
      if (response.status < 200 || response.status > 299) {
        throw new SmsGatewayError(
          'http_status',
          `SMS provider ${provider} answered HTTP ${response.status} (message to ${to})`,
          { httpStatus: response.status },
        );
      }
    },
  };
}
