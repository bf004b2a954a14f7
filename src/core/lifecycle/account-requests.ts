// A citizen requests an account: BSN, birth date, postcode and house number are
// checked against the population register, with one answer for every mismatch and for an unknown BSN;
// the chosen username and password (the policy in force) wait with the request; an activation code
// goes by letter to the registered address. One account per BSN: a request for a BSN that has an
// account says so, and the old account ends only when the new one is activated. Requests are
// limited per client network and per BSN.
import { createHmac } from 'node:crypto';
import { isValidUsername, normaliseUsername } from '../citizens.ts';
import { PoortwachterError } from '../errors.ts';
import { newId } from '../ids.ts';
import { LetterGatewayError } from '../letters/letter-gateway.ts';
import { assertAcceptablePassword, normalisePassword } from '../passwords/policy.ts';
import { addressLines, PopulationRegisterError } from '../register/population-register.ts';
import { clientNetwork } from './client-network.ts';
import type { FieldError, LifecycleDeps } from './deps.ts';
import { formatLetterCode, generateLetterCode, hashLetterCode } from './letter-code.ts';
import { countAgainstLimit } from './rate-limit.ts';
import { identityFieldErrors, matchesRegister } from './register-match.ts';

export interface AccountRequestInput {
  bsn: string;
  /** 'YYYY-MM-DD' (00 for unknown parts), or '' when the citizen's text was not a date. */
  birthDate: string;
  postcode: string;
  houseNumber: string;
  houseNumberSuffix: string;
  username: string;
  password: string;
  passwordRepeat: string;
  locale: 'nl' | 'en';
  clientAddress: string;
}

export type AccountRequestOutcome =
  | { ok: true; expiresAt: number; replacesAccount: boolean; supersededRequest: boolean }
  | { ok: false; reason: 'invalid'; errors: FieldError[] }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }
  | { ok: false; reason: 'mismatch' }
  | { ok: false; reason: 'unavailable' };

const day = 86_400_000;

/** The throttle key of a BSN: keyed, so the throttle table holds no BSN. */
export function bsnKey(codeHashKey: string, bsn: string): string {
  return createHmac('sha256', codeHashKey).update(`bsn:${bsn}`).digest('hex').slice(0, 32);
}

function fieldErrors(deps: LifecycleDeps, input: AccountRequestInput, username: string): FieldError[] {
  const errors = identityFieldErrors(input);
  if (!isValidUsername(username)) errors.push({ field: 'username', code: 'request.invalid_username' });
  try {
    assertAcceptablePassword(input.password, deps.config.password, { username });
    if (input.password !== input.passwordRepeat)
      errors.push({ field: 'passwordRepeat', code: 'request.password_repeat_mismatch' });
  } catch (error) {
    if (!(error instanceof PoortwachterError)) throw error;
    errors.push({ field: 'password', code: error.code, params: error.details });
  }
  return errors;
}

