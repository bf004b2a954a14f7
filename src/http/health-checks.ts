// What /readyz checks: the database answers, the signing keys are loaded, and the schema
// is at the latest migration. A reason says what is wrong in words an operator can act on, and never
// holds a secret (no connection string, no key material): the endpoint is public.
import type { InstanceKeys } from '../core/keys.ts';
import type { Store } from '../stores/index.ts';

export interface ReadinessCheck {
  name: string;
  /** Resolves with nothing when ready; throws an Error whose message is the public reason. */
  run(): Promise<void>;
}

/** A driver error in public words: its code (ECONNREFUSED, 57P03, ...) at most, never its message. */
function publicReason(error: unknown, what: string): Error {
  const code = (error as { code?: unknown }).code;
  return new Error(typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `${what} (${code})` : what);
}

export function readinessChecks(deps: {
  store: Pick<Store, 'ping' | 'pendingMigrations'>;
  keys: Pick<InstanceKeys, 'signingKeys' | 'cookieKeys'>;
}): ReadinessCheck[] {
  // Applied migrations are not taken back while we run: once current, the check stays cheap.
  let migrationsCurrent = false;
  return [
    {
      name: 'database',
      async run() {
        await deps.store.ping().catch((error: unknown) => {
          throw publicReason(error, 'the database does not answer');
        });
      },
    },
    {
      name: 'keys',
      // Nothing to wait for, but still a rejected promise rather than a throw, as ReadinessCheck promises.
      run() {
        if (deps.keys.signingKeys.length === 0 || deps.keys.cookieKeys.length === 0)
          return Promise.reject(new Error('no signing or cookie keys loaded'));
        return Promise.resolve();
      },
    },
    {
      name: 'migrations',
      async run() {
        if (migrationsCurrent) return;
        const pending = await deps.store.pendingMigrations().catch((error: unknown) => {
          throw publicReason(error, 'the migrations could not be read');
        });
        if (pending.length) throw new Error(`${pending.length} migration(s) pending: run poortwachter migrate`);
        migrationsCurrent = true;
      },
    },
  ];
}
