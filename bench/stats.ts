// Small statistics and table helpers for the bench report.

/** Nearest-rank percentile (p in 0..100) of an unsorted list; NaN for an empty list. */
export function percentile(values: readonly number[], p: number, sorted = false): number {
  if (values.length === 0) return Number.NaN;
  const list = sorted ? values : [...values].sort((a, b) => a - b);
  const rank = Math.min(list.length, Math.max(1, Math.ceil((p / 100) * list.length)));
  return list[rank - 1]!;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarise(values: readonly number[]): LatencySummary {
  const list = [...values].sort((a, b) => a - b);
  const sum = list.reduce((total, value) => total + value, 0);
  return {
    count: list.length,
    mean: list.length ? sum / list.length : Number.NaN,
    p50: percentile(list, 50, true),
    p90: percentile(list, 90, true),
    p99: percentile(list, 99, true),
    max: list.length ? list[list.length - 1]! : Number.NaN,
  };
}

/** Collects durations per step name (insertion order kept, so steps print in flow order). */
export class StepTimes {
  readonly byStep = new Map<string, number[]>();
  add(step: string, ms: number): void {
    let list = this.byStep.get(step);
    if (!list) this.byStep.set(step, (list = []));
    list.push(ms);
  }
}

export const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '-');

export type Align = 'left' | 'right';

/** A plain-text table with a header rule; numbers are right-aligned by the caller's `align`. */
export function textTable(header: string[], rows: string[][], align: Align[] = []): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (align[i] === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** The same table as GitHub Markdown. */
export function markdownTable(header: string[], rows: string[][], align: Align[] = []): string {
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
