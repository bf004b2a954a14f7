// The figures of one load test run, as text for the terminal and as Markdown for
// bench/loadtest-results.md: flows per phase and per scenario with p50/p99, the fault windows, the
// loss checks, the audit chain, and the verdicts.
import { fixed, markdownTable, summarise, textTable, type Align, type StepTimes } from '../bench/stats.ts';
import type { FlowRecord } from './flow-log.ts';
import type { LossCheck } from './inventory.ts';
import { phaseOf, phaseSpans, type FaultWindow } from './phases.ts';
import type { Verdict } from './verdicts.ts';

export interface RunResult {
  machine: Record<string, string>;
  settings: string[];
  loadStartedAt: number;
  loadEndedAt: number;
  flows: FlowRecord[];
  scenarios: string[];
  /** Per step times of the succeeded flows (bench/load.ts), for the slowest steps. */
  steps: Array<{ scenario: string; steps: StepTimes }>;
  windows: FaultWindow[];
  lossChecks: Array<{ label: string; check: LossCheck }>;
  cpu: { machinePercent: number; selfPercent: number; workersPercent: number };
  proxyBadGateways: number;
  verdicts: Verdict[];
  durationSeconds: number;
}

interface Table {
  title: string;
  header: string[];
  align: Align[];
  rows: string[][];
  note?: string;
}

const counts = (flows: readonly FlowRecord[]) => {
  const ok = flows.filter((flow) => flow.ok);
  const latency = summarise(ok.map((flow) => flow.endedAt - flow.startedAt));
  return [
    String(flows.length),
    String(ok.length),
    String(flows.length - ok.length),
    fixed(latency.p50, 0),
    fixed(latency.p99, 0),
  ];
};

