// Citizen accounts: a unique username, an argon2id hash, a BSN that passes the
// 11-check, an optional mobile number, and a status.
import type { Config } from '../../config/index.ts';
import type { CitizenRow, CitizenStatus, Store } from '../stores/index.ts';
import type { AuditLog } from './audit.ts';
import { isValidBsn } from './bsn.ts';
import type { Clock } from './clock.ts';
import { ValidationError } from './errors.ts';
import { newId } from './ids.ts';
import type { PasswordHasher } from './passwords/hasher.ts';
import { assertAcceptablePassword, normalisePassword } from './passwords/policy.ts';

export function normaliseUsername(username: string): string {
  return username.normalize('NFC').trim().toLowerCase();
}

const usernamePattern = /^[\p{L}\p{N}._@-]{3,64}$/u;
const phonePattern = /^\+[1-9]\d{7,14}$/;

/** The username rules (after normaliseUsername): 3-64 letters, digits and . _ @ -. */
export function isValidUsername(username: string): boolean {
  return usernamePattern.test(username);
}

export function isValidPhoneNumber(phone: string): boolean {
  return phonePattern.test(phone);
}

export interface NewCitizen {
  username: string;
  password: string;
  bsn: string;
  phone?: string;
  status?: CitizenStatus;
  locale?: 'nl' | 'en';
  /** A fictitious citizen of the development seed: a production start refuses a database holding one. */
  testData?: boolean;
}

export interface CitizenDeps {
  store: Pick<Store, 'insertCitizen' | 'findCitizenByUsername' | 'findActiveCitizenByBsn' | 'updateCitizenPhone'>;
  hasher: PasswordHasher;
  clock: Clock;
  audit: AuditLog;
  passwordRules: Config['password'];
}

/** Checks everything first and writes once: a refused citizen leaves nothing behind. */
export async function addCitizen(deps: CitizenDeps, input: NewCitizen): Promise<CitizenRow> {
  const username = normaliseUsername(input.username);
  if (!usernamePattern.test(username))
    throw new ValidationError('citizen.invalid_username', 'username has characters or a length that is not allowed');
  if (!isValidBsn(input.bsn)) throw new ValidationError('citizen.invalid_bsn', 'BSN fails the 11-check');
  if (input.phone !== undefined && !isValidPhoneNumber(input.phone))
    throw new ValidationError('citizen.invalid_phone', 'phone number is not in international format');
  assertAcceptablePassword(input.password, deps.passwordRules, { username });
  if (await deps.store.findCitizenByUsername(username))
    throw new ValidationError('citizen.username_taken', 'username already in use');
  if (await deps.store.findActiveCitizenByBsn(input.bsn))
    throw new ValidationError('citizen.bsn_taken', 'an account for this BSN already exists');
  const now = deps.clock.now();
  const citizen = {
    id: newId(),
    username,
    passwordHash: await deps.hasher.hash(normalisePassword(input.password)),
    bsn: input.bsn,
    phone: input.phone ?? null,
    status: input.status ?? 'active',
    locale: input.locale ?? 'nl',
    createdAt: now,
    updatedAt: now,
  } satisfies Omit<CitizenRow, 'passwordRecoveryRequired' | 'totpSecret' | 'alwaysSecondFactor'>;
  await deps.store.insertCitizen(citizen, { testData: input.testData === true });
  await deps.audit.record({
    type: 'citizen.created',
    outcome: 'success',
    citizenId: citizen.id,
    ...(input.testData ? { details: { testData: true } } : {}),
  });
  return { ...citizen, passwordRecoveryRequired: false, totpSecret: null, alwaysSecondFactor: false };
}

/** Sets the mobile number SMS codes go to (an operator's action; the citizen's own change is an account page). */
export async function setCitizenPhone(deps: CitizenDeps, username: string, phone: string): Promise<CitizenRow> {
  if (!isValidPhoneNumber(phone))
    throw new ValidationError(
      'citizen.invalid_phone',
      'phone number must be in international format, e.g. +31612345678',
    );
  const citizen = await deps.store.findCitizenByUsername(normaliseUsername(username));
  if (!citizen) throw new ValidationError('citizen.unknown', `no citizen with username ${normaliseUsername(username)}`);
  await deps.store.updateCitizenPhone(citizen.id, phone, deps.clock.now());
  await deps.audit.record({
    type: 'citizen.phone_changed',
    outcome: 'success',
    citizenId: citizen.id,
    reason: 'operator',
  });
  return { ...citizen, phone };
}
