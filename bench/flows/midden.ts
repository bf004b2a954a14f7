// One OIDC login at level Midden (password + SMS code), as a browser and a webdienst do it:
//   GET /auth?...&acr_values=<Midden URI> -> 303 /interaction/:uid -> 303 /inloggen/:attemptId -> 200 password form
//   POST form (username, password; Origin) -> 303 /inloggen/:attemptId/code -> 200 code page (the SMS is sent
//   into the outbox) -> the code read from the outbox store IN THE BENCH PROCESS (listOutboxSms on the
//   server's database) -> POST code -> 303 /interaction/:uid -> 303 /auth/:uid -> 303 redirect_uri?code
//   POST /token -> ID token, whose acr must be the Midden URI.
//
// The server sends at most sendsPerAccount codes per account and sendsPerAddress per client address
// (all bench traffic comes from 127.0.0.1). The bench raises both within the config schema
// (serverConfig, below) and spreads the flows over a pool of citizens with their own phone numbers:
// a citizen is in one flow at a time (the newest outbox message for its number is then this flow's
// code), and the pool keeps every citizen under its send limit (a sliding window counted in this
// process, which never allows more than the server's fixed window). With the pool of 200 that allows
// 200 x 20 codes a minute; the address limit allows 10 000 a minute (~160 Midden flows/s) — past
// that the flows would wait for the pool (reported) or fail with 429.
import { loadConfig } from '../../config/index.ts';
import { isValidBsn } from '../../src/core/bsn.ts';
import { addCitizen } from '../../src/core/citizens.ts';
import { systemClock } from '../../src/core/clock.ts';
import { levels } from '../../src/core/levels.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/core/passwords/hasher.ts';
import { createServices } from '../../src/services.ts';
import { openStore, type Store } from '../../src/stores/index.ts';
import { FlowError } from '../browser.ts';
import { finishLogin, formAction, startLogin, submitForm } from './oidc.ts';
import type { FlowContext, Scenario } from './scenario.ts';

const poolSize = 200;
const poolPassword = 'kiezelpad-zomerregen-bench-2026';
/** Fictitious BSNs from the 9999 range reserved for tests, above the seeded test citizens. */
const firstBsn = 999_950_000;

interface PoolCitizen {
  username: string;
  phone: string;
  /** When this process last let the citizen go after a flow that may have sent a code (ms since epoch). */
  sends: number[];
  /** The newest outbox message already used: a flow's code must come from a newer one. */
  lastOutboxId: number;
}

/** Citizens handed out one flow at a time, least recently used first, each within its SMS send limit. */
class CitizenPool {
  private readonly idle: PoolCitizen[];
  private waiters: Array<() => void> = [];
  /** How often a flow found no citizen free with sends left, and had to wait. */
  waits = 0;

  constructor(
    citizens: PoolCitizen[],
    private readonly limit: { max: number; windowSeconds: number },
  ) {
    this.idle = [...citizens];
  }

  private hasSendsLeft(citizen: PoolCitizen, now: number): boolean {
    // A send is stamped when its flow ends (at or after the server counted it), so the server's fixed
    // window, which starts at one of its own sends, never holds a send this window has forgotten; one
    // second of margin for rounding.
    const from = now - this.limit.windowSeconds * 1000 - 1000;
    while (citizen.sends.length && citizen.sends[0]! <= from) citizen.sends.shift();
    return citizen.sends.length < this.limit.max;
  }

