// The citizen's own removal of a second factor and end of the account at Mijn Poortwachter. Both
// need a session that reached Midden when the account has a second factor (the factor is proven
// again), and ending also asks the password again. Every change is told and audited.
import type { AccountSessionRow, CitizenRow } from '../../stores/index.ts';
import { normalisePassword, exceedsMaximumLength } from '../passwords/policy.ts';
import type { LifecycleDeps } from './deps.ts';
import { endAccount } from './end-account.ts';
import { takeGuessSlots } from './guess-slots.ts';

const hasSecondFactor = (citizen: CitizenRow) => citizen.phone !== null || citizen.totpSecret !== null;
const provedSecondFactor = (session: AccountSessionRow, citizen: CitizenRow) =>
  !hasSecondFactor(citizen) || session.level !== 'basis';

export async function removeSecondFactor(
  deps: LifecycleDeps,
  input: { session: AccountSessionRow; citizen: CitizenRow; factor: 'phone' | 'app'; clientAddress: string },
): Promise<{ ok: true } | { ok: false; reason: 'second_factor_needed' | 'nothing_to_remove' }> {
  const { citizen } = input;
  const event = { type: 'citizen.second_factor_removal', citizenId: citizen.id, clientAddress: input.clientAddress };
  if (!provedSecondFactor(input.session, citizen)) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'second_factor_needed' });
    return { ok: false, reason: 'second_factor_needed' };
  }
  if ((input.factor === 'phone' ? citizen.phone : citizen.totpSecret) === null)
    return { ok: false, reason: 'nothing_to_remove' };
  const now = deps.clock.now();
  if (input.factor === 'phone') await deps.store.updateCitizenPhone(citizen.id, null, now);
  else await deps.store.updateCitizenTotpSecret(citizen.id, null, now);
  const notified = await deps.notifier.notify(citizen, 'second_factor_removed');
  await deps.audit.record({
    ...event,
    outcome: 'success',
    details: { factor: input.factor, notifiedBySms: notified.sms, notifiedByEmail: notified.email },
  });
  return { ok: true };
}

export async function endOwnAccount(
  deps: LifecycleDeps,
  input: { session: AccountSessionRow; citizen: CitizenRow; password: string; clientAddress: string },
): Promise<{ ok: true } | { ok: false; reason: 'wrong_password' | 'second_factor_needed' }> {
  const { citizen } = input;
  const event = { type: 'citizen.end_account', citizenId: citizen.id, clientAddress: input.clientAddress };
  if (!provedSecondFactor(input.session, citizen)) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'second_factor_needed' });
    return { ok: false, reason: 'second_factor_needed' };
  }
  const key = `end-account:${citizen.id}`;
  // The password guess takes its slot before the hash is checked (guess-slots.ts); while the key
  // waits out a delay the answer is the same as for a wrong password.
  const slot = await takeGuessSlots(deps.throttle, [{ key, rule: deps.config.throttle.account }]);
  if (!slot.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled' });
    return { ok: false, reason: 'wrong_password' };
  }
  const passwordOk =
    input.password.length > 0 &&
    !exceedsMaximumLength(input.password, deps.config.password) &&
    (await deps.hasher.verify(citizen.passwordHash, normalisePassword(input.password)));
  if (!passwordOk) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'wrong_password' });
    return { ok: false, reason: 'wrong_password' };
  }
  await slot.giveBack();
  const ended = await deps.store.inTransaction((trx) => endAccount(trx, citizen.id, deps.clock.now()));
  const notified = await deps.notifier.notify(citizen, 'account_ended_by_citizen');
  await deps.audit.record({
    type: 'citizen.revoked',
    outcome: 'success',
    reason: 'self_service',
    citizenId: citizen.id,
    clientAddress: input.clientAddress,
    details: { ...ended, notifiedBySms: notified.sms, notifiedByEmail: notified.email },
  });
  return { ok: true };
}
