// `npm run bench`: full login flows per second against a real Poortwachter process, next to the
// argon2id rate of this machine, and the ratio between the two (STACK.md "Load and performance").
//
//   npm run bench                                   Basis, Midden, SSO and SAML artifact at concurrency 1, 8, 32; report in bench/results.md
//   npm run bench -- --duration 5 --concurrency 8   shorter / other levels
//   npm run bench -- --scenario midden              one scenario only (basis, midden, sso, saml-artifact)
//   npm run bench -- --cpu-prof                     also write a V8 CPU profile of the server (.tmp/bench-*/profile, kept)
//   npm run bench -- --keep                         keep the work dir (.tmp/bench-*: database, profile) afterwards
//   npm run bench -- --postgres postgres://user:pw@127.0.0.1:5432/postgres   a fresh PostgreSQL database instead of sqlite
//   npm run bench -- --workers 2 --out bench/results-2-workers.md   the server as `serve --workers 2` (CPU of all its processes)
//   npm run bench -- --server-node-options=--experimental-async-context-frame     try Node flags on the server
//
// Bounded by construction: loopback only, a fixed warm-up + measurement time per run, a maximum number
// of flows per run, then the server is stopped and the process ends.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { testCitizens } from '../seeds/development.ts';
import { BenchBrowser } from './browser.ts';
import { cpuWindow } from './cpu.ts';
import { scenarios } from './flows/index.ts';
import { describeMachine } from './machine.ts';
import type { BenchTarget, PreparedScenario, Scenario } from './flows/scenario.ts';
import { measureHashRate, type HashRate } from './hash-rate.ts';
import { createPostgresDatabase } from './postgres.ts';
import { runLoad, type LoadResult } from './load.ts';
import { projectRoot, startBenchServer, type BenchServer } from './server-process.ts';
import { fixed, markdownTable, summarise, textTable, type Align } from './stats.ts';

const TARGET_RATIO = 0.65;

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'basis,midden,sso,saml-artifact' },
    concurrency: { type: 'string', default: '1,8,32' },
    warmup: { type: 'string', default: '2' },
    duration: { type: 'string', default: '8' },
    'max-flows': { type: 'string', default: '5000' },
    'hash-seconds': { type: 'string', default: '4' },
    'cpu-prof': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'server-node-options': { type: 'string', default: '' },
    postgres: { type: 'string' },
    workers: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench/results.md' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('\n').filter((line) => line.startsWith('//')).join('\n').replace(/^\/\/ ?/gm, '') + '\n');
  process.exit(0);
}

const selected: Scenario[] = args.scenario!.split(',').map((name) => {
  const scenario = scenarios[name.trim()];
  if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
  return scenario;
});
const levels = args.concurrency!.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 256);
const warmupMs = Number(args.warmup) * 1000;
const durationMs = Number(args.duration) * 1000;
const maxFlows = Number(args['max-flows']);
const hashSeconds = Number(args['hash-seconds']);
const keepWorkDir = args.keep! || args['cpu-prof']!;
const workers = Number(args.workers);
if (!Number.isInteger(workers) || workers < 1 || workers > 8) throw new Error('--workers must be a whole number from 1 to 8');

interface Row {
  result: LoadResult;
  flowsPerSecond: number;
  serverCpuMsPerFlow: number;
  clientCpuMsPerFlow: number;
  serverCpuPercent: number;
  clientCpuPercent: number;
  othersCpuPercent: number;
}


function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const isObject = (candidate: unknown): candidate is Record<string, unknown> => typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
    out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

async function registerBenchWebdienst(server: BenchServer): Promise<BenchTarget> {
  const oin = '00000009000000000042';
  await server.cli(['organisation', 'add', '--name', 'Bench organisatie', '--oin', oin, '--bsn-entitled']);
  const redirectUri = 'http://127.0.0.1:9/bench/callback';
  const registered = await server.cli<{ client_id: string; client_secret: string }>(['webdienst', 'add-oidc', '--organisation', oin, '--name', 'Bench webdienst', '--redirect-uri', redirectUri, '--auth', 'client_secret_basic', '--level', 'basis']);
  const citizen = testCitizens[0];
  return { baseUrl: server.url, clientId: registered.client_id, clientSecret: registered.client_secret, redirectUri, citizen: { username: citizen.username, password: citizen.password } };
}

