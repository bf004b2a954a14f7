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
import type { AuditEventRow } from '../../src/stores/index.ts';
import { browserAt } from '../security/helpers.ts';
import type { TestBrowser } from './browser.ts';
import { FakeClock } from './clock.ts';
import type { databaseKinds } from './databases.ts';
import { startTestServer, type TestServer } from './server.ts';

type DatabaseKind = (typeof databaseKinds)[number];

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

export interface ConsoleSession {
  readonly server: TestServer;
  readonly clock: FakeClock;
  readonly operator: TestOperator;
  /** A browser logged in to the console as the operator. */
  readonly browser: TestBrowser;
  get: (path: string) => ReturnType<TestBrowser['get']>;
  post: (path: string, form: Record<string, string>) => ReturnType<TestBrowser['post']>;
  /** The audit events of a type that name this operator. */
  byOperator: (type: string) => Promise<AuditEventRow[]>;
}

/** Registers mocha hooks: a server on a moved clock and an operator logged in to its console. */
export function useConsoleSession(kind: DatabaseKind, displayName = 'Fatima de Beheerder'): ConsoleSession {
  let started: { server: TestServer; clock: FakeClock; operator: TestOperator; browser: TestBrowser } | undefined;
  const current = () => {
    if (!started) throw new Error('the console session is not started (use useConsoleSession inside describe)');
    return started;
  };
  before(async () => {
    const clock = new FakeClock();
    const server = await startTestServer({ kind, clock });
    const operator = await addTestOperator(server, { displayName });
    const browser = browserAt();
    const login = await browser.post(`${server.url}/beheer/inloggen`, {
      username: operator.username,
      password: operator.password,
      code: await operatorCode(operator, clock.now()),
    });
    if (login.status !== 303) throw new Error(`the operator's console login answered ${login.status}`);
    started = { server, clock, operator, browser };
  });
  after(() => started?.server.stop());
  return {
    get server() {
      return current().server;
    },
    get clock() {
      return current().clock;
    },
    get operator() {
      return current().operator;
    },
    get browser() {
      return current().browser;
    },
    get: (path) => current().browser.get(`${current().server.url}${path}`),
    post: (path, form) => current().browser.post(`${current().server.url}${path}`, form),
    byOperator: async (type) =>
      (await current().server.store.listAuditEvents({ type })).filter(
        (event) => event.details.operator === `operator:${current().operator.username}`,
      ),
  };
}
