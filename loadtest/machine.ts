// The machine the load test ran on, described as bench/results.md describes it, plus how busy it was
// before the run started (the machine is shared; a busy one makes flows slower, not fail).
import { loadavg } from 'node:os';
import { describeMachine as describeBenchMachine } from '../bench/machine.ts';

export function describeMachine(): Record<string, string> {
  return {
    ...describeBenchMachine(),
    'load average before the run (1/5/15 min)': loadavg()
      .map((value) => value.toFixed(2))
      .join(' / '),
  };
}
