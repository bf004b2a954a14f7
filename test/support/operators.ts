// Operators of the admin console for tests: made through the core (as `poortwachter admin add` does),
// with the TOTP keys the server uses, and their authenticator app's codes computed as the app would.
import { generate } from 'otplib';
import type { Clock } from '../../src/core/clock.ts';
import { systemClock } from '../../src/core/clock.ts';
import { loadTotpKeys } from '../../src/core/keys.ts';
import { createPasswordHasher } from '../../src/core/passwords/hasher.ts';
import { addOperator, disableOperator } from '../../src/core/operators/operator-accounts.ts';
import { createTotpSecretBox } from '../../src/core/second-factor/totp-secret-box.ts';
import { createAuditLog } from '../../src/core/audit.ts';
import type { Config } from '../../config/index.ts';
import type { Store } from '../../src/stores/index.ts';
import { randomBytes } from 'node:crypto';

export interface TestOperator {
  username: string;
  displayName: string;
  password: string;
  totpSecret: string;
}

export async function operatorDeps(server: { config: Config; store: Store }, clock: Clock = systemClock) {
  return {
    store: server.store,
    hasher: createPasswordHasher(1),
    secrets: createTotpSecretBox(await loadTotpKeys(server.config, server.store, clock)),
    clock,
    audit: createAuditLog(server.store, clock),
    passwordRules: server.config.password,
    issuer: 'Poortwachter beheer',
  };
}

export async function addTestOperator(
  server: { config: Config; store: Store },
  options: { username?: string; displayName?: string } = {},
): Promise<TestOperator> {
  const username = options.username ?? `beheerder-${randomBytes(3).toString('hex')}`;
  const displayName = options.displayName ?? `Beheerder ${username}`;
  const password = `beheer-${randomBytes(8).toString('hex')}-sleutel`;
  const added = await addOperator(await operatorDeps(server), { username, displayName, password });
  return { username, displayName, password, totpSecret: added.totpSecret };
}

export async function disableTestOperator(server: { config: Config; store: Store }, username: string): Promise<void> {
  await disableOperator(await operatorDeps(server), username);
}

/** The code the authenticator app shows at a moment (RFC 6238, 30-second steps). */
export function operatorCode(operator: TestOperator, at: number = Date.now()): Promise<string> {
  return generate({ secret: operator.totpSecret, epoch: Math.floor(at / 1000) });
}
