// The load test's time line: quiet phases and fault windows. A fault window runs from the moment the
// fault is injected until every worker answers /readyz 200 again, plus a grace period (flows that
// were waiting on a broken connection or a retry need a moment to finish or fail). A flow belongs to
// a fault window when any part of it overlaps the window, even if it started before or ended after:
// a fault may have touched it. Every other flow belongs to the quiet phase it started in.
import type { FlowRecord } from './flow-log.ts';

export interface FaultWindow {
  /** Short name, also the phase name: "worker kill", "postgres restart". */
  name: string;
  /** What was done, for the report. */
  description: string;
  startedAt: number;
  /** When every worker answered /readyz 200 again. */
  readyAt: number;
  /** readyAt + the grace period. */
  endsAt: number;
  /** Steps with their times (killed, restarted, ...), for the report. */
  events: Array<{ at: number; what: string }>;
}

export function quietPhaseName(index: number, faults: number): string {
  if (index === 0) return 'before';
  if (index === faults) return 'after';
  return faults === 2 ? 'between' : `between ${index}`;
}

export function phaseOf(flow: FlowRecord, windows: readonly FaultWindow[]): string {
  const touched = windows.find((window) => flow.startedAt < window.endsAt && flow.endedAt > window.startedAt);
  if (touched) return touched.name;
  const before = windows.filter((window) => window.endsAt <= flow.startedAt).length;
  return quietPhaseName(before, windows.length);
}

export function isFaultPhase(phase: string, windows: readonly FaultWindow[]): boolean {
  return windows.some((window) => window.name === phase);
}

/** Every phase with its time span, in order. */
export function phaseSpans(
  windows: readonly FaultWindow[],
  loadStartedAt: number,
  loadEndedAt: number,
): Array<{ name: string; from: number; to: number }> {
  const spans: Array<{ name: string; from: number; to: number }> = [];
  windows.forEach((window, i) => {
    spans.push({
      name: quietPhaseName(i, windows.length),
      from: i === 0 ? loadStartedAt : windows[i - 1]!.endsAt,
      to: window.startedAt,
    });
    spans.push({ name: window.name, from: window.startedAt, to: window.endsAt });
  });
  spans.push({
    name: quietPhaseName(windows.length, windows.length),
    from: windows.at(-1)?.endsAt ?? loadStartedAt,
    to: loadEndedAt,
  });
  return spans;
}
