// Builds the core services from config, store and clock; shared by the server and the command line.
import type { Config } from '../config/index.ts';
import { createAuditLog } from './core/audit.ts';
import type { Clock } from './core/clock.ts';
import { createLoginAttempts } from './core/login/attempts.ts';
import { createPasswordHasher, type PasswordHasher } from './core/passwords/hasher.ts';
import { createThrottle } from './core/throttle.ts';
import type { Store } from './stores/index.ts';

export function createServices(config: Config, store: Store, clock: Clock, hasher: PasswordHasher = createPasswordHasher()) {
  const audit = createAuditLog(store, clock);
  const throttle = createThrottle(store, clock);
  const attempts = createLoginAttempts(store, clock, config.login.attemptTtlSeconds);
  return {
    audit,
    hasher,
    throttle,
    attempts,
    passwordStep: { store, hasher, throttle, audit, clock, config },
    citizenDeps: { store, hasher, clock, audit, passwordRules: config.password },
    adminDeps: { store, clock, audit },
  };
}
export type Services = ReturnType<typeof createServices>;