function tables(result: RunResult): Table[] {
  const at = (ms: number) => fixed((ms - result.loadStartedAt) / 1000);
  const spans = phaseSpans(result.windows, result.loadStartedAt, result.loadEndedAt);
  const byPhase = new Map<string, FlowRecord[]>(spans.map((span) => [span.name, []]));
  for (const flow of result.flows) byPhase.get(phaseOf(flow, result.windows))!.push(flow);
  const phaseRows = spans.map((span) => [
    span.name,
    `${at(span.from)} - ${at(span.to)}`,
    ...counts(byPhase.get(span.name)!),
  ]);
  const scenarioRows = result.scenarios.map((scenario) => [
    scenario,
    ...counts(result.flows.filter((flow) => flow.scenario === scenario)),
  ]);
  scenarioRows.push(['all', ...counts(result.flows)]);
  const matrixRows = [...byPhase].flatMap(([phase, flows]) =>
    result.scenarios.map((scenario) => [
      phase,
      scenario,
      ...counts(flows.filter((flow) => flow.scenario === scenario)),
    ]),
  );

  const faultRows = result.windows.map((window) => {
    const touched = byPhase.get(window.name) ?? [];
    return [
      window.name,
      at(window.startedAt),
      fixed((window.readyAt - window.startedAt) / 1000),
      at(window.endsAt),
      String(touched.length),
      String(touched.filter((flow) => !flow.ok).length),
    ];
  });
  const eventRows = result.windows.flatMap((window) => [
    [window.name, at(window.startedAt), window.description],
    ...window.events.map((event) => [window.name, at(event.at), event.what]),
  ]);

  const lossRows = result.lossChecks.map(({ label, check }) => [
    label,
    String(check.auditEventsChecked),
    String(check.auditEventsMissing.length + check.auditEventsChanged.length),
    String(check.accountsChecked),
    String(check.accountsMissing.length),
    `${check.citizensBefore} -> ${check.citizensAfter}`,
    String(check.lost),
  ]);

  const slowestSteps = result.steps.map(({ scenario, steps }) => {
    const [name, summary] = [...steps.byStep]
      .map(([step, times]) => [step, summarise(times)] as const)
      .sort((a, b) => b[1].p99 - a[1].p99)[0] ?? ['-', summarise([])];
    return [scenario, name, fixed(summary.p50, 0), fixed(summary.p99, 0), fixed(summary.max, 0)];
  });

  const errors = new Map<string, number>();
  for (const flow of result.flows.filter((candidate) => !candidate.ok)) {
    const key = `${phaseOf(flow, result.windows)}\u0000${flow.scenario}\u0000${flow.error}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  }
  const errorRows = [...errors]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .map(([key, count]) => [...key.split('\u0000'), String(count)]);

  const flowCols = ['attempted', 'succeeded', 'failed', 'p50 ms', 'p99 ms'];
  const right: Align[] = ['right', 'right', 'right', 'right', 'right'];
  return [
    {
      title: 'Flows by phase (all scenarios)',
      header: ['phase', 'seconds', ...flowCols],
      align: ['left', 'right', ...right],
      rows: phaseRows,
      note: 'Seconds from the start of the load. p50/p99: whole-flow latency of the succeeded flows, client-observed.',
    },
    {
      title: 'Flows by scenario (whole run)',
      header: ['scenario', ...flowCols],
      align: ['left', ...right],
      rows: scenarioRows,
    },
    {
      title: 'Slowest step per scenario (succeeded flows, whole run)',
      header: ['scenario', 'step', 'p50 ms', 'p99 ms', 'max ms'],
      align: ['left', 'left', 'right', 'right', 'right'],
      rows: slowestSteps,
    },
    {
      title: 'Flows by phase and scenario',
      header: ['phase', 'scenario', ...flowCols],
      align: ['left', 'left', ...right],
      rows: matrixRows,
    },
    {
      title: 'Fault windows',
      header: ['fault', 'injected at s', 'all ready after s', 'window ends at s', 'flows touched', 'failed'],
      align: ['left', 'right', 'right', 'right', 'right', 'right'],
      rows: faultRows,
      note: 'A window runs from the injection until every worker answers /readyz 200 again, plus the grace period; a flow that overlaps it in any way counts as touched.',
    },
    {
      title: 'What happened when',
      header: ['fault', 'at s', 'event'],
      align: ['left', 'right', 'left'],
      rows: eventRows,
    },
    {
      title: 'Nothing lost',
      header: ['check', 'audit events', 'missing or changed', 'accounts', 'missing', 'citizens', 'lost'],
      align: ['left', 'right', 'right', 'right', 'right', 'left', 'right'],
      rows: lossRows,
      note: 'Before each fault: every audit event (id and chain hash) and every account the account step had created; checked after the window, and again at the end of the run.',
    },
    ...(errorRows.length
      ? [
          {
            title: 'Failed flows (most frequent first)',
            header: ['phase', 'scenario', 'error', 'count'],
            align: ['left', 'left', 'left', 'right'] as Align[],
            rows: errorRows,
          },
        ]
      : []),
  ];
}

export function renderReport(result: RunResult): { text: string; markdown: string } {
  const all = tables(result);
  const machineLines = Object.entries(result.machine).map(([key, value]) => `${key}: ${value}`);
  const { machinePercent, selfPercent, workersPercent } = result.cpu;
  const cpuLine =
    `CPU during the load: machine ${fixed(machinePercent, 0)}% busy (100% = all cores): workers ${fixed(workersPercent, 0)}%, load generator and proxy ${fixed(selfPercent, 0)}%, ` +
    `PostgreSQL and everything else on the machine ${fixed(Math.max(0, machinePercent - workersPercent - selfPercent), 0)}%; the proxy answered 502 ${result.proxyBadGateways} times`;
  const verdictLines = result.verdicts.map((verdict) => `${verdict.ok ? 'PASS' : 'FAIL'}  ${verdict.text}`);
  const passed = result.verdicts.every((verdict) => verdict.ok);
  const text = [
    '',
    `Poortwachter load and fault test — ${result.machine.date}`,
    ...machineLines.map((line) => `  ${line}`),
    ...result.settings.map((line) => `  ${line}`),
    `  ${cpuLine}`,
    '',
    ...all.flatMap((table) => [table.title, textTable(table.header, table.rows, table.align), '']),
    ...verdictLines,
    '',
    `${passed ? 'PASSED' : 'FAILED'} in ${fixed(result.durationSeconds, 0)} s`,
  ].join('\n');
  const markdown = [
    '# Poortwachter load and fault test results',
    '',
    'Written by `npm run loadtest` (loadtest/run.ts): two Poortwachter worker processes on one PostgreSQL database behind a round-robin proxy, under a sustained mix of Basis, Midden, SSO, SAML artifact and new-account flows (the bench scenarios of bench/flows), while one worker is killed with SIGKILL and restarted, and later PostgreSQL is restarted. Load generator, proxy, workers and database share the machine.',
    '',
    '## Machine',
    '',
    ...machineLines.map((line) => `- ${line}`),
    ...result.settings.map((line) => `- ${line}`),
    `- ${cpuLine}`,
    '',
    '## Verdict',
    '',
    ...verdictLines.map((line) => `- ${line}`),
    '',
    `**${passed ? 'PASSED' : 'FAILED'}**; the whole run took ${fixed(result.durationSeconds, 0)} s.`,
    '',
    ...all.flatMap((table) => [
      `## ${table.title}`,
      '',
      markdownTable(table.header, table.rows, table.align),
      '',
      ...(table.note ? [table.note, ''] : []),
    ]),
  ].join('\n');
  return { text, markdown };
}
