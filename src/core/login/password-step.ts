// The password step (Basis). Every failure looks the same to the outside (SECURITY-TESTS.md 4):
// unknown username, wrong password, suspended account and a password that needs recovery all answer
// "invalid_credentials" after the same amount of hashing work. Only the audit log knows the reason.
import type { Config } from '../../../config/index.ts';
import type { CitizenRow, Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import { normaliseUsername } from '../citizens.ts';
import type { Clock } from '../clock.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import { exceedsMaximumLength, normalisePassword } from '../passwords/policy.ts';
import type { Throttle } from '../throttle.ts';

export type PasswordStepResult =
  | { ok: true; citizen: CitizenRow }
  | { ok: false; reason: 'invalid_credentials' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export interface PasswordStepDeps {
  store: Pick<Store, 'findCitizenByUsername' | 'markPasswordRecoveryRequired'>;
  hasher: PasswordHasher;
  throttle: Throttle;
  audit: AuditLog;
  clock: Clock;
  config: Pick<Config, 'password' | 'throttle'>;
}

export interface PasswordAttempt {
  username: string;
  password: string;
  clientAddress: string;
  webdienstId?: string;
}

export async function checkPassword(deps: PasswordStepDeps, attempt: PasswordAttempt): Promise<PasswordStepResult> {
  const username = normaliseUsername(attempt.username).slice(0, 200);
  const accountKey = `account:${username}`;
  const addressKey = `address:${attempt.clientAddress}`;
  const event = { type: 'login.password', webdienstId: attempt.webdienstId, clientAddress: attempt.clientAddress };

  const keys: [string, string] = [addressKey, accountKey];
  const verdicts = await deps.throttle.checkBoth(keys);
  const accountHasFailures = verdicts[1].hasFailures;
  for (const [at, verdict] of verdicts.entries()) {
    const key = keys[at];
    if (verdict.blocked) {
      await deps.audit.record({
        ...event,
        outcome: 'failure',
        reason: key === accountKey ? 'throttled_account' : 'throttled_address',
      });
      return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
    }
  }

  const refuse = async (reason: string, citizen?: CitizenRow): Promise<PasswordStepResult> => {
    await deps.throttle.recordFailure(addressKey, deps.config.throttle.address);
    const count = await deps.throttle.recordFailure(accountKey, deps.config.throttle.account);
    await deps.audit.record({ ...event, outcome: 'failure', reason, citizenId: citizen?.id });
    if (
      citizen &&
      !citizen.passwordRecoveryRequired &&
      count.consecutiveFailures >= deps.config.throttle.recoveryAfterFailures
    ) {
      await deps.store.markPasswordRecoveryRequired(citizen.id, deps.clock.now());
      await deps.audit.record({
        type: 'citizen.password_recovery_required',
        outcome: 'info',
        citizenId: citizen.id,
        reason: 'consecutive_failures',
        details: { failures: count.consecutiveFailures },
      });
    }
    return { ok: false, reason: 'invalid_credentials' };
  };

  // SECURITY-TESTS.md 2: refused before hashing, so an oversized password costs no CPU.
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
  if (citizen.passwordRecoveryRequired) return refuse('password_recovery_required', citizen);

  if (accountHasFailures) await deps.throttle.recordSuccess(accountKey);
  await deps.audit.record({ ...event, outcome: 'success', citizenId: citizen.id });
  return { ok: true, citizen };
}
