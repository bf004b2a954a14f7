// What a bench scenario is: a function that does one whole flow for one fresh browser, against one
// registered webdienst. New scenarios (Midden, SSO, SAML) are a new file in bench/flows/ and a line
// in bench/flows/index.ts; the runner, statistics and report stay as they are.
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

export interface Scenario {
  name: string;
  description: string;
  /** One full flow; throws (preferably a FlowError) when the server answers something unexpected. */
  run(ctx: FlowContext): Promise<void>;
}
