// The machine the load test ran on, described as bench/results.md describes it, plus how busy it was
// before the run started (the machine is shared; a busy one makes flows slower, not fail).
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export function describeMachine(): Record<string, string> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model,
    cores: `${availableParallelism()} available (${cpus().length} logical)`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    kernel: release(),
    date: new Date().toISOString(),
    'load average before the run (1/5/15 min)': loadavg().map((value) => value.toFixed(2)).join(' / '),
  };
}