async function smokeTest(scenario: Scenario, target: BenchTarget): Promise<void> {
  await scenario.run({ target, browser: new BenchBrowser(target.baseUrl), step: (_name, fn) => fn() });
}

async function measure(server: BenchServer, scenario: Scenario, target: BenchTarget, concurrency: number): Promise<Row> {
  let stop: (() => ReturnType<ReturnType<typeof cpuWindow>>) | undefined;
  let cpu: ReturnType<ReturnType<typeof cpuWindow>> | undefined;
  const result = await runLoad({
    scenario,
    target,
    concurrency,
    warmupMs,
    durationMs,
    maxFlows,
    onWindow(edge) {
      if (edge === 'start') stop = cpuWindow(server.pid);
      else cpu = stop!();
    },
  });
  const { wallMs, machineBusyMs, processMs, selfMs } = cpu!;
  const per = (ms: number) => (result.flows ? ms / result.flows : Number.NaN);
  return {
    result,
    flowsPerSecond: result.flows / (result.windowMs / 1000),
    serverCpuMsPerFlow: per(processMs),
    clientCpuMsPerFlow: per(selfMs),
    serverCpuPercent: (processMs / wallMs) * 100,
    clientCpuPercent: (selfMs / wallMs) * 100,
    othersCpuPercent: (Math.max(0, machineBusyMs - processMs - selfMs) / wallMs) * 100,
  };
}

