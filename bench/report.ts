// The bench report, as text (stdout) and Markdown (bench/results.md): per server configuration
// (database, number of processes) the flows table, the argon2id rate measured in the same run, the
// ratio against the 65% target, scenario comparisons and per-step times; with more than one
// configuration (`--matrix`) first a summary across them and the 2-process scale-out of SSO flows.
import { availableParallelism } from 'node:os';
import type { AuditAppendResult } from './audit-append.ts';
import type { HashRate } from './hash-rate.ts';
import type { LoadResult } from './load.ts';
import { fixed, markdownTable, summarise, textTable, type Align } from './stats.ts';

export const TARGET_RATIO = 0.65;
export const TARGET_SCALE_OUT = 1.4;

export interface Row {
  result: LoadResult;
  flowsPerSecond: number;
  serverCpuMsPerFlow: number;
  clientCpuMsPerFlow: number;
  serverCpuPercent: number;
  clientCpuPercent: number;
  othersCpuPercent: number;
  /** SQL statements the server sent in the window per flow (NaN when not counted: several processes). */
  statementsPerFlow: number;
  /** Of which INSERT, UPDATE and DELETE. */
  writesPerFlow: number;
}

export interface BenchConfiguration {
  database: 'sqlite' | 'postgres';
  workers: number;
}

export interface ConfigurationResult {
  configuration: BenchConfiguration;
  rows: Row[];
  hashRates: HashRate[];
  /** "name: description" of each scenario as prepared (the SSO one says what one session stores). */
  scenarioLines: string[];
  /** "scenario: 28 (12 select, ...)" per scenario: the statements of one flow run alone. */
  singleFlowStatements: string[];
  /** Names of the scenarios that check no password (no ratio against argon2id). */
  passwordless: Set<string>;
  /** Audit events appended by several writers at once, on a fresh database of the same kind. */
  auditAppends?: AuditAppendResult;
}

export const configurationLabel = ({ database, workers }: BenchConfiguration): string =>
  `${database === 'sqlite' ? 'sqlite' : 'PostgreSQL'}, ${workers} server process${workers > 1 ? 'es' : ''}`;

/** A report in both forms: lines for the terminal and lines for the Markdown file. */
interface Section {
  text: string[];
  markdown: string[];
}

function table(title: string, level: string, header: string[], rows: string[][], align: Align[]): Section {
  return {
    text: [title, textTable(header, rows, align), ''],
    markdown: [`${level} ${title}`, '', markdownTable(header, rows, align), ''],
  };
}

function bullets(title: string | undefined, level: string, lines: string[]): Section {
  return {
    text: [...(title ? [title] : []), ...lines, ''],
    markdown: [...(title ? [`${level} ${title}`, ''] : []), ...lines.map((line) => `- ${line}`), ''],
  };
}

function join(sections: Section[]): Section {
  return {
    text: sections.flatMap((section) => section.text),
    markdown: sections.flatMap((section) => section.markdown),
  };
}

export function verifyRate(hashRates: HashRate[]): HashRate {
  return hashRates.find((rate) => rate.operation === 'verify') ?? hashRates[0]!;
}

/** The error-free run with the most flows per second of one scenario. */
export function bestRow(rows: Row[], scenario: string): Row | undefined {
  return rows
    .filter((row) => row.result.scenario === scenario && row.result.errors === 0)
    .sort((a, b) => b.flowsPerSecond - a.flowsPerSecond)[0];
}

