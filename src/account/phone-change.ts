// Changing the phone number the SMS codes go to. The change is applied only
// after the citizen proved the CURRENT second factor (a step-up login at Midden for the same
// citizen); then the old number hears of it and every other session of the citizen ends, so whoever
// may have changed it cannot keep using sessions opened before.
import type { CitizenRow } from '../stores/index.ts';
import { maskPhoneNumber } from '../core/second-factor/sms-gateway.ts';
import { isLocale, translator } from '../http/i18n.ts';
import type { LoginResult } from '../core/login/login-request.ts';
import { levels, satisfies } from '../core/levels.ts';
import type { AccountDeps } from './deps.ts';

/** Whether the citizen has a second factor to prove the change with (an SMS number we may send to, or an app). */
export function hasSecondFactor(deps: Pick<AccountDeps, 'oneTimeCodes'>, citizen: CitizenRow): boolean {
  return deps.oneTimeCodes.isNumberAllowed(citizen.phone) || citizen.totpSecret !== null;
}

/** The step-up proves the change only when it authenticated this very citizen at Midden or higher. */
export function provesSecondFactor(result: LoginResult, citizen: CitizenRow): boolean {
  return (
    result.outcome === 'authenticated' && result.citizenId === citizen.id && satisfies(result.level, levels.midden)
  );
}

export interface AppliedPhoneChange {
  endedOidcSessions: number;
  endedAccountSessions: number;
  endedSsoSessions: number;
  oldNumberNotified: boolean;
}

export async function applyPhoneChange(
  deps: Pick<AccountDeps, 'store' | 'sms' | 'audit' | 'clock'>,
  change: { citizen: CitizenRow; newPhone: string; keepAccountSessionId: string; clientAddress: string },
): Promise<AppliedPhoneChange> {
  const { citizen, newPhone } = change;
  const oldPhone = citizen.phone;
  const ended = await deps.store.inTransaction(async (store) => {
    await store.updateCitizenPhone(citizen.id, newPhone, deps.clock.now());
    return {
      endedOidcSessions: await store.deleteOidcSessionsOfAccount(citizen.id),
      endedSsoSessions: await store.endSsoSessionsOfCitizen(citizen.id, deps.clock.now()),
      endedAccountSessions: await store.deleteAccountSessionsOfCitizen(citizen.id, change.keepAccountSessionId),
    };
  });
  // After the commit: the message says it happened. A gateway failure does not undo a change the
  // citizen proved with the second factor; the audit event records that the old number was not told.
  let oldNumberNotified = false;
  if (oldPhone) {
    const text = translator(isLocale(citizen.locale) ? citizen.locale : 'nl')('sms.phone_changed');
    try {
      await deps.sms.send({ to: oldPhone, text, purpose: 'phone_changed' });
      oldNumberNotified = true;
    } catch {
      oldNumberNotified = false;
    }
  }
  await deps.audit.record({
    type: 'citizen.phone_changed',
    outcome: 'success',
    reason: 'self_service',
    citizenId: citizen.id,
    clientAddress: change.clientAddress,
    // Masked numbers only: the audit log is read by more people than the citizen.
    details: {
      from: oldPhone ? maskPhoneNumber(oldPhone) : null,
      to: maskPhoneNumber(newPhone),
      oldNumberNotified,
      ...ended,
    },
  });
  return { ...ended, oldNumberNotified };
}
