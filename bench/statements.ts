// The SQL statements the server sent, read from its /metrics counter (src/stores/statement-counter.ts):
// the bench reads it at both edges of a measurement window and around one flow run alone. With
// `serve --workers N` each scrape reaches one worker only, so the bench counts with one process only.
import { statementKinds, type StatementCounts } from '../src/stores/index.ts';

const metricName = 'poortwachter_database_statements_total';

export async function readStatementCounts(baseUrl: string): Promise<StatementCounts> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const counts = Object.fromEntries(statementKinds.map((kind) => [kind, 0])) as StatementCounts;
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${metricName}\\{kind="([a-z]+)"\\} (\\d+)`).exec(line);
    if (match && (statementKinds as readonly string[]).includes(match[1]!))
      counts[match[1] as keyof StatementCounts] = Number(match[2]);
  }
  return counts;
}

export function difference(after: StatementCounts, before: StatementCounts): StatementCounts {
  return Object.fromEntries(statementKinds.map((kind) => [kind, after[kind] - before[kind]])) as StatementCounts;
}

export const totalStatements = (counts: StatementCounts): number =>
  statementKinds.reduce((sum, kind) => sum + counts[kind], 0);

export const writeStatements = (counts: StatementCounts): number => counts.insert + counts.update + counts.delete;

/** "28 (12 select, 6 insert, ...)": the kinds that occurred. */
export function describeCounts(counts: StatementCounts): string {
  const kinds = statementKinds.filter((kind) => counts[kind] > 0).map((kind) => `${counts[kind]} ${kind}`);
  return `${totalStatements(counts)} (${kinds.join(', ') || 'none'})`;
}