function ratioVerdicts(result: ConfigurationResult): string[] {
  const verify = verifyRate(result.hashRates);
  const verdicts: string[] = [];
  for (const scenario of new Set(result.rows.map((row) => row.result.scenario))) {
    const best = bestRow(result.rows, scenario);
    if (!best) {
      verdicts.push(`${scenario}: no error-free run, no ratio`);
      continue;
    }
    if (result.passwordless.has(scenario)) {
      verdicts.push(
        `${scenario}: no password check in the flow, so no ratio: best ${fixed(best.flowsPerSecond)} flows/s at concurrency ${best.result.concurrency}, server CPU ${fixed(best.serverCpuMsPerFlow)} ms per flow`,
      );
      continue;
    }
    const ratio = best.flowsPerSecond / verify.perSecond;
    // The ceiling if the server were bound by CPU alone: core-time per argon2id check against core-time
    // per flow (server, and server + this load generator). The measured ratio stays below it when
    // something serialises (an event loop, a single database connection) before the cores are full.
    const cpuRatioServer = verify.cpuMsPerOp / best.serverCpuMsPerFlow;
    const cpuRatioAll = verify.cpuMsPerOp / (best.serverCpuMsPerFlow + best.clientCpuMsPerFlow);
    const machinePercent = best.serverCpuPercent + best.clientCpuPercent + best.othersCpuPercent;
    verdicts.push(
      `${scenario}: best ${fixed(best.flowsPerSecond)} flows/s at concurrency ${best.result.concurrency} ÷ ${fixed(verify.perSecond)} argon2id checks/s = ${fixed(ratio * 100)}% ` +
        `(target >= ${TARGET_RATIO * 100}%: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'})`,
      `${scenario}: server CPU per flow ${fixed(best.serverCpuMsPerFlow)} ms = ~${fixed(verify.cpuMsPerOp)} ms argon2id + ~${fixed(best.serverCpuMsPerFlow - verify.cpuMsPerOp)} ms everything else; ` +
        `load generator ${fixed(best.clientCpuMsPerFlow)} ms per flow; the machine was ${fixed(machinePercent / availableParallelism(), 0)}% busy`,
      `${scenario}: CPU ceiling of the ratio (argon2id CPU per check ÷ CPU per flow): ${fixed(cpuRatioAll * 100)}% with the load generator on the same cores, ` +
        `${fixed(cpuRatioServer * 100)}% with the load generator elsewhere`,
    );
  }
  const busiest = Math.max(
    ...result.rows.map((row) => row.othersCpuPercent),
    ...result.hashRates.map((rate) => rate.othersCpuPercent),
  );
  if (busiest > 20) {
    verdicts.push(
      `WARNING: other processes used up to ${fixed(busiest, 0)}% CPU (100% = one core) during the measurements; rates are lower than on a quiet machine; CPU per flow and the CPU ceiling are the steadier figures.`,
    );
  }
  return verdicts;
}

/** Each scenario beside the first one (Basis) at the same concurrency: what the extra steps cost. */
function comparisons(rows: Row[]): string[] {
  const baseline = rows[0]?.result.scenario;
  const lines: string[] = [];
  for (const row of rows.filter((candidate) => candidate.result.scenario !== baseline)) {
    const base = rows.find(
      (candidate) => candidate.result.scenario === baseline && candidate.result.concurrency === row.result.concurrency,
    );
    if (!base) continue;
    lines.push(
      `${row.result.scenario} vs ${baseline} at concurrency ${row.result.concurrency}: ${fixed(row.flowsPerSecond)} vs ${fixed(base.flowsPerSecond)} flows/s = ${fixed((row.flowsPerSecond / base.flowsPerSecond) * 100)}%; ` +
        `p50 ${fixed(summarise(row.result.latenciesMs).p50)} vs ${fixed(summarise(base.result.latenciesMs).p50)} ms; server CPU ${fixed(row.serverCpuMsPerFlow)} vs ${fixed(base.serverCpuMsPerFlow)} ms/flow`,
    );
  }
  return lines;
}

