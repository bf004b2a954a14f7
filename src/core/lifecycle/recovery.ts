// Recovery of an account by letter ("Wachtwoord vergeten?", "Telefoon kwijt?"): the citizen proves the
// same details as for a request; a recovery code goes by letter to the registered address, replacing
// any earlier one. The account keeps working until the code is used. Using it sets a new password
// (the old one stops working and the password-failure limit is lifted, NIST SP 800-63B 5.2.2),
// optionally removes phone and app, ends every session, and the citizen is told on every channel.
import { accountThrottleKey } from '../login/password-step.ts';
import { normaliseUsername } from '../citizens.ts';
import { PoortwachterError } from '../errors.ts';
import { newId } from '../ids.ts';
import { LetterGatewayError } from '../letters/letter-gateway.ts';
import { assertAcceptablePassword, normalisePassword } from '../passwords/policy.ts';
import { addressLines, PopulationRegisterError } from '../register/population-register.ts';
import type { CitizenRow } from '../../stores/index.ts';
import { bsnKey } from './account-requests.ts';
import { clientNetwork } from './client-network.ts';
import type { FieldError, LifecycleDeps } from './deps.ts';
import { takeGuessSlots } from './guess-slots.ts';
import {
  formatLetterCode,
  generateLetterCode,
  hashLetterCode,
  letterCodeMatches,
  normaliseLetterCode,
} from './letter-code.ts';
import { countAgainstLimit } from './rate-limit.ts';
import { identityFieldErrors, matchesRegister, typedDetails, type TypedIdentity } from './register-match.ts';

export type RecoveryRequestOutcome =
  | { ok: true; expiresAt: number }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }
  | { ok: false; reason: 'mismatch' | 'no_account' | 'unavailable' };

const day = 86_400_000;

export async function requestRecovery(
  deps: LifecycleDeps,
  input: TypedIdentity & { reason: 'password' | 'phone'; clientAddress: string },
): Promise<RecoveryRequestOutcome> {
  const { store, clock, config } = deps;
  const settings = config.accountRequest;
  const event = { type: 'citizen.recovery_request', clientAddress: input.clientAddress };
  const errors = identityFieldErrors(input);
  if (errors.length) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'invalid_input' });
    return { ok: false, reason: 'invalid', errors };
  }
  for (const [key, limit, reason] of [
    [`recovery:network:${clientNetwork(input.clientAddress)}`, settings.perNetwork, 'throttled_network'],
    [`recovery:bsn:${bsnKey(deps.codeHashKey, input.bsn)}`, settings.perBsn, 'throttled_bsn'],
  ] as const) {
    const verdict = await countAgainstLimit(store, clock, key, limit);
    if (!verdict.allowed) {
      await deps.audit.record({ ...event, outcome: 'failure', reason });
      return { ok: false, reason: 'throttled', retryAfterSeconds: verdict.retryAfterSeconds };
    }
  }
  let person;
  try {
    person = await deps.register.lookup(input.bsn);
  } catch (error) {
    if (!(error instanceof PopulationRegisterError)) throw error;
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'register_unavailable' });
    return { ok: false, reason: 'unavailable' };
  }
  if (!person || !matchesRegister(person, typedDetails(input))) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'register_mismatch' });
    return { ok: false, reason: 'mismatch' };
  }
  const citizen = await store.findActiveCitizenByBsn(input.bsn);
  if (!citizen || citizen.status !== 'active') {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'no_account' });
    return { ok: false, reason: 'no_account' };
  }
  const sent = await sendRecoveryLetter(deps, citizen, person.name, addressLines(person.address));
  if (!sent.ok) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'letter_unavailable', citizenId: citizen.id });
    return { ok: false, reason: 'unavailable' };
  }
  const notified = await deps.notifier.notify(citizen, 'recovery_requested');
  await deps.audit.record({
    ...event,
    outcome: 'success',
    citizenId: citizen.id,
    details: {
      reason: input.reason,
      letter: sent.letterId,
      notifiedBySms: notified.sms,
      notifiedByEmail: notified.email,
    },
  });
  return { ok: true, expiresAt: sent.expiresAt };
}

/** A new recovery code by letter; earlier unused ones stop working. Also the help desk's `citizen letter --kind recovery`. */
export async function sendRecoveryLetter(
  deps: LifecycleDeps,
  citizen: CitizenRow,
  name: string,
  lines: string[],
): Promise<{ ok: true; letterId: string; expiresAt: number } | { ok: false }> {
  const now = deps.clock.now();
  const expiresAt = now + deps.config.accountRequest.activationCodeTtlDays * day;
  const code = generateLetterCode();
  const codeId = newId();
  await deps.store.inTransaction(async (trx) => {
    await trx.revokeLetterCodesOfCitizen(citizen.id, 'recovery', now);
    await trx.insertLetterCode({
      id: codeId,
      purpose: 'recovery',
      requestId: null,
      citizenId: citizen.id,
      codeHash: hashLetterCode(deps.codeHashKey, codeId, code),
      wrongTries: 0,
      createdAt: now,
      expiresAt,
      usedAt: null,
      revokedAt: null,
    });
  });
  try {
    await deps.letters.send({
      id: codeId,
      kind: 'recovery',
      recipient: { name, addressLines: lines },
      code: formatLetterCode(code),
      expiresAt,
      useAt: `${deps.config.publicUrl}/herstellen/code`,
      createdAt: now,
    });
  } catch (error) {
    if (!(error instanceof LetterGatewayError)) throw error;
    await deps.store.revokeLetterCodesOfCitizen(citizen.id, 'recovery', deps.clock.now());
    return { ok: false };
  }
  return { ok: true, letterId: codeId, expiresAt };
}

