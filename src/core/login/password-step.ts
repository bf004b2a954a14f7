// The password step (Basis). Every failure looks the same to the outside:
// unknown username, wrong password, suspended account and a blocked password all answer
// "invalid_credentials" after the same amount of hashing work. Only the audit log knows the reason.
//
// Guesses are bounded before the hash runs (core/throttle.ts), per account, per account and client
// network, and per client network; a browser with a device cookie for the account has a budget of
// its own instead of the account's. Past recoveryAfterFailures consecutive failures from elsewhere
// (NIST SP 800-63B 5.2.2) the password alone no longer suffices: the citizen also needs a second
// factor, or, without one, the recovery path or an operator's unblock. Strangers can slow a citizen
// down, never lock the citizen's own browser out.
import type { Config } from '../../../config/index.ts';
import type { CitizenRow, Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import { normaliseUsername } from '../citizens.ts';
import type { Clock } from '../clock.ts';
import { levelByName, levels } from '../levels.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import { exceedsMaximumLength, normalisePassword } from '../passwords/policy.ts';
import { secondFactorMethodsOf } from '../second-factor/methods.ts';
import type { Reservation, Throttle, ThrottleRule } from '../throttle.ts';
import { clientNetwork } from './client-network.ts';

export type PasswordStepResult =
  | { ok: true; citizen: CitizenRow; secondFactorRequired: boolean }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface PasswordStepDeps {
  store: Pick<Store, 'findCitizenByUsername' | 'markPasswordRecoveryRequired' | 'clearPasswordRecoveryRequired'>;
  hasher: PasswordHasher;
  throttle: Throttle;
  audit: AuditLog;
  clock: Clock;
  config: Pick<Config, 'password' | 'throttle' | 'sms'>;
}

export interface PasswordAttempt {
  username: string;
  password: string;
  clientAddress: string;
  webdienstId?: string;
  /** The device id of a valid device cookie for this username (core/login/device-cookie.ts). */
  trustedDevice?: string;
}

interface GuessLimit {
  key: string;
  rule: ThrottleRule;
  reason: string;
  /** Cleared by a successful login (the failures were on this account); else only the slot is given back. */
  clearedBySuccess: boolean;
}

/** Midden and up need the second factor; so does a citizen who asked for it, or whose password is blocked. */
export function secondFactorNeeded(requiredLevel: string, result: { secondFactorRequired: boolean }): boolean {
  return levelByName(requiredLevel).rank >= levels.midden.rank || result.secondFactorRequired;
}

export const accountThrottleKey = (username: string) => `pw:account:${normaliseUsername(username)}`;

function guessLimits(deps: PasswordStepDeps, username: string, attempt: PasswordAttempt): GuessLimit[] {
  const rules = deps.config.throttle;
  const network = clientNetwork(attempt.clientAddress);
  if (attempt.trustedDevice)
    return [
      { key: `pw:device:${attempt.trustedDevice}`, rule: rules.device, reason: 'device', clearedBySuccess: true },
    ];
  return [
    { key: `pw:network:${network}`, rule: rules.network, reason: 'network', clearedBySuccess: false },
    {
      key: `pw:account-network:${username}:${network}`,
      rule: rules.accountNetwork,
      reason: 'account_network',
      clearedBySuccess: true,
    },
    { key: accountThrottleKey(username), rule: rules.account, reason: 'account', clearedBySuccess: true },
  ];
}

export async function checkPassword(deps: PasswordStepDeps, attempt: PasswordAttempt): Promise<PasswordStepResult> {
  const username = normaliseUsername(attempt.username).slice(0, 200);
  const event = { type: 'login.password', webdienstId: attempt.webdienstId, clientAddress: attempt.clientAddress };
  const limits = guessLimits(deps, username, attempt);

  const reservations: Reservation[] = [];
  const current = await deps.throttle.read(limits.map((limit) => limit.key));
  for (const limit of limits) {
    const reservation = await deps.throttle.reserve(limit.key, limit.rule, current.get(limit.key));
    if (!reservation.allowed) {
      // No guess is made: the slots reserved so far are given back.
      for (const taken of reservations) await deps.throttle.release(taken);
      await deps.audit.record({ ...event, outcome: 'failure', reason: `throttled_${limit.reason}` });
      return { ok: false, reason: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
    }
    reservations.push(reservation);
  }
  const accountReservation = attempt.trustedDevice ? undefined : reservations.at(-1);

  const refuse = async (reason: string, citizen?: CitizenRow): Promise<PasswordStepResult> => {
    await deps.audit.record({ ...event, outcome: 'failure', reason, citizenId: citizen?.id });
    const consecutive = accountReservation?.allowed ? accountReservation.consecutiveFailures : 0;
    if (citizen && !citizen.passwordRecoveryRequired && consecutive >= deps.config.throttle.recoveryAfterFailures) {
      await deps.store.markPasswordRecoveryRequired(citizen.id, deps.clock.now());
      await deps.audit.record({
        type: 'citizen.password_recovery_required',
        outcome: 'info',
        citizenId: citizen.id,
        reason: 'consecutive_failures',
        details: { failures: consecutive },
      });
    }
    return { ok: false, reason: 'invalid_credentials' };
  };

  // Refused before hashing, so an oversized password costs no CPU.
  if (exceedsMaximumLength(attempt.password, deps.config.password) || attempt.password.length === 0) {
    return refuse('password_length');
  }
  const password = normalisePassword(attempt.password);
  const citizen = await deps.store.findCitizenByUsername(username);
  if (!citizen) {
    await deps.hasher.verifyDummy(password);
    return refuse('unknown_username');
  }
  const matches = await deps.hasher.verify(citizen.passwordHash, password);
  if (!matches) return refuse('wrong_password', citizen);
  if (citizen.status !== 'active') return refuse(`account_${citizen.status}`, citizen);
  const blocked = citizen.passwordRecoveryRequired && !attempt.trustedDevice;
  const hasSecondFactor = secondFactorMethodsOf(citizen, deps.config.sms.allowedCountryPrefixes).length > 0;
  if (blocked && !hasSecondFactor) return refuse('password_recovery_required', citizen);

  for (const [index, limit] of limits.entries())
    if (!limit.clearedBySuccess) await deps.throttle.release(reservations[index]!);
  await deps.throttle.clearAll(limits.filter((limit) => limit.clearedBySuccess).map((limit) => limit.key));
  await deps.audit.record({
    ...event,
    outcome: 'success',
    citizenId: citizen.id,
    ...(blocked ? { reason: 'second_factor_required_after_failures' } : {}),
  });
  return { ok: true, citizen, secondFactorRequired: blocked || citizen.alwaysSecondFactor };
}

/**
 * Lifts the block that consecutive failures put on the password: after a login with the second
 * factor (the citizen proved possession), or by an operator. Audited.
 */
export async function liftPasswordBlock(
  deps: Pick<PasswordStepDeps, 'store' | 'throttle' | 'audit' | 'clock'>,
  citizen: CitizenRow,
  by: 'second_factor' | 'operator',
): Promise<void> {
  if (!citizen.passwordRecoveryRequired && by === 'second_factor') return;
  await deps.throttle.clear(accountThrottleKey(citizen.username));
  await deps.store.clearPasswordRecoveryRequired(citizen.id, deps.clock.now());
  await deps.audit.record({
    type: 'citizen.password_block_lifted',
    outcome: 'success',
    citizenId: citizen.id,
    reason: by,
  });
}