/** Everything measured for one configuration; `level` is the Markdown heading level of its sections. */
export function configurationReport(result: ConfigurationResult, level: string): Section {
  const { rows, hashRates } = result;
  const header = [
    'scenario',
    'concurrency',
    'flows/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'server CPU ms/flow',
    'client CPU ms/flow',
    'SQL statements/flow (writes)',
    'CPU % server/client/others',
  ];
  const align: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];
  const cells = rows.map((row) => {
    const latency = summarise(row.result.latenciesMs);
    return [
      row.result.scenario,
      String(row.result.concurrency),
      fixed(row.flowsPerSecond),
      fixed(latency.p50),
      fixed(latency.p99),
      String(row.result.errors),
      fixed(row.serverCpuMsPerFlow),
      fixed(row.clientCpuMsPerFlow),
      Number.isNaN(row.statementsPerFlow) ? '-' : `${fixed(row.statementsPerFlow)} (${fixed(row.writesPerFlow)})`,
      `${fixed(row.serverCpuPercent, 0)}/${fixed(row.clientCpuPercent, 0)}/${fixed(row.othersCpuPercent, 0)}`,
    ];
  });
  const label = configurationLabel(result.configuration);
  const flows = table(`Login flows (${label})`, level, header, cells, align);
  flows.markdown.push(
    'Server CPU is user + system time of the server process (all threads, so argon2id included) during the measurement window; client is this load generator; others is everything else on the machine (the machine is shared). 100% is one core. SQL statements are those the server sent in the window (its `poortwachter_database_statements_total` counter, BEGIN and COMMIT included) per flow; writes are INSERT, UPDATE and DELETE.',
    '',
  );
  const single = result.singleFlowStatements.length
    ? bullets(`SQL statements of one flow run alone (${label})`, level, result.singleFlowStatements)
    : { text: [], markdown: [] };

  const middenNote = rows.some((row) => row.result.scenario === 'midden')
    ? [
        "Midden is the Basis flow plus the code page (the SMS into the outbox), the outbox read in the bench process (client CPU) and the code check; its citizens are a pool with their own phone numbers, the server's SMS send limits raised for the bench (`secondFactor` in a POORTWACHTER_CONFIG file).",
        '',
      ]
    : [];
  const compared = comparisons(rows);
  const comparisonSection = compared.length
    ? join([{ text: [], markdown: middenNote }, bullets(undefined, level, compared)])
    : { text: [], markdown: [] };

  const hashCells = hashRates.map((rate) => [
    `argon2id ${rate.operation}`,
    String(rate.concurrency),
    fixed(rate.perSecond),
    fixed(rate.meanMs),
    fixed(rate.cpuMsPerOp),
    fixed(rate.othersCpuPercent, 0),
  ]);
  const hash = table(
    `argon2id in the same run (${label}; server parameters m=19456 KiB, t=2, p=1)`,
    level,
    ['operation', 'concurrency', 'per second', 'mean ms', 'CPU ms/op', 'others CPU %'],
    hashCells,
    ['left', 'right', 'right', 'right', 'right', 'right'],
  );
  const ratios = bullets(
    `Ratio flows/s ÷ argon2id checks/s (${label}; target >= ${TARGET_RATIO * 100}%)`,
    level,
    ratioVerdicts(result),
  );

  const firstLevel = (row: Row) =>
    row.result.concurrency ===
    Math.min(
      ...rows.filter((other) => other.result.scenario === row.result.scenario).map((other) => other.result.concurrency),
    );
  const steps = rows.filter(firstLevel).map((row) =>
    table(
      `Per step, ${row.result.scenario} at concurrency ${row.result.concurrency} (${label}; client-observed ms)`,
      level,
      ['step', 'mean', 'p50', 'p99'],
      [...row.result.steps.byStep.entries()].map(([name, times]) => {
        const summary = summarise(times);
        return [name, fixed(summary.mean), fixed(summary.p50), fixed(summary.p99)];
      }),
      ['left', 'right', 'right', 'right'],
    ),
  );
  const errorLines = rows.flatMap((row) =>
    [...row.result.errorSamples.entries()].map(
      ([message, count]) => `${row.result.scenario} c=${row.result.concurrency}: ${count} x ${message}`,
    ),
  );
  const errors = errorLines.length ? bullets(`Errors (${label})`, level, errorLines) : { text: [], markdown: [] };
  const audit = result.auditAppends;
  const auditSection = audit
    ? table(
        `Audit appends (${result.configuration.database === 'sqlite' ? 'sqlite' : 'PostgreSQL'}, a fresh database; each writer its own connection, one append after the other)`,
        level,
        [
          'writers',
          'seconds',
          'appends',
          'appends/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'sealed during / after (ms)',
          'chain afterwards',
        ],
        [
          [
            String(audit.writers),
            fixed(audit.seconds),
            String(audit.appends),
            fixed(audit.perSecond),
            fixed(audit.latencyMs.p50, 2),
            fixed(audit.latencyMs.p99, 2),
            audit.errors ? `${audit.errors}: ${audit.firstError}` : '0',
            `${audit.sealedDuring} / ${audit.sealedAfter} (${fixed(audit.sealAfterMs, 0)})`,
            audit.chainOk ? `verified, ${audit.chainEvents} events` : `NOT VERIFIED (${audit.chainEvents} events)`,
          ],
        ],
        ['right', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'left'],
      )
    : { text: [], markdown: [] };
  if (!rows.length) return auditSection;
  return join([flows, single, comparisonSection, hash, ratios, ...steps, errors, auditSection]);
}