export async function requestAccount(deps: LifecycleDeps, input: AccountRequestInput): Promise<AccountRequestOutcome> {
  const { store, clock, config } = deps;
  const settings = config.accountRequest;
  const event = { type: 'account.request', clientAddress: input.clientAddress };
  const username = normaliseUsername(input.username);

  const errors = fieldErrors(deps, input, username);
  if (errors.length) {
    await deps.audit.record({
      ...event,
      outcome: 'failure',
      reason: 'invalid_input',
      details: { fields: errors.map((error) => error.field).join(',') },
    });
    return { ok: false, reason: 'invalid', errors };
  }

  const network = await countAgainstLimit(
    store,
    clock,
    `request:network:${clientNetwork(input.clientAddress)}`,
    settings.perNetwork,
  );
  if (!network.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled_network' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: network.retryAfterSeconds };
  }

  await store.expireAccountRequests(clock.now());
  if ((await store.findCitizenByUsername(username)) || (await store.findPendingAccountRequestByUsername(username))) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'username_taken' });
    return { ok: false, reason: 'invalid', errors: [{ field: 'username', code: 'request.username_taken' }] };
  }

  const perBsn = await countAgainstLimit(
    store,
    clock,
    `request:bsn:${bsnKey(deps.codeHashKey, input.bsn)}`,
    settings.perBsn,
  );
  if (!perBsn.allowed) {
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'throttled_bsn' });
    return { ok: false, reason: 'throttled', retryAfterSeconds: perBsn.retryAfterSeconds };
  }

  let person;
  try {
    person = await deps.register.lookup(input.bsn);
  } catch (error) {
    if (!(error instanceof PopulationRegisterError)) throw error;
    await deps.audit.record({
      ...event,
      outcome: 'failure',
      reason: 'register_unavailable',
      details: { failure: error.reason },
    });
    return { ok: false, reason: 'unavailable' };
  }
  const typed = {
    birthDate: input.birthDate,
    postcode: input.postcode,
    houseNumber: Number(input.houseNumber.trim()),
    houseNumberSuffix: input.houseNumberSuffix,
  };
  if (!person || !matchesRegister(person, typed)) {
    // One reason in the log for both: the audit log is read by more people than the citizen.
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'register_mismatch' });
    return { ok: false, reason: 'mismatch' };
  }

  const existing = await store.findActiveCitizenByBsn(input.bsn);
  const now = clock.now();
  const expiresAt = now + settings.activationCodeTtlDays * day;
  const passwordHash = await deps.hasher.hash(normalisePassword(input.password));
  const code = generateLetterCode();
  const requestId = newId();
  const codeId = newId();
  let superseded: string | undefined;
  try {
    superseded = await store.inTransaction(async (trx) => {
      const earlier = await trx.supersedePendingAccountRequest(input.bsn, now);
      await trx.insertAccountRequest({
        id: requestId,
        bsn: input.bsn,
        username,
        passwordHash,
        locale: input.locale,
        status: 'pending',
        replacesCitizenId: existing?.id ?? null,
        citizenId: null,
        createdAt: now,
        expiresAt,
        updatedAt: now,
      });
      await trx.insertLetterCode({
        id: codeId,
        purpose: 'activation',
        requestId,
        citizenId: null,
        codeHash: hashLetterCode(deps.codeHashKey, codeId, code),
        wrongTries: 0,
        createdAt: now,
        expiresAt,
        usedAt: null,
        revokedAt: null,
      });
      return earlier;
    });
  } catch (error) {
    // Another request took the username between the check and the insert (the unique index).
    if ((await store.findPendingAccountRequestByUsername(username)) || (await store.findCitizenByUsername(username))) {
      await deps.audit.record({ ...event, outcome: 'failure', reason: 'username_taken' });
      return { ok: false, reason: 'invalid', errors: [{ field: 'username', code: 'request.username_taken' }] };
    }
    throw error;
  }

  try {
    await deps.letters.send({
      id: codeId,
      kind: 'activation',
      recipient: { name: person.name, addressLines: addressLines(person.address) },
      code: formatLetterCode(code),
      expiresAt,
      useAt: `${config.publicUrl}/activeren`,
      createdAt: now,
    });
  } catch (error) {
    if (!(error instanceof LetterGatewayError)) throw error;
    // No letter, no request: nothing waits that the citizen cannot finish.
    await store.markAccountRequestExpired(requestId, clock.now());
    await deps.audit.record({ ...event, outcome: 'failure', reason: 'letter_unavailable' });
    return { ok: false, reason: 'unavailable' };
  }

  if (existing) {
    const notified = await deps.notifier.notify(existing, 'account_requested');
    await deps.audit.record({
      type: 'citizen.new_account_requested',
      outcome: 'info',
      citizenId: existing.id,
      clientAddress: input.clientAddress,
      details: { notifiedBySms: notified.sms, notifiedByEmail: notified.email },
    });
  }
  await deps.audit.record({
    ...event,
    outcome: 'success',
    details: {
      request: requestId,
      letter: codeId,
      replacesAccount: Boolean(existing),
      supersededRequest: Boolean(superseded),
    },
  });
  return { ok: true, expiresAt, replacesAccount: Boolean(existing), supersededRequest: Boolean(superseded) };
}
