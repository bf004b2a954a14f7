// Every flow of the load test with when it ran and how it ended, whatever phase it fell in. The
// bench's runLoad counts only its measurement window; the load test needs each flow on a time line
// to say which ones a fault could have touched, so each scenario is wrapped to write here. After a
// failed flow the wrapper pauses before the load generator starts the next one, as a citizen would
// before trying again: a closed loop that retries at once would count hundreds of instant failures
// per second while the database is down and measure nothing but its own speed.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Scenario } from '../bench/flows/scenario.ts';

export interface FlowRecord {
  scenario: string;
  /** Date.now() at the start and the end of the flow. */
  startedAt: number;
  endedAt: number;
  ok: boolean;
  error?: string;
}

export class FlowLog {
  readonly flows: FlowRecord[] = [];

  constructor(private readonly pauseAfterFailureMs: number) {}

  /** The same scenario, writing each flow it runs into this log. */
  wrap(scenario: Scenario): Scenario {
    return {
      ...scenario,
      run: async (ctx) => {
        const startedAt = Date.now();
        try {
          await scenario.run(ctx);
          this.flows.push({ scenario: scenario.name, startedAt, endedAt: Date.now(), ok: true });
        } catch (error) {
          this.flows.push({
            scenario: scenario.name,
            startedAt,
            endedAt: Date.now(),
            ok: false,
            error: shortError(error as Error),
          });
          await sleep(this.pauseAfterFailureMs);
          throw error;
        }
      },
    };
  }
}

/** One line per error; an HTML error page shortened to its title. */
function shortError(error: Error): string {
  const message = error.message.replace(/\s+/g, ' ');
  const page = /^(.*?)<!doctype html>(?:.*?<title>([^<]*)<\/title>)?/i.exec(message);
  return (page ? `${page[1]}(HTML page${page[2] ? ` "${page[2].trim()}"` : ''})` : message).slice(0, 160);
}