/** Across configurations: flows/s per scenario and concurrency, the ratio per configuration, and SSO scale-out. */
export function matrixReport(results: ConfigurationResult[], level: string): Section {
  const labels = results.map((result) => configurationLabel(result.configuration));
  const keys: Array<[string, number]> = [];
  for (const row of results[0]?.rows ?? []) keys.push([row.result.scenario, row.result.concurrency]);
  const cells = keys.map(([scenario, concurrency]) => [
    scenario,
    String(concurrency),
    ...results.map((result) => {
      const row = result.rows.find(
        (candidate) => candidate.result.scenario === scenario && candidate.result.concurrency === concurrency,
      );
      if (!row) return '-';
      const latency = summarise(row.result.latenciesMs);
      return `${fixed(row.flowsPerSecond)} (${fixed(latency.p50, 0)} / ${fixed(latency.p99, 0)})${row.result.errors ? `, ${row.result.errors} errors` : ''}`;
    }),
  ]);
  const summary = table(
    'Summary: flows/s (p50 / p99 ms) per configuration',
    level,
    ['scenario', 'concurrency', ...labels],
    cells,
    ['left', 'right', ...labels.map((): Align => 'right')],
  );

  const targets: string[] = [];
  for (const result of results) {
    const verify = verifyRate(result.hashRates);
    for (const scenario of new Set(result.rows.map((row) => row.result.scenario))) {
      const best = bestRow(result.rows, scenario);
      if (!best || result.passwordless.has(scenario)) continue;
      const ratio = best.flowsPerSecond / verify.perSecond;
      targets.push(
        `${configurationLabel(result.configuration)}, ${scenario}: ${fixed(best.flowsPerSecond)} flows/s ÷ ${fixed(verify.perSecond)} argon2id checks/s = ${fixed(ratio * 100)}%${scenario === 'basis' ? ` (target >= ${TARGET_RATIO * 100}%: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'})` : ''}`,
      );
    }
  }
  for (const database of ['sqlite', 'postgres'] as const) {
    const one = results.find(
      (result) => result.configuration.database === database && result.configuration.workers === 1,
    );
    const two = results.find(
      (result) => result.configuration.database === database && result.configuration.workers === 2,
    );
    const [single, double] = [one && bestRow(one.rows, 'sso'), two && bestRow(two.rows, 'sso')];
    if (!single || !double) continue;
    const scale = double.flowsPerSecond / single.flowsPerSecond;
    targets.push(
      `${database === 'sqlite' ? 'sqlite' : 'PostgreSQL'}, sso: 2 processes ${fixed(double.flowsPerSecond)} flows/s ÷ 1 process ${fixed(single.flowsPerSecond)} flows/s = ${scale.toFixed(2)}x ` +
        `(target >= ${TARGET_SCALE_OUT}x: ${scale >= TARGET_SCALE_OUT ? 'MET' : 'NOT MET'}; server CPU ${fixed(double.serverCpuMsPerFlow)} vs ${fixed(single.serverCpuMsPerFlow)} ms/flow)`,
    );
  }
  return join([summary, bullets('Targets', level, targets)]);
}