function report(rows: Row[], hashRates: HashRate[], info: ReturnType<typeof describeMachine>, workDir: string, profileDir?: string): { text: string; markdown: string } {
  const header = ['scenario', 'concurrency', 'flows/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU ms/flow', 'client CPU ms/flow', 'CPU % server/client/others'];
  const align: Align[] = ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'];
  const cells = rows.map((row) => {
    const { result } = row;
    const latency = summarise(result.latenciesMs);
    return [
      result.scenario,
      String(result.concurrency),
      fixed(row.flowsPerSecond),
      fixed(latency.p50),
      fixed(latency.p99),
      String(result.errors),
      fixed(row.serverCpuMsPerFlow),
      fixed(row.clientCpuMsPerFlow),
      `${fixed(row.serverCpuPercent, 0)}/${fixed(row.clientCpuPercent, 0)}/${fixed(row.othersCpuPercent, 0)}`,
    ];
  });

  const verify = hashRates.find((rate) => rate.operation === 'verify') ?? hashRates[0]!;
  const hashHeader = ['operation', 'concurrency', 'per second', 'mean ms', 'CPU ms/op', 'others CPU %'];
  const hashAlign: Align[] = ['left', 'right', 'right', 'right', 'right', 'right'];
  const hashCells = hashRates.map((rate) => [`argon2id ${rate.operation}`, String(rate.concurrency), fixed(rate.perSecond), fixed(rate.meanMs), fixed(rate.cpuMsPerOp), fixed(rate.othersCpuPercent, 0)]);

  const verdicts: string[] = [];
  for (const scenario of new Set(rows.map((row) => row.result.scenario))) {
    const best = rows.filter((row) => row.result.scenario === scenario && row.result.errors === 0).sort((a, b) => b.flowsPerSecond - a.flowsPerSecond)[0];
    if (!best) {
      verdicts.push(`${scenario}: no error-free run, no ratio`);
      continue;
    }
    if (scenarios[scenario]?.checksNoPassword) {
      verdicts.push(`${scenario}: no password check in the flow, so no ratio: best ${fixed(best.flowsPerSecond)} flows/s at concurrency ${best.result.concurrency}, server CPU ${fixed(best.serverCpuMsPerFlow)} ms per flow`);
      continue;
    }
    const ratio = best.flowsPerSecond / verify.perSecond;
    const nonHashCpu = best.serverCpuMsPerFlow - verify.cpuMsPerOp;
    // The ceiling if the server were bound by CPU alone: core-time per argon2id check against core-time
    // per flow (server, and server + this load generator). The measured ratio stays below it when
    // something serialises (an event loop, a single database connection) before the cores are full.
    const cpuRatioServer = verify.cpuMsPerOp / best.serverCpuMsPerFlow;
    const cpuRatioAll = verify.cpuMsPerOp / (best.serverCpuMsPerFlow + best.clientCpuMsPerFlow);
    const machinePercent = best.serverCpuPercent + best.clientCpuPercent + best.othersCpuPercent;
    verdicts.push(
      `${scenario}: best ${fixed(best.flowsPerSecond)} flows/s at concurrency ${best.result.concurrency} ÷ ${fixed(verify.perSecond)} argon2id checks/s = ${fixed(ratio * 100)}% ` +
        `(target >= ${TARGET_RATIO * 100}%: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'})`,
      `${scenario}: server CPU per flow ${fixed(best.serverCpuMsPerFlow)} ms = ~${fixed(verify.cpuMsPerOp)} ms argon2id + ~${fixed(nonHashCpu)} ms everything else; ` +
        `load generator ${fixed(best.clientCpuMsPerFlow)} ms per flow; the machine was ${fixed(machinePercent / availableParallelism(), 0)}% busy`,
      `${scenario}: CPU ceiling of the ratio (argon2id CPU per check ÷ CPU per flow): ${fixed(cpuRatioAll * 100)}% with the load generator on the same cores, ` +
        `${fixed(cpuRatioServer * 100)}% with the load generator elsewhere`,
    );
  }

  // Each scenario beside the first one (Basis) at the same concurrency: what the extra steps cost.
  const comparisons: string[] = [];
  const baseline = rows[0]?.result.scenario;
  for (const row of rows.filter((candidate) => candidate.result.scenario !== baseline)) {
    const base = rows.find((candidate) => candidate.result.scenario === baseline && candidate.result.concurrency === row.result.concurrency);
    if (!base) continue;
    comparisons.push(
      `${row.result.scenario} vs ${baseline} at concurrency ${row.result.concurrency}: ${fixed(row.flowsPerSecond)} vs ${fixed(base.flowsPerSecond)} flows/s = ${fixed((row.flowsPerSecond / base.flowsPerSecond) * 100)}%; ` +
        `p50 ${fixed(summarise(row.result.latenciesMs).p50)} vs ${fixed(summarise(base.result.latenciesMs).p50)} ms; server CPU ${fixed(row.serverCpuMsPerFlow)} vs ${fixed(base.serverCpuMsPerFlow)} ms/flow`,
    );
  }

  const middenNote = rows.some((row) => row.result.scenario === 'midden')
    ? [
        "Midden is the Basis flow plus the code page (the SMS into the outbox), the outbox read in the bench process (client CPU) and the code check; its citizens are a pool with their own phone numbers, the server's SMS send limits raised for the bench (`secondFactor` in a POORTWACHTER_CONFIG file).",
        '',
      ]
    : [];

  const busiest = Math.max(...rows.map((row) => row.othersCpuPercent), ...hashRates.map((rate) => rate.othersCpuPercent));
  if (busiest > 20) {
    verdicts.push(`WARNING: other processes used up to ${fixed(busiest, 0)}% CPU (100% = one core) during the measurements; rates are lower than on a quiet machine; CPU per flow and the CPU ceiling are the steadier figures.`);
  }

  const stepSections: Array<{ title: string; header: string[]; rows: string[][] }> = [];
  for (const row of rows.filter((candidate) => candidate.result.concurrency === Math.min(...rows.filter((r) => r.result.scenario === candidate.result.scenario).map((r) => r.result.concurrency)))) {
    const stepRows = [...row.result.steps.byStep.entries()].map(([name, times]) => {
      const summary = summarise(times);
      return [name, fixed(summary.mean), fixed(summary.p50), fixed(summary.p99)];
    });
    stepSections.push({ title: `Per step, ${row.result.scenario} at concurrency ${row.result.concurrency} (client-observed ms)`, header: ['step', 'mean', 'p50', 'p99'], rows: stepRows });
  }

  const errorLines = rows.flatMap((row) => [...row.result.errorSamples.entries()].map(([message, count]) => `${row.result.scenario} c=${row.result.concurrency}: ${count} x ${message}`));
  const settings = `warm-up ${warmupMs / 1000} s, measurement ${durationMs / 1000} s or ${maxFlows} flows per run; argon2id ${hashSeconds} s per operation at concurrency ${verify.concurrency}, in its own process, server idle; database ${args.postgres ? 'PostgreSQL (fresh database)' : 'sqlite (fresh file)'}; ${workers} server process${workers > 1 ? 'es (serve --workers)' : ''}${args['server-node-options'] ? `; server NODE_OPTIONS: ${args['server-node-options']}` : ''}${args['cpu-prof'] ? '; server under --cpu-prof (slower)' : ''}`;
  const machineLines = Object.entries(info).map(([key, value]) => `${key}: ${value}`);

  const text = [
    '',
    `Poortwachter bench — ${info.date}`,
    machineLines.map((line) => `  ${line}`).join('\n'),
    `  ${settings}`,
    '',
    textTable(header, cells, align),
    '',
    ...(comparisons.length ? [...comparisons, ''] : []),
    textTable(hashHeader, hashCells, hashAlign),
    '',
    ...verdicts,
    '',
    ...stepSections.flatMap((section) => [section.title, textTable(section.header, section.rows, ['left', 'right', 'right', 'right']), '']),
    ...(errorLines.length ? ['Errors:', ...errorLines.map((line) => `  ${line}`), ''] : []),
    keepWorkDir ? `work dir kept: ${workDir}${profileDir ? ` (CPU profile of the server in ${profileDir})` : ''}` : `work dir ${workDir} removed (--keep keeps it)`,
  ].join('\n');

  const markdown = [
    '# Poortwachter bench results',
    '',
    'Written by `npm run bench` (bench/run.ts). Full login flows against a real server process (development configuration, `LOG_LEVEL=warn`, database as under settings), with the load generator on the same machine.',
    '',
    '## Machine',
    '',
    ...machineLines.map((line) => `- ${line}`),
    `- settings: ${settings}`,
    '',
    '## Login flows',
    '',
    markdownTable(header, cells, align),
    '',
    'Server CPU is user + system time of the server process (all threads, so argon2id included) during the measurement window; client is this load generator; others is everything else on the machine (the machine is shared). 100% is one core.',
    '',
    ...(comparisons.length ? [...middenNote, ...comparisons.map((line) => `- ${line}`), ''] : []),
    '## argon2id (server parameters: m=19456 KiB, t=2, p=1)',
    '',
    markdownTable(hashHeader, hashCells, hashAlign),
    '',
    '## Ratio flows/s ÷ argon2id checks/s (target >= 65%)',
    '',
    ...verdicts.map((line) => `- ${line}`),
    '',
    ...stepSections.flatMap((section) => [`## ${section.title}`, '', markdownTable(section.header, section.rows, ['left', 'right', 'right', 'right']), '']),
    ...(errorLines.length ? ['## Errors', '', ...errorLines.map((line) => `- ${line}`), ''] : []),
  ].join('\n');
  return { text, markdown };
}

