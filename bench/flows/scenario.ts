// What a bench scenario is: a function that does one whole flow for one fresh browser, against one
// registered webdienst. New scenarios (Midden, SSO, SAML) are a new file in bench/flows/ and a line
// in bench/flows/index.ts; the runner, statistics and report stay as they are. A scenario that needs
// more than the bench webdienst and its Basis citizen (its own accounts, a store opened in the bench
// process, other server limits) says so with serverConfig and prepare.
import type { BenchBrowser } from '../browser.ts';

/** The webdienst and citizen a scenario logs in with (registered by bench/server-process.ts). */
export interface BenchTarget {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  citizen: { username: string; password: string };
}

export interface FlowContext {
  target: BenchTarget;
  browser: BenchBrowser;
  /** Times one step (one HTTP exchange, usually) under a name, for the per-step breakdown. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

/** What prepare gets: the running server, once the bench webdienst is registered. */
export interface ScenarioSetup {
  target: BenchTarget;
  /** The server's database; the bench process may open it too (openStore from src/stores). */
  databaseUrl: string;
  /** The server's environment (POORTWACHTER_ENV, DATABASE_URL, POORTWACHTER_CONFIG, ...), for loadConfig. */
  serverEnv: NodeJS.ProcessEnv;
  /** The highest concurrency the scenario will run at (pools must serve that many flows at once). */
  maxConcurrency: number;
}

export interface PreparedScenario {
  /** The scenario to measure, bound to what prepare made. */
  scenario: Scenario;
  /** Releases what prepare opened (stores); called before the server stops. */
  close(): Promise<void>;
}

export interface Scenario {
  name: string;
  description: string;
  /** A flow without a password check (SSO): no ratio to the argon2id rate. */
  checksNoPassword?: boolean;
  /** Configuration the server needs for this scenario; the bench writes it into a POORTWACHTER_CONFIG file. */
  serverConfig?: Record<string, unknown>;
  /** Once per bench run, before the smoke test: accounts, stores. Without it run() is used as is. */
  prepare?(setup: ScenarioSetup): Promise<PreparedScenario>;
  /** One full flow; throws (preferably a FlowError) when the server answers something unexpected. */
  run(ctx: FlowContext): Promise<void>;
}

/**
 * The one bench citizen logs in 8 to 32 times at once from one address. A password check holds a
 * guess slot of its account until it is done (core/throttle.ts), so the per-account limits, made for
 * guesses, would count those parallel logins; the bench raises them (within the config schema).
 */
export const parallelLoginsOfOneCitizen = {
  throttle: {
    account: { freeFailures: 1000 },
    accountNetwork: { freeFailures: 1000 },
    network: { freeFailures: 1000 },
  },
};
