// The operators of the admin console: created, listed and disabled from the command line only (the
// console cannot make operators, so a stolen console session cannot make itself a second account).
// Every operator has a password (argon2id, the citizens' policy: NIST SP 800-63B 3.1.1.2) AND an
// authenticator app (TOTP, RFC 6238), whose secret is sealed at rest like the citizens' secrets.
import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI } from 'otplib';
import type { OperatorRow, Store } from '../../stores/index.ts';
import type { AuditLog } from '../audit.ts';
import type { Clock } from '../clock.ts';
import { ValidationError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import { assertAcceptablePassword, normalisePassword, type PasswordRules } from '../passwords/policy.ts';
import type { TotpSecretBox } from '../second-factor/totp-secret-box.ts';
import { operatorActor, operatorSecretOwner } from './operator-secret.ts';

export interface OperatorAccountDeps {
  store: Pick<
    Store,
    'insertOperator' | 'findOperatorByUsername' | 'listOperators' | 'disableOperator' | 'deleteOperatorSessionsOf'
  >;
  hasher: PasswordHasher;
  secrets: TotpSecretBox;
  clock: Clock;
  audit: AuditLog;
  passwordRules: PasswordRules;
  /** The name the authenticator app shows above the code. */
  issuer: string;
}

export interface NewOperator {
  username: string;
  displayName: string;
  /** Left out: a strong one is generated and returned once. */
  password?: string;
}

export interface AddedOperator {
  operator: OperatorRow;
  /** Only when generated: shown once, stored nowhere in the clear. */
  generatedPassword?: string;
  /** The otpauth:// URI for the authenticator app, and its secret for typing in; shown once. */
  otpauthUri: string;
  totpSecret: string;
}

export function normaliseOperatorUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** 24 random bytes: 32 characters of base64url, far past any guessing. */
const generatePassword = (): string => randomBytes(24).toString('base64url');

export async function addOperator(deps: OperatorAccountDeps, input: NewOperator): Promise<AddedOperator> {
  const username = normaliseOperatorUsername(input.username);
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username))
    throw new ValidationError(
      'operator.invalid_username',
      'an operator username is 2 to 64 lower-case letters, digits, dots, dashes or underscores',
    );
  const displayName = input.displayName.trim();
  if (displayName.length < 2 || displayName.length > 200)
    throw new ValidationError('operator.invalid_name', "an operator's name must be 2 to 200 characters");
  if (await deps.store.findOperatorByUsername(username))
    throw new ValidationError('operator.username_taken', `an operator named ${username} already exists`);
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  const password = input.password ?? generatedPassword!;
  assertAcceptablePassword(password, deps.passwordRules, { username });

  const id = newId();
  const totpSecret = generateSecret();
  const sealed = deps.secrets.seal(operatorSecretOwner(id), totpSecret);
  const now = deps.clock.now();
  const operator: OperatorRow = {
    id,
    username,
    displayName,
    passwordHash: await deps.hasher.hash(normalisePassword(password)),
    totpSecret: sealed.value,
    totpKeyId: sealed.keyId,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.insertOperator(operator);
  await deps.audit.record({
    type: 'operator.added',
    outcome: 'success',
    // The account the event is about; who made it is the actor (`cli`).
    details: { operatorAccount: operatorActor(username), name: displayName },
  });
  return {
    operator,
    ...(generatedPassword ? { generatedPassword } : {}),
    otpauthUri: generateURI({ issuer: deps.issuer, label: username, secret: totpSecret }),
    totpSecret,
  };
}

export function listOperators(deps: Pick<OperatorAccountDeps, 'store'>): Promise<OperatorRow[]> {
  return deps.store.listOperators();
}

/** Disables an operator and ends every session of theirs at once. */
export async function disableOperator(deps: OperatorAccountDeps, username: string): Promise<OperatorRow> {
  const operator = await deps.store.findOperatorByUsername(normaliseOperatorUsername(username));
  if (!operator) throw new ValidationError('operator.unknown', `no operator named ${username}`);
  if (operator.disabledAt !== null) return operator;
  const at = deps.clock.now();
  await deps.store.disableOperator(operator.id, at);
  const ended = await deps.store.deleteOperatorSessionsOf(operator.id);
  await deps.audit.record({
    type: 'operator.disabled',
    outcome: 'success',
    details: { operatorAccount: operatorActor(operator.username), sessionsEnded: ended },
  });
  return { ...operator, disabledAt: at, updatedAt: at };
}
