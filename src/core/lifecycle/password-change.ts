// The citizen changes their own password at Mijn Poortwachter: the current password is asked again
// (a session alone is not enough, OWASP ASVS 2.1.5 / NIST SP 800-63B 6.1.2.3), the new one follows
// the policy in force; then every other session ends and the citizen is told on every channel.
import { PoortwachterError } from '../errors.ts';
import { assertAcceptablePassword, exceedsMaximumLength, normalisePassword } from '../passwords/policy.ts';
import type { CitizenRow } from '../../stores/index.ts';
import type { FieldError, LifecycleDeps } from './deps.ts';
import { takeGuessSlots } from './guess-slots.ts';

export type PasswordChangeOutcome =
  | { ok: true }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export async function changePassword(
  deps: LifecycleDeps,
  input: {
    citizen: CitizenRow;
    keepAccountSessionId: string;
    currentPassword: string;
    password: string;
    passwordRepeat: string;
    clientAddress: string;
  },
): Promise<PasswordChangeOutcome> {
  const { citizen } = input;
  const event = { type: 'citizen.password_change', citizenId: citizen.id, clientAddress: input.clientAddress };
  const key = `password-change:${citizen.id}`;
  // The guess of the current password takes its slot before the hash is checked (guess-slots.ts).
  const slot = await takeGuessSlots(deps.throttle, [{ key, rule: deps.config.throttle.account }]);
  if (!slot.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: slot.retryAfterSeconds };
  }
  const errors: FieldError[] = [];
  try {
    assertAcceptablePassword(input.password, deps.config.password, { username: citizen.username });
    if (input.password !== input.passwordRepeat)
      errors.push({ field: 'passwordRepeat', code: 'request.password_repeat_mismatch' });
  } catch (error) {
    if (!(error instanceof PoortwachterError)) throw error;
    errors.push({ field: 'password', code: error.code, params: error.details });
  }
  const currentOk =
    !exceedsMaximumLength(input.currentPassword, deps.config.password) &&
    input.currentPassword.length > 0 &&
    (await deps.hasher.verify(citizen.passwordHash, normalisePassword(input.currentPassword)));
  if (currentOk) await slot.giveBack();
  else errors.unshift({ field: 'currentPassword', code: 'account.current_password_wrong' });
  if (errors.length) {
    await deps.audit.record({
      ...event,
      outcome: 'failure',
      reason: currentOk ? 'new_password_refused' : 'wrong_current_password',
    });
    return { ok: false, reason: 'invalid', errors };
  }
  const now = deps.clock.now();
  const passwordHash = await deps.hasher.hash(normalisePassword(input.password));
  const ended = await deps.store.inTransaction(async (trx) => {
    await trx.replaceCitizenPassword(citizen.id, passwordHash, now);
    return {
      endedOidcSessions: await trx.deleteOidcSessionsOfAccount(citizen.id),
      endedSsoSessions: await trx.endSsoSessionsOfCitizen(citizen.id, now),
      endedAccountSessions: await trx.deleteAccountSessionsOfCitizen(citizen.id, input.keepAccountSessionId),
    };
  });
  await deps.throttle.clear(key);
  const notified = await deps.notifier.notify(citizen, 'password_changed');
  await deps.audit.record({
    type: 'citizen.password_changed',
    outcome: 'success',
    reason: 'self_service',
    citizenId: citizen.id,
    clientAddress: input.clientAddress,
    details: { ...ended, notifiedBySms: notified.sms, notifiedByEmail: notified.email },
  });
  return { ok: true };
}
