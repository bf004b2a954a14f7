// An operator's login to the admin console: username, password AND the authenticator app's code in
// one step, so there is no half-logged-in state to skip past. Every failure looks the same from
// outside (only the audit trail knows the reason), so a right password with a wrong code tells an
// attacker nothing.
//
// Guesses are bounded before anything is checked (core/throttle.ts reserve): per client network,
// per username for passwords, and per username for codes (NIST SP 800-63B 5.2.2). A code is accepted
// once: its time step is claimed in the database, so the same code is refused afterwards, in any
// process (RFC 6238 section 5.2).
import { verify } from 'otplib';
import type { OperatorRow, Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import type { Clock } from '../clock.ts';
import { clientNetwork } from '../login/client-network.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import { exceedsMaximumLength, normalisePassword, type PasswordRules } from '../passwords/policy.ts';
import { TotpSecretUnreadable, type TotpSecretBox } from '../second-factor/totp-secret-box.ts';
import type { Reservation, Throttle, ThrottleRule } from '../throttle.ts';
import { normaliseOperatorUsername } from './operator-accounts.ts';
import { operatorActor, operatorSecretOwner } from './operator-secret.ts';

export interface OperatorLoginDeps {
  store: Pick<Store, 'findOperatorByUsername' | 'claimOperatorTotpStep'>;
  hasher: PasswordHasher;
  throttle: Throttle;
  secrets: TotpSecretBox;
  clock: Clock;
  audit: AuditLog;
  passwordRules: PasswordRules;
}

export interface OperatorLoginAttempt {
  username: string;
  password: string;
  code: string;
  clientAddress: string;
}

export type OperatorLoginResult =
  | { ok: true; operator: OperatorRow }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/** A handful of operators, each with a password manager: few free failures, long delays after. */
export const operatorGuessRules: Record<'network' | 'password' | 'code', ThrottleRule> = {
  network: { freeFailures: 30, baseDelaySeconds: 2, maxDelaySeconds: 900, windowSeconds: 3600 },
  password: { freeFailures: 5, baseDelaySeconds: 5, maxDelaySeconds: 900, windowSeconds: 3600 },
  code: { freeFailures: 5, baseDelaySeconds: 30, maxDelaySeconds: 900, windowSeconds: 900 },
};

export const operatorThrottleKeys = (username: string, clientAddress: string) => ({
  network: `operator:network:${clientNetwork(clientAddress)}`,
  password: `operator:password:${username}`,
  code: `operator:code:${username}`,
});

type Stage = keyof typeof operatorGuessRules;
const stages: Stage[] = ['network', 'password', 'code'];

async function codeMatches(
  deps: OperatorLoginDeps,
  operator: OperatorRow,
  submitted: string,
): Promise<'ok' | 'wrong' | 'reused'> {
  const token = submitted.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return 'wrong';
  let secret: string;
  try {
    secret = deps.secrets.open(operatorSecretOwner(operator.id), operator.totpSecret);
  } catch (error) {
    if (error instanceof TotpSecretUnreadable) return 'wrong';
    throw error;
  }
  // One step either side (RFC 6238 section 5.2: a small window for clock drift and typing time).
  const result = await verify({ secret, token, epoch: Math.floor(deps.clock.now() / 1000), epochTolerance: 30 });
  if (!result.valid || !('timeStep' in result)) return 'wrong';
  return (await deps.store.claimOperatorTotpStep(operator.id, Number(result.timeStep))) ? 'ok' : 'reused';
}

export async function checkOperatorLogin(
  deps: OperatorLoginDeps,
  attempt: OperatorLoginAttempt,
): Promise<OperatorLoginResult> {
  const username = normaliseOperatorUsername(attempt.username).slice(0, 64);
  const keys = operatorThrottleKeys(username, attempt.clientAddress);
  const event = { type: 'operator.login', clientAddress: attempt.clientAddress };

  const slots = {} as Record<Stage, Reservation>;
  for (const stage of stages) {
    const reservation = await deps.throttle.reserve(keys[stage], operatorGuessRules[stage]);
    if (!reservation.allowed) {
      for (const taken of Object.values(slots)) await deps.throttle.release(taken);
      await deps.audit.record({ ...event, outcome: 'failure', reason: `throttled_${stage}` });
      return { ok: false, reason: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
    }
    slots[stage] = reservation;
  }

  /** A failure counts against the network and the factor that failed; the other factor's slot is given back. */
  const refuse = async (reason: string, failed: 'password' | 'code', operator?: OperatorRow) => {
    await deps.throttle.release(failed === 'password' ? slots.code : slots.password);
    await deps.audit.record({
      ...event,
      outcome: 'failure',
      reason,
      ...(operator ? { details: { operator: operatorActor(operator.username) } } : {}),
    });
    return { ok: false, reason: 'invalid_credentials' } as const;
  };

  // Refused before hashing, so an oversized password costs no CPU.
  if (attempt.password.length === 0 || exceedsMaximumLength(attempt.password, deps.passwordRules))
    return refuse('password_length', 'password');
  const password = normalisePassword(attempt.password);
  const operator = await deps.store.findOperatorByUsername(username);
  if (!operator) {
    await deps.hasher.verifyDummy(password);
    return refuse('unknown_username', 'password');
  }
  if (!(await deps.hasher.verify(operator.passwordHash, password)))
    return refuse('wrong_password', 'password', operator);
  if (operator.disabledAt !== null) return refuse('operator_disabled', 'password', operator);
  const code = await codeMatches(deps, operator, attempt.code);
  if (code !== 'ok') return refuse(code === 'reused' ? 'code_reused' : 'wrong_code', 'code', operator);

  await deps.throttle.clear(keys.password);
  await deps.throttle.clear(keys.code);
  await deps.throttle.release(slots.network);
  await deps.audit.record({ ...event, outcome: 'success', details: { operator: operatorActor(operator.username) } });
  return { ok: true, operator };
}
