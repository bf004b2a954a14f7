// Activating a requested account with the code from the letter: username, password and code. The
// code is single use, works activationCodeTtlDays days and dies after maxWrongCodeTries wrong tries
// (with the right password); wrong passwords are throttled like logins, per request and per client
// address. Until the password is proven the answer says nothing about the request. At activation an
// older account of the same BSN ends (one account per BSN) and is told so.
import { newId } from '../ids.ts';
import { normaliseUsername } from '../citizens.ts';
import { exceedsMaximumLength, normalisePassword } from '../passwords/policy.ts';
import type { CitizenRow } from '../../stores/index.ts';
import type { LifecycleDeps } from './deps.ts';
import { endAccount, type EndedSessions } from './end-account.ts';
import { takeGuessSlots } from './guess-slots.ts';
import { letterCodeMatches, normaliseLetterCode } from './letter-code.ts';

export interface ActivationInput {
  username: string;
  password: string;
  code: string;
  clientAddress: string;
}

export type ActivationRefusal =
  | 'invalid_credentials'
  | 'code_format'
  | 'wrong_code'
  | 'code_dead'
  | 'code_expired'
  | 'already_activated'
  | 'superseded';

export type ActivationOutcome =
  | { ok: true; citizen: CitizenRow; replacedAccount: boolean }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }
  | { ok: false; reason: 'wrong_code'; triesLeft: number }
  | { ok: false; reason: Exclude<ActivationRefusal, 'wrong_code'> };

export async function activateAccount(deps: LifecycleDeps, input: ActivationInput): Promise<ActivationOutcome> {
  const { store, clock, config, throttle } = deps;
  const event = { type: 'account.activation', clientAddress: input.clientAddress };
  const addressKey = `activation:address:${input.clientAddress}`;
  const maxTries = config.accountRequest.maxWrongCodeTries;

  // Each password guess takes its slot before the hash is checked (guess-slots.ts).
  const addressSlot = await takeGuessSlots(throttle, [{ key: addressKey, rule: config.throttle.network }]);
  if (!addressSlot.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled_address' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: addressSlot.retryAfterSeconds };
  }
  const refuse = async (reason: string): Promise<ActivationOutcome> => {
    await deps.audit.record({ ...event, outcome: 'failure', reason });
    return { ok: false, reason: 'invalid_credentials' };
  };

  if (exceedsMaximumLength(input.password, config.password) || input.password.length === 0)
    return refuse('password_length');
  const password = normalisePassword(input.password);
  const request = await store.findLatestAccountRequestByUsername(normaliseUsername(input.username));
  if (!request) {
    await deps.hasher.verifyDummy(password);
    return refuse('unknown_username');
  }
  const requestKey = `activation:request:${request.id}`;
  const requestSlot = await takeGuessSlots(throttle, [{ key: requestKey, rule: config.throttle.account }]);
  if (!requestSlot.allowed) {
    await addressSlot.giveBack();
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled_request' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: requestSlot.retryAfterSeconds };
  }
  if (!(await deps.hasher.verify(request.passwordHash, password))) return refuse('wrong_password');
  await addressSlot.giveBack();
  await requestSlot.giveBack();

  // The password is proven: from here the citizen may hear what is wrong with the request.
  const stop = async (reason: Exclude<ActivationRefusal, 'wrong_code'>): Promise<ActivationOutcome> => {
    await deps.audit.record({ ...event, outcome: 'failure', reason, details: { request: request.id } });
    return { ok: false, reason };
  };
  if (request.status === 'activated') return stop('already_activated');
  if (request.status === 'superseded') return stop('superseded');
  const now = clock.now();
  if (request.status === 'expired' || request.expiresAt <= now) {
    await store.markAccountRequestExpired(request.id, now);
    return stop('code_expired');
  }
  const letterCode = await store.findLetterCodeOfRequest(request.id);
  if (!letterCode || letterCode.usedAt !== null) return stop('already_activated');
  if (letterCode.wrongTries >= maxTries) return stop('code_dead');
  if (letterCode.expiresAt <= now) return stop('code_expired');
  const code = normaliseLetterCode(input.code);
  if (!code) return stop('code_format');
  // The try is counted before the comparison, so parallel guesses stay within maxTries.
  const tries = await store.reserveLetterCodeTry(letterCode.id, maxTries);
  if (tries === undefined) return stop('code_dead');
  if (!letterCodeMatches(deps.codeHashKey, letterCode.id, code, letterCode.codeHash)) {
    if (tries >= maxTries) return stop('code_dead');
    await deps.audit.record({
      ...event,
      outcome: 'failure',
      reason: 'wrong_code',
      details: { request: request.id, tries },
    });
    return { ok: false, reason: 'wrong_code', triesLeft: maxTries - tries };
  }

  const citizenId = newId();
  const applied = await store.inTransaction(async (trx) => {
    if (!(await trx.useLetterCode(letterCode.id, now))) return undefined;
    if (!(await trx.markAccountRequestActivated(request.id, citizenId, now))) return undefined;
    const previous = await trx.findActiveCitizenByBsn(request.bsn);
    const ended: EndedSessions | undefined = previous ? await endAccount(trx, previous.id, now) : undefined;
    await trx.insertCitizen({
      id: citizenId,
      username: request.username,
      passwordHash: request.passwordHash,
      bsn: request.bsn,
      phone: null,
      status: 'active',
      locale: request.locale,
      createdAt: now,
      updatedAt: now,
    });
    return { previous, ended };
  });
  if (!applied) return stop('already_activated');

  await throttle.clear(requestKey);
  const citizen = (await store.findCitizenById(citizenId))!;
  if (applied.previous) {
    const notified = await deps.notifier.notify(applied.previous, 'account_ended');
    await deps.audit.record({
      type: 'citizen.revoked',
      outcome: 'success',
      reason: 'replaced_by_new_account',
      citizenId: applied.previous.id,
      clientAddress: input.clientAddress,
      details: { ...applied.ended, notifiedBySms: notified.sms, notifiedByEmail: notified.email },
    });
  }
  await deps.audit.record({
    ...event,
    outcome: 'success',
    citizenId,
    details: { request: request.id, replacedAccount: Boolean(applied.previous) },
  });
  await deps.audit.record({ type: 'citizen.created', outcome: 'success', citizenId, reason: 'activated' });
  return { ok: true, citizen, replacedAccount: Boolean(applied.previous) };
}