export type RecoveryOutcome =
  | { ok: true; citizen: CitizenRow; secondFactorsRemoved: boolean }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }
  | { ok: false; reason: 'wrong_code'; triesLeft: number }
  | { ok: false; reason: 'unknown' | 'code_dead' };

export async function useRecoveryCode(
  deps: LifecycleDeps,
  input: {
    username: string;
    code: string;
    password: string;
    passwordRepeat: string;
    removeSecondFactors: boolean;
    clientAddress: string;
  },
): Promise<RecoveryOutcome> {
  const { store, clock, config, throttle } = deps;
  const event = { type: 'citizen.recovery', clientAddress: input.clientAddress };
  const maxTries = config.accountRequest.maxWrongCodeTries;
  const username = normaliseUsername(input.username);
  try {
    assertAcceptablePassword(input.password, config.password, { username });
  } catch (error) {
    if (!(error instanceof PoortwachterError)) throw error;
    return { ok: false, reason: 'invalid', errors: [{ field: 'password', code: error.code, params: error.details }] };
  }
  if (input.password !== input.passwordRepeat)
    return {
      ok: false,
      reason: 'invalid',
      errors: [{ field: 'passwordRepeat', code: 'request.password_repeat_mismatch' }],
    };

  // The guess takes its slot before the code is compared (guess-slots.ts), and so does the code's try.
  const addressKey = `recovery:address:${input.clientAddress}`;
  const addressSlot = await takeGuessSlots(throttle, [{ key: addressKey, rule: config.throttle.network }]);
  if (!addressSlot.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled_address' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: addressSlot.retryAfterSeconds };
  }
  const citizen = await store.findCitizenByUsername(username);
  const letterCode = citizen?.status === 'active' ? await store.findLiveRecoveryCode(citizen.id) : undefined;
  const now = clock.now();
  if (!citizen || !letterCode) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'no_live_code', citizenId: citizen?.id });
    return { ok: false, reason: 'unknown' };
  }
  const codeDead = async (): Promise<RecoveryOutcome> => {
    await addressSlot.giveBack();
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'code_dead', citizenId: citizen.id });
    return { ok: false, reason: 'code_dead' };
  };
  if (letterCode.wrongTries >= maxTries || letterCode.expiresAt <= now) return codeDead();
  const tries = await store.reserveLetterCodeTry(letterCode.id, maxTries);
  if (tries === undefined) return codeDead();
  const code = normaliseLetterCode(input.code);
  if (!code || !letterCodeMatches(deps.codeHashKey, letterCode.id, code, letterCode.codeHash)) {
    await deps.audit.record({
      ...event,
      outcome: 'failure',
      reason: 'wrong_code',
      citizenId: citizen.id,
      details: { tries },
    });
    if (tries >= maxTries) return { ok: false, reason: 'code_dead' };
    return { ok: false, reason: 'wrong_code', triesLeft: maxTries - tries };
  }
  await addressSlot.giveBack();

  const passwordHash = await deps.hasher.hash(normalisePassword(input.password));
  const removed = input.removeSecondFactors && (citizen.phone !== null || citizen.totpSecret !== null);
  const ended = await store.inTransaction(async (trx) => {
    if (!(await trx.useLetterCode(letterCode.id, now))) return undefined;
    await trx.replaceCitizenPassword(citizen.id, passwordHash, now);
    if (input.removeSecondFactors) {
      await trx.updateCitizenPhone(citizen.id, null, now);
      await trx.updateCitizenTotpSecret(citizen.id, null, now);
    }
    return {
      endedOidcSessions: await trx.deleteOidcSessionsOfAccount(citizen.id),
      endedSsoSessions: await trx.endSsoSessionsOfCitizen(citizen.id, now),
      endedAccountSessions: await trx.deleteAccountSessionsOfCitizen(citizen.id),
    };
  });
  if (!ended) return { ok: false, reason: 'code_dead' };
  // The password-failure limit ends with the new password (the login throttle's per-account key).
  await throttle.clear(accountThrottleKey(citizen.username));
  // Told on the channels the account had before the change: a thief who holds the phone hears, and so does the owner.
  const password = await deps.notifier.notify(citizen, 'password_changed');
  const factors = removed ? await deps.notifier.notify(citizen, 'second_factor_removed') : undefined;
  await deps.audit.record({
    ...event,
    outcome: 'success',
    citizenId: citizen.id,
    details: {
      secondFactorsRemoved: removed,
      notifiedBySms: password.sms,
      notifiedByEmail: password.email,
      ...ended,
    },
  });
  await deps.audit.record({
    type: 'citizen.password_changed',
    outcome: 'success',
    reason: 'recovery',
    citizenId: citizen.id,
    clientAddress: input.clientAddress,
  });
  if (factors)
    await deps.audit.record({
      type: 'citizen.second_factors_removed',
      outcome: 'success',
      reason: 'recovery',
      citizenId: citizen.id,
      clientAddress: input.clientAddress,
    });
  return { ok: true, citizen: (await store.findCitizenById(citizen.id))!, secondFactorsRemoved: removed };
}
