// SMS one-time codes for level Midden: six digits from a cryptographic
// source, bound to one login attempt, single use, alive codeTtlSeconds (5 min by default, 10 at most),
// dead after maxWrongTries, stored only as an HMAC. Sends are limited per account and per client
// address, and go only to the account's own number within the allowed country prefixes.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Config } from '../../../config/index.ts';
import type { SmsGateway } from './sms-gateway.ts';
import type { CitizenRow, LoginAttemptRow, Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import type { Clock } from '../clock.ts';
import { newToken } from '../ids.ts';
import { maskPhoneNumber as maskedPhone } from './sms-gateway.ts';
import { smsAllowed } from './methods.ts';

export type SendResult =
  | { ok: true; maskedNumber: string }
  | { ok: false; reason: 'send_limit'; retryAfterSeconds: number }
  | { ok: false; reason: 'number_not_allowed' | 'gateway_down' };

export type CodeCheck = { ok: true } | { ok: false; reason: 'wrong' | 'expired' | 'dead' | 'used' | 'none' };

export interface OneTimeCodeDeps {
  store: Pick<
    Store,
    | 'insertOneTimeCode'
    | 'findLatestOneTimeCode'
    | 'countWrongOneTimeCodeTry'
    | 'useOneTimeCode'
    | 'incrementThrottleFailures'
    | 'findThrottle'
  >;
  clock: Clock;
  audit: AuditLog;
  sms: SmsGateway;
  codeHashKey: string;
  settings: Config['secondFactor'];
  allowedCountryPrefixes: string[];
  messageText: (code: string, locale: string) => string;
}

export function createOneTimeCodes(deps: OneTimeCodeDeps) {
  const { settings } = deps;
  // Bound to the attempt and its citizen: a code sent to one citizen never counts for another.
  const hashOf = (attemptId: string, citizenId: string, code: string): string =>
    createHmac('sha256', deps.codeHashKey).update(`${attemptId}:${citizenId}:${code}`).digest('hex');
  const latestCode = (attempt: LoginAttemptRow) =>
    attempt.citizenId ? deps.store.findLatestOneTimeCode(attempt.id, attempt.citizenId) : Promise.resolve(undefined);

  /** Counts one send against a limit; true when the limit allows it. Counting first keeps parallel sends honest. */
  async function withinLimit(
    key: string,
    limit: { max: number; windowSeconds: number },
  ): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
    const now = deps.clock.now();
    const row = await deps.store.incrementThrottleFailures(key, now, now - limit.windowSeconds * 1000);
    const retryAfterSeconds = Math.max(1, Math.ceil((row.windowStartedAt + limit.windowSeconds * 1000 - now) / 1000));
    return { allowed: row.failures <= limit.max, retryAfterSeconds };
  }

  return {
    isNumberAllowed(phone: string | null): phone is string {
      return smsAllowed(phone, deps.allowedCountryPrefixes);
    },

    async send(attempt: LoginAttemptRow, citizen: CitizenRow, clientAddress: string): Promise<SendResult> {
      const event = {
        type: 'second_factor.sms_sent',
        citizenId: citizen.id,
        webdienstId: attempt.webdienstId,
        clientAddress,
      };
      // The number always comes from the account, never from the request.
      if (!this.isNumberAllowed(citizen.phone)) {
        await deps.audit.record({ ...event, outcome: 'failure', reason: 'number_not_allowed' });
        return { ok: false, reason: 'number_not_allowed' };
      }
      for (const [key, limit] of [
        [`sms:account:${citizen.id}`, settings.sendsPerAccount],
        [`sms:address:${clientAddress}`, settings.sendsPerAddress],
      ] as const) {
        const verdict = await withinLimit(key, limit);
        if (!verdict.allowed) {
          await deps.audit.record({
            ...event,
            outcome: 'failure',
            reason: key.startsWith('sms:account') ? 'send_limit_account' : 'send_limit_address',
          });
          return { ok: false, reason: 'send_limit', retryAfterSeconds: verdict.retryAfterSeconds };
        }
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      try {
        await deps.sms.send({ to: citizen.phone, text: deps.messageText(code, citizen.locale), purpose: 'login_code' });
      } catch (error) {
        // Fail closed with a retry message; the unsent code is never stored.
        await deps.audit.record({
          ...event,
          outcome: 'failure',
          reason: 'gateway_down',
          details: { error: String((error as Error).name) },
        });
        return { ok: false, reason: 'gateway_down' };
      }
      const now = deps.clock.now();
      await deps.store.insertOneTimeCode({
        id: newToken(),
        attemptId: attempt.id,
        citizenId: citizen.id,
        codeHash: hashOf(attempt.id, citizen.id, code),
        wrongTries: 0,
        createdAt: now,
        expiresAt: now + settings.codeTtlSeconds * 1000,
        usedAt: null,
      });
      await deps.audit.record({ ...event, outcome: 'success', details: { to: maskedPhone(citizen.phone) } });
      return { ok: true, maskedNumber: maskedPhone(citizen.phone) };
    },

    async hasLiveCode(attempt: LoginAttemptRow): Promise<boolean> {
      const latest = await latestCode(attempt);
      return Boolean(
        latest &&
        latest.usedAt === null &&
        latest.wrongTries < settings.maxWrongTries &&
        latest.expiresAt > deps.clock.now(),
      );
    },

    async check(attempt: LoginAttemptRow, submitted: string): Promise<CodeCheck> {
      const latest = await latestCode(attempt);
      const now = deps.clock.now();
      if (!latest) return { ok: false, reason: 'none' };
      if (latest.usedAt !== null) return { ok: false, reason: 'used' };
      if (latest.wrongTries >= settings.maxWrongTries) return { ok: false, reason: 'dead' };
      if (latest.expiresAt <= now) return { ok: false, reason: 'expired' };
      const expected = Buffer.from(latest.codeHash, 'hex');
      const given = Buffer.from(hashOf(attempt.id, latest.citizenId, submitted.replace(/\s+/g, '')), 'hex');
      if (!timingSafeEqual(expected, given)) {
        const tries = await deps.store.countWrongOneTimeCodeTry(latest.id, settings.maxWrongTries);
        return { ok: false, reason: tries !== undefined && tries >= settings.maxWrongTries ? 'dead' : 'wrong' };
      }
      return (await deps.store.useOneTimeCode(latest.id, now, settings.maxWrongTries))
        ? { ok: true }
        : { ok: false, reason: 'used' };
    },
  };
}
export type OneTimeCodes = ReturnType<typeof createOneTimeCodes>;
