// Closed-loop load: `concurrency` workers each run one flow after another with a fresh browser.
// A warm-up first (not counted), then a measurement window that ends after `durationMs` or after
// `maxFlows` measured flows, whichever comes first; a flow counts when it ends inside the window.
// After the window no new flow starts; flows still running are awaited and ignored.
import { performance } from 'node:perf_hooks';
import { BenchBrowser } from './browser.ts';
import type { BenchTarget, Scenario } from './flows/scenario.ts';
import { StepTimes } from './stats.ts';

export interface LoadOptions {
  scenario: Scenario;
  target: BenchTarget;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  maxFlows: number;
  /** Called at the start and the end of the measurement window (for CPU counters). */
  onWindow?: (edge: 'start' | 'end') => void;
}

export interface LoadResult {
  scenario: string;
  concurrency: number;
  /** performance.now() at the start and end of the measurement window. */
  windowStart: number;
  windowEnd: number;
  windowMs: number;
  flows: number;
  errors: number;
  errorSamples: Map<string, number>;
  latenciesMs: number[];
  steps: StepTimes;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { scenario, target, concurrency } = options;
  const latenciesMs: number[] = [];
  const errorSamples = new Map<string, number>();
  const steps = new StepTimes();
  let errors = 0;
  let measuring = false;
  let stopped = false;
  let windowStart = 0;
  let windowEnd = 0;

  const endWindow = () => {
    if (stopped) return;
    stopped = true;
    windowEnd = performance.now();
    options.onWindow?.('end');
  };

  const warmupTimer = setTimeout(() => {
    measuring = true;
    windowStart = performance.now();
    options.onWindow?.('start');
    setTimeout(endWindow, options.durationMs).unref();
  }, options.warmupMs);

  async function worker(): Promise<void> {
    while (!stopped) {
      const browser = new BenchBrowser(target.baseUrl);
      const flowSteps: Array<[string, number]> = [];
      const started = performance.now();
      try {
        await scenario.run({
          target,
          browser,
          async step(name, fn) {
            const at = performance.now();
            const result = await fn();
            flowSteps.push([name, performance.now() - at]);
            return result;
          },
        });
        const ended = performance.now();
        if (measuring && !stopped) {
          latenciesMs.push(ended - started);
          for (const [name, ms] of flowSteps) steps.add(name, ms);
          if (latenciesMs.length >= options.maxFlows) endWindow();
        }
      } catch (error) {
        if (measuring && !stopped) {
          errors += 1;
          const message = (error as Error).message.slice(0, 200);
          errorSamples.set(message, (errorSamples.get(message) ?? 0) + 1);
        }
        if (!measuring && errors === 0 && errorSamples.size === 0) {
          // An error during warm-up is kept too, so a broken setup is visible in the report.
          errorSamples.set(`(warm-up) ${(error as Error).message.slice(0, 200)}`, 1);
        }
      }
    }
  }

  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(warmupTimer);
  return {
    scenario: scenario.name,
    concurrency,
    windowStart,
    windowEnd,
    windowMs: windowEnd - windowStart,
    flows: latenciesMs.length,
    errors,
    errorSamples,
    latenciesMs,
    steps,
  };
}