  async acquire(): Promise<PoolCitizen> {
    for (;;) {
      const now = Date.now();
      const index = this.idle.findIndex((citizen) => this.hasSendsLeft(citizen, now));
      if (index >= 0) return this.idle.splice(index, 1)[0]!;
      this.waits += 1;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  release(citizen: PoolCitizen): void {
    citizen.sends.push(Date.now());
    this.idle.push(citizen);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Hashes each password once: every pool citizen gets the same argon2id hash (a login verifies it all the same). */
function hashingOnce(hasher: PasswordHasher): PasswordHasher {
  const hashes = new Map<string, Promise<string>>();
  return {
    hash(password) {
      let hash = hashes.get(password);
      if (!hash) hashes.set(password, (hash = hasher.hash(password)));
      return hash;
    },
    verify: (passwordHash, password) => hasher.verify(passwordHash, password),
    verifyDummy: (password) => hasher.verifyDummy(password),
    get queueLength() {
      return hasher.queueLength;
    },
  };
}

/** The code this flow's GET /inloggen/:id/code put in the outbox: the newest message to the citizen's number. */
async function codeFromOutbox(store: Store, citizen: PoolCitizen): Promise<string> {
  const [message] = await store.listOutboxSms({ to: citizen.phone, limit: 1 });
  if (!message || message.id <= citizen.lastOutboxId) throw new FlowError('outbox', `no new SMS to ${citizen.phone}`);
  citizen.lastOutboxId = message.id;
  const code = /\b(\d{6})\b/.exec(message.text)?.[1];
  if (!code) throw new FlowError('outbox', `no 6-digit code in "${message.text.slice(0, 80)}"`);
  return code;
}

async function middenFlow(ctx: FlowContext, pool: CitizenPool, store: Store): Promise<void> {
  const citizen = await pool.acquire();
  try {
    // Authorization request asking Midden, through the interaction, to the password form.
    const { flow, page } = await startLogin(ctx, { acr_values: levels.midden.uri });
    // The password; the server moves the attempt to the code page, which sends the SMS.
    const codePage = await submitForm(flow, formAction(flow, page, 'password', 'login page'), {
      username: citizen.username,
      password: poolPassword,
    });
    if (codePage.status !== 200)
      throw new FlowError(
        'code page',
        `expected the code page, got ${codePage.status} ${codePage.location ?? codePage.body.replace(/\s+/g, ' ').slice(0, 160)}`,
      );
    const codeUrl = formAction(flow, codePage, 'code', 'code page');
    // The code, as the citizen would read it from the phone: here from the outbox, in this process.
    const code = await ctx.step('outbox read (bench process)', () => codeFromOutbox(store, citizen));
    // Back through the interaction to the webdienst, then the token; the level reached must be Midden.
    const back = await submitForm(flow, codeUrl, { code });
    const claims = await finishLogin(flow, back, 'code');
    if (claims.acr !== levels.midden.uri)
      throw new FlowError('token', `acr is ${String(claims.acr)}, not the Midden URI`);
  } finally {
    pool.release(citizen);
  }
}

export const middenLogin: Scenario = {
  name: 'midden',
  description:
    'OIDC Midden login (authorize with acr_values Midden -> password -> SMS code from the outbox -> code -> token)',
  // Within the config schema's ranges (config/index.ts): 20 codes a minute per account, 10 000 per address.
  serverConfig: {
    secondFactor: {
      sendsPerAccount: { max: 20, windowSeconds: 60 },
      sendsPerAddress: { max: 10_000, windowSeconds: 60 },
    },
  },
  async prepare(setup) {
    const config = loadConfig(setup.serverEnv);
    const store = openStore(setup.databaseUrl, { poolSize: 4 });
    try {
      const { citizenDeps } = createServices(config, store, systemClock, hashingOnce(createPasswordHasher()));
      const citizens: PoolCitizen[] = [];
      let bsn = firstBsn;
      for (let k = 1; k <= Math.max(poolSize, 2 * setup.maxConcurrency); k += 1) {
        while (!isValidBsn(String(bsn))) bsn += 1;
        const citizen = {
          username: `bench-midden-${k}`,
          phone: `+3162${String(k).padStart(7, '0')}`,
          sends: [],
          lastOutboxId: 0,
        };
        await addCitizen(citizenDeps, {
          username: citizen.username,
          password: poolPassword,
          bsn: String(bsn),
          phone: citizen.phone,
        });
        bsn += 1;
        citizens.push(citizen);
      }
      const pool = new CitizenPool(citizens, config.secondFactor.sendsPerAccount);
      return {
        scenario: {
          ...middenLogin,
          description: `${middenLogin.description}; ${citizens.length} citizens`,
          run: (ctx) => middenFlow(ctx, pool, store),
        },
        async close() {
          if (pool.waits)
            process.stdout.write(
              `midden: flows waited ${pool.waits} times for a citizen with SMS sends left (the pool of ${citizens.length} was too small for this rate)\n`,
            );
          await store.close();
        },
      };
    } catch (error) {
      await store.close();
      throw error;
    }
  },
  run() {
    return Promise.reject(new Error('the midden scenario needs prepare() (its citizens and the outbox store)'));
  },
};
