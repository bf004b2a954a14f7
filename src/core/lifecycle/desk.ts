// The help desk's handling of an account (every action audited, reason 'desk'): end it, lift the
// password-failure limit, send a new activation or recovery letter to the registered address.
import { LetterGatewayError } from '../letters/letter-gateway.ts';
import { newId } from '../ids.ts';
import { addressLines, PopulationRegisterError } from '../register/population-register.ts';
import type { AccountRequestRow, CitizenRow } from '../../stores/index.ts';
import { PoortwachterError } from '../errors.ts';
import type { LifecycleDeps } from './deps.ts';
import { endAccount } from './end-account.ts';
import { formatLetterCode, generateLetterCode, hashLetterCode } from './letter-code.ts';
import { sendRecoveryLetter } from './recovery.ts';

export async function deactivateAccount(deps: LifecycleDeps, citizen: CitizenRow) {
  const ended = await deps.store.inTransaction((trx) => endAccount(trx, citizen.id, deps.clock.now()));
  const notified = await deps.notifier.notify(citizen, 'account_ended');
  await deps.audit.record({
    type: 'citizen.revoked',
    outcome: 'success',
    reason: 'desk',
    citizenId: citizen.id,
    details: { ...ended, notifiedBySms: notified.sms, notifiedByEmail: notified.email },
  });
  return ended;
}

/** Lifts the password-failure limit (NIST SP 800-63B 5.2.2: recovery after the consecutive failures). */
async function registeredAddressOf(deps: LifecycleDeps, bsn: string) {
  try {
    const person = await deps.register.lookup(bsn);
    if (!person)
      throw new PoortwachterError('desk.no_address', {
        logMessage: 'the population register has no Dutch address of residence for this account',
      });
    return person;
  } catch (error) {
    if (error instanceof PopulationRegisterError)
      throw new PoortwachterError('desk.register_unavailable', { status: 503, logMessage: error.message });
    throw error;
  }
}

export async function sendDeskRecoveryLetter(deps: LifecycleDeps, citizen: CitizenRow) {
  const person = await registeredAddressOf(deps, citizen.bsn);
  const sent = await sendRecoveryLetter(deps, citizen, person.name, addressLines(person.address));
  if (!sent.ok)
    throw new PoortwachterError('letters.unavailable', {
      status: 503,
      logMessage: 'the recovery letter could not be written',
    });
  await deps.audit.record({
    type: 'citizen.recovery_request',
    outcome: 'success',
    reason: 'desk',
    citizenId: citizen.id,
    details: { letter: sent.letterId },
  });
  return sent;
}

/** A new activation letter for a waiting request: a new code, the old one stops working. */
export async function sendDeskActivationLetter(deps: LifecycleDeps, request: AccountRequestRow) {
  const now = deps.clock.now();
  if (request.status !== 'pending' || request.expiresAt <= now)
    throw new PoortwachterError('desk.no_pending_request', {
      logMessage: `the request of ${request.username} is ${request.status}, not waiting`,
    });
  const person = await registeredAddressOf(deps, request.bsn);
  const code = generateLetterCode();
  const codeId = newId();
  const previous = await deps.store.findLetterCodeOfRequest(request.id);
  await deps.store.insertLetterCode({
    id: codeId,
    purpose: 'activation',
    requestId: request.id,
    citizenId: null,
    codeHash: hashLetterCode(deps.codeHashKey, codeId, code),
    wrongTries: 0,
    createdAt: now,
    expiresAt: request.expiresAt,
    usedAt: null,
    revokedAt: null,
  });
  try {
    await deps.letters.send({
      id: codeId,
      kind: 'activation',
      recipient: { name: person.name, addressLines: addressLines(person.address) },
      code: formatLetterCode(code),
      expiresAt: request.expiresAt,
      useAt: `${deps.config.publicUrl}/activeren`,
      createdAt: now,
    });
  } catch (error) {
    if (error instanceof LetterGatewayError)
      throw new PoortwachterError('letters.unavailable', { status: 503, logMessage: error.message });
    throw error;
  }
  await deps.audit.record({
    type: 'account.activation_letter',
    outcome: 'success',
    reason: 'desk',
    details: { request: request.id, letter: codeId, replacedLetter: previous?.id ?? null },
  });
  return { letterId: codeId, expiresAt: request.expiresAt };
}