async function main(): Promise<void> {
  const info = describeMachine();
  const stamp = info.date.replace(/[-:]/g, '').replace(/\..+$/, '');
  const workDir = join(projectRoot, '.tmp', `bench-${stamp}`);
  const profileDir = args['cpu-prof'] ? join(workDir, 'profile') : undefined;
  process.stdout.write(`Starting the server (work dir ${workDir})...\n`);
  const nodeOptions = [args['server-node-options'], profileDir ? `--cpu-prof --cpu-prof-dir=${profileDir}` : ''].filter(Boolean).join(' ');
  const database = args.postgres ? await createPostgresDatabase(args.postgres) : undefined;
  // What the scenarios need from the server's configuration (Midden: higher SMS send limits), as a config file.
  const serverConfig = selected.reduce<Record<string, unknown>>((merged, scenario) => deepMerge(merged, scenario.serverConfig ?? {}), {});
  const extraEnv: Record<string, string> = {};
  if (Object.keys(serverConfig).length) {
    mkdirSync(workDir, { recursive: true });
    extraEnv.POORTWACHTER_CONFIG = join(workDir, 'bench-config.json');
    writeFileSync(extraEnv.POORTWACHTER_CONFIG, `${JSON.stringify(serverConfig, null, 2)}\n`);
  }
  let server: BenchServer;
  try {
    server = await startBenchServer({ workDir, nodeOptions: nodeOptions || undefined, databaseUrl: database?.url, extraEnv, workers });
  } catch (error) {
    await database?.drop();
    throw error;
  }
  const rows: Row[] = [];
  let hashRates: HashRate[] = [];
  const prepared: PreparedScenario[] = [];
  try {
    const target = await registerBenchWebdienst(server);
    process.stdout.write(`Server ${server.url} (pid ${server.pid}); bench webdienst ${target.clientId}\n`);
    for (const scenario of selected) {
      if (!scenario.prepare) {
        prepared.push({ scenario, close: async () => {} });
        continue;
      }
      const started = performance.now();
      const ready = await scenario.prepare({ target, databaseUrl: server.databaseUrl, serverEnv: server.env, maxConcurrency: Math.max(...levels) });
      prepared.push(ready);
      process.stdout.write(`Prepared ${scenario.name} in ${fixed((performance.now() - started) / 1000)} s: ${ready.scenario.description}\n`);
    }
    for (const { scenario } of prepared) await smokeTest(scenario, target);

    process.stdout.write(`Measuring argon2id (${hashSeconds} s per operation, concurrency ${availableParallelism()}, own process, server idle)...\n`);
    hashRates = await measureHashRate({ seconds: hashSeconds, concurrency: availableParallelism() });

    // Scenarios take turns at each concurrency, so what else the machine does at that time weighs on
    // both alike and the comparison between them holds; the report lists them per scenario.
    for (const concurrency of levels) {
      for (const { scenario } of prepared) {
        process.stdout.write(`${scenario.name} at concurrency ${concurrency}: ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s...`);
        const row = await measure(server, scenario, target, concurrency);
        rows.push(row);
        process.stdout.write(` ${fixed(row.flowsPerSecond)} flows/s, ${row.result.errors} errors\n`);
        await sleep(1000); // let the server settle (in-flight flows done, GC)
      }
    }
    const order = prepared.map(({ scenario }) => scenario.name);
    rows.sort((a, b) => order.indexOf(a.result.scenario) - order.indexOf(b.result.scenario));
  } finally {
    for (const ready of prepared) await ready.close().catch((error: Error) => process.stderr.write(`closing ${ready.scenario.name}: ${error.message}\n`));
    await server.stop();
    await database?.drop();
  }
  if (rows.some((row) => row.result.errors > 0)) process.stderr.write(`Server stderr (last lines):\n${server.stderrTail()}\n`);
  if (profileDir) {
    // Measurement windows in seconds since the server was spawned, for bench/profile-summary.ts --from/--to.
    const windows = rows.map(({ result }) => ({ scenario: result.scenario, concurrency: result.concurrency, from: (result.windowStart - server.spawnedAt) / 1000, to: (result.windowEnd - server.spawnedAt) / 1000 }));
    writeFileSync(join(profileDir, 'windows.json'), `${JSON.stringify(windows, null, 2)}\n`);
    for (const window of windows) {
      process.stdout.write(`profile of ${window.scenario} c=${window.concurrency}: npx tsx bench/profile-summary.ts ${profileDir}/CPU.*.0.001.cpuprofile --from ${window.from.toFixed(1)} --to ${window.to.toFixed(1)}\n`);
    }
  }
  if (!keepWorkDir) rmSync(workDir, { recursive: true, force: true });
  const { text, markdown } = report(rows, hashRates, info, workDir, profileDir);
  process.stdout.write(`${text}\n`);
  const out = join(projectRoot, args.out!);
  writeFileSync(out, `${markdown}\n`);
  process.stdout.write(`Report written to ${out}\n`);
}

await main();
