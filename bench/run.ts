// `npm run bench`: full login flows per second against a real Poortwachter process, next to the
// argon2id rate of this machine, and the ratio between the two.
//
//   npm run bench                                   Basis, Midden, SSO, SAML artifact and SSO over SAML (HTTP-POST) at concurrency 1, 8, 32; report in bench/results.md
//   npm run bench -- --matrix                       the same on sqlite and PostgreSQL, each with 1 and 2 server processes, one report
//   npm run bench -- --duration 5 --concurrency 8   shorter / other levels
//   npm run bench -- --scenario midden              one scenario only (basis, midden, sso, saml-artifact, sso-saml-post)
//   npm run bench -- --cpu-prof                     also write a V8 CPU profile of the server (.tmp/bench-*/profile, kept)
//   npm run bench -- --keep                         keep the work dir (.tmp/bench-*: database, profile) afterwards
//   npm run bench -- --postgres postgres://user:pw@127.0.0.1:5432/postgres   a fresh PostgreSQL database instead of sqlite
//   npm run bench -- --workers 2 --out bench/results-2-workers.md   the server as `serve --workers 2` (CPU of all its processes)
//   npm run bench -- --server-node-options=--experimental-async-context-frame     try Node flags on the server
//   npm run bench -- --audit-writers 8 --audit-seconds 5   audit appends by 8 writers at once (after the flows; 0 s: none)
//   npm run bench -- --audit-only --postgres URL          only the audit append rate
//
// --matrix runs PostgreSQL on the server of --postgres when given, otherwise on a throwaway cluster of
// its own (Debian's initdb and pg_ctl as the postgres user, as `npm run loadtest` does: run as root).
// Bounded by construction: loopback only, a fixed warm-up + measurement time per run, a maximum number
// of flows per run, then the server is stopped and the process ends.
import { prepareReportPath } from './report-path.ts';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startThrowawayCluster, type PostgresServer } from '../loadtest/postgres-cluster.ts';
import { testCitizens } from '../seeds/development.ts';
import { BenchBrowser } from './browser.ts';
import { cpuWindow } from './cpu.ts';
import { scenarios } from './flows/index.ts';
import { describeMachine } from './machine.ts';
import type { BenchTarget, PreparedScenario, Scenario } from './flows/scenario.ts';
import { measureHashRate } from './hash-rate.ts';
import { createPostgresDatabase } from './postgres.ts';
import { measureAuditAppends, type AuditAppendResult } from './audit-append.ts';
import { runLoad } from './load.ts';
import {
  configurationLabel,
  configurationReport,
  matrixReport,
  type BenchConfiguration,
  type ConfigurationResult,
  type Row,
} from './report.ts';
import { projectRoot, startBenchServer, type BenchServer } from './server-process.ts';
import { describeCounts, difference, readStatementCounts, totalStatements, writeStatements } from './statements.ts';
import { fixed } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'basis,midden,sso,saml-artifact,sso-saml-post' },
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
    matrix: { type: 'boolean', default: false },
    'audit-writers': { type: 'string', default: '8' },
    'audit-seconds': { type: 'string', default: '5' },
    'audit-only': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results.md' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (args.help) {
  process.stdout.write(
    readFileSync(new URL(import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('//'))
      .join('\n')
      .replace(/^\/\/ ?/gm, '') + '\n',
  );
  process.exit(0);
}

const selected: Scenario[] = args.scenario.split(',').map((name) => {
  const scenario = scenarios[name.trim()];
  if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
  return scenario;
});
const levels = args.concurrency
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 256);
const warmupMs = Number(args.warmup) * 1000;
const durationMs = Number(args.duration) * 1000;
const maxFlows = Number(args['max-flows']);
const hashSeconds = Number(args['hash-seconds']);
const keepWorkDir = args.keep || args['cpu-prof'];
const auditWriters = Number(args['audit-writers']);
const auditSeconds = Number(args['audit-seconds']);
if (!Number.isInteger(auditWriters) || auditWriters < 1 || auditWriters > 64)
  throw new Error('--audit-writers must be a whole number from 1 to 64');
if (!(auditSeconds >= 0 && auditSeconds <= 120)) throw new Error('--audit-seconds must be from 0 to 120');
const workers = Number(args.workers);
if (!Number.isInteger(workers) || workers < 1 || workers > 8)
  throw new Error('--workers must be a whole number from 1 to 8');
const configurations: BenchConfiguration[] = args.matrix
  ? [
      { database: 'sqlite', workers: 1 },
      { database: 'sqlite', workers: 2 },
      { database: 'postgres', workers: 1 },
      { database: 'postgres', workers: 2 },
    ]
  : [{ database: args.postgres ? 'postgres' : 'sqlite', workers }];

function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const isObject = (candidate: unknown): candidate is Record<string, unknown> =>
      typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
    out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

async function registerBenchWebdienst(server: BenchServer): Promise<BenchTarget> {
  const oin = '00000009000000000042';
  await server.cli(['organisation', 'add', '--name', 'Bench organisatie', '--oin', oin, '--bsn-entitled']);
  const redirectUri = 'http://127.0.0.1:9/bench/callback';
  const registered = await server.cli<{ client_id: string; client_secret: string }>([
    'webdienst',
    'add-oidc',
    '--organisation',
    oin,
    '--name',
    'Bench webdienst',
    '--redirect-uri',
    redirectUri,
    '--auth',
    'client_secret_basic',
    '--level',
    'basis',
  ]);
  const citizen = testCitizens[0];
  return {
    baseUrl: server.url,
    clientId: registered.client_id,
    clientSecret: registered.client_secret,
    redirectUri,
    citizen: { username: citizen.username, password: citizen.password },
  };
}

async function smokeTest(scenario: Scenario, target: BenchTarget): Promise<void> {
  await scenario.run({ target, browser: new BenchBrowser(target.baseUrl), step: (_name, fn) => fn() });
}

async function measure(
  server: BenchServer,
  scenario: Scenario,
  target: BenchTarget,
  concurrency: number,
): Promise<Row> {
  let stop: (() => ReturnType<ReturnType<typeof cpuWindow>>) | undefined;
  let cpu: ReturnType<ReturnType<typeof cpuWindow>> | undefined;
  // One process answers /metrics for itself only: statements are counted with one server process.
  const countsStatements = server.workers === 1;
  let statementsAtStart: ReturnType<typeof readStatementCounts> | undefined;
  let statementsAtEnd: ReturnType<typeof readStatementCounts> | undefined;
  const result = await runLoad({
    scenario,
    target,
    concurrency,
    warmupMs,
    durationMs,
    maxFlows,
    onWindow(edge) {
      if (edge === 'start') {
        stop = cpuWindow(server.pid);
        if (countsStatements) statementsAtStart = readStatementCounts(server.url);
      } else {
        cpu = stop!();
        if (countsStatements) statementsAtEnd = readStatementCounts(server.url);
      }
    },
  });
  const statements =
    statementsAtStart && statementsAtEnd ? difference(await statementsAtEnd, await statementsAtStart) : undefined;
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
    statementsPerFlow: statements ? per(totalStatements(statements)) : Number.NaN,
    writesPerFlow: statements ? per(writeStatements(statements)) : Number.NaN,
  };
}

async function auditAppendRate(
  configuration: BenchConfiguration,
  workDir: string,
  postgresAdminUrl: string | undefined,
): Promise<AuditAppendResult> {
  mkdirSync(workDir, { recursive: true });
  process.stdout.write(`Audit appends: ${auditWriters} writers at once for ${auditSeconds} s...`);
  const result = await measureAuditAppends({
    database: configuration.database,
    workDir,
    postgresAdminUrl,
    writers: auditWriters,
    seconds: auditSeconds,
  });
  process.stdout.write(
    ` ${fixed(result.perSecond)} appends/s, ${result.errors} errors, chain ${result.chainOk ? 'verified' : 'BROKEN'}\n`,
  );
  return result;
}

/** One server configuration: its own server (and database), the argon2id rate, every scenario at every level. */
async function runConfiguration(
  configuration: BenchConfiguration,
  workDir: string,
  postgresAdminUrl: string | undefined,
): Promise<ConfigurationResult> {
  if (args['audit-only'])
    return {
      configuration,
      rows: [],
      hashRates: [],
      scenarioLines: [],
      singleFlowStatements: [],
      passwordless: new Set(),
      auditAppends: await auditAppendRate(configuration, workDir, postgresAdminUrl),
    };
  const profileDir = args['cpu-prof'] ? join(workDir, 'profile') : undefined;
  process.stdout.write(`\n== ${configurationLabel(configuration)}: starting the server (work dir ${workDir})...\n`);
  const nodeOptions = [args['server-node-options'], profileDir ? `--cpu-prof --cpu-prof-dir=${profileDir}` : '']
    .filter(Boolean)
    .join(' ');
  const database = configuration.database === 'postgres' ? await createPostgresDatabase(postgresAdminUrl!) : undefined;
  // What the scenarios need from the server's configuration (Midden: higher SMS send limits), as a config file.
  const serverConfig = selected.reduce<Record<string, unknown>>(
    (merged, scenario) => deepMerge(merged, scenario.serverConfig ?? {}),
    {},
  );
  const extraEnv: Record<string, string> = {};
  mkdirSync(workDir, { recursive: true });
  if (Object.keys(serverConfig).length) {
    extraEnv.POORTWACHTER_CONFIG = join(workDir, 'bench-config.json');
    writeFileSync(extraEnv.POORTWACHTER_CONFIG, `${JSON.stringify(serverConfig, null, 2)}\n`);
  }
  let server: BenchServer;
  try {
    server = await startBenchServer({
      workDir,
      nodeOptions: nodeOptions || undefined,
      databaseUrl: database?.url,
      extraEnv,
      workers: configuration.workers,
    });
  } catch (error) {
    await database?.drop();
    throw error;
  }
  const rows: Row[] = [];
  const prepared: PreparedScenario[] = [];
  let hashRates: ConfigurationResult['hashRates'] = [];
  let singleFlows: string[] = [];
  try {
    const target = await registerBenchWebdienst(server);
    process.stdout.write(`Server ${server.url} (pid ${server.pid}); bench webdienst ${target.clientId}\n`);
    for (const scenario of selected) {
      if (!scenario.prepare) {
        prepared.push({ scenario, close: async () => {} });
        continue;
      }
      const started = performance.now();
      const ready = await scenario.prepare({
        target,
        databaseUrl: server.databaseUrl,
        serverEnv: server.env,
        maxConcurrency: Math.max(...levels),
      });
      prepared.push(ready);
      process.stdout.write(
        `Prepared ${scenario.name} in ${fixed((performance.now() - started) / 1000)} s: ${ready.scenario.description}\n`,
      );
    }
    for (const { scenario } of prepared) await smokeTest(scenario, target);
    // A few more flows of each, alone on the server: the statements of one flow (the window figures
    // include flows cut by the window's edges and what the server does on its own meanwhile). The
    // audit sealer runs each second; the run with the fewest statements is the one it left alone.
    const singleFlowStatements: string[] = [];
    if (configuration.workers === 1) {
      for (const { scenario } of prepared) {
        let counts: ReturnType<typeof difference> | undefined;
        for (let run = 0; run < 5; run += 1) {
          const before = await readStatementCounts(server.url);
          await smokeTest(scenario, target);
          const measured = difference(await readStatementCounts(server.url), before);
          if (!counts || totalStatements(measured) < totalStatements(counts)) counts = measured;
        }
        singleFlowStatements.push(`${scenario.name}: ${describeCounts(counts!)}`);
        process.stdout.write(`Statements in one ${scenario.name} flow: ${describeCounts(counts!)}\n`);
      }
    }
    singleFlows = singleFlowStatements;

    process.stdout.write(
      `Measuring argon2id (${hashSeconds} s per operation, concurrency ${availableParallelism()}, own process, server idle)...\n`,
    );
    hashRates = await measureHashRate({ seconds: hashSeconds, concurrency: availableParallelism() });

    // Scenarios take turns at each concurrency, so what else the machine does at that time weighs on
    // both alike and the comparison between them holds; the report lists them per scenario.
    for (const concurrency of levels) {
      for (const { scenario } of prepared) {
        process.stdout.write(
          `${scenario.name} at concurrency ${concurrency}: ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s...`,
        );
        const row = await measure(server, scenario, target, concurrency);
        rows.push(row);
        process.stdout.write(` ${fixed(row.flowsPerSecond)} flows/s, ${row.result.errors} errors\n`);
        await sleep(1000); // let the server settle (in-flight flows done, GC)
      }
    }
    const order = prepared.map(({ scenario }) => scenario.name);
    rows.sort((a, b) => order.indexOf(a.result.scenario) - order.indexOf(b.result.scenario));
  } finally {
    for (const ready of prepared)
      await ready
        .close()
        .catch((error: Error) => process.stderr.write(`closing ${ready.scenario.name}: ${error.message}\n`));
    await server.stop();
    await database?.drop();
  }
  const auditAppends = auditSeconds > 0 ? await auditAppendRate(configuration, workDir, postgresAdminUrl) : undefined;
  if (rows.some((row) => row.result.errors > 0))
    process.stderr.write(`Server stderr (last lines):\n${server.stderrTail()}\n`);
  if (profileDir) {
    // Measurement windows in seconds since the server was spawned, for bench/profile-summary.ts --from/--to.
    const windows = rows.map(({ result }) => ({
      scenario: result.scenario,
      concurrency: result.concurrency,
      from: (result.windowStart - server.spawnedAt) / 1000,
      to: (result.windowEnd - server.spawnedAt) / 1000,
    }));
    writeFileSync(join(profileDir, 'windows.json'), `${JSON.stringify(windows, null, 2)}\n`);
    for (const window of windows) {
      process.stdout.write(
        `profile of ${window.scenario} c=${window.concurrency}: npx tsx bench/profile-summary.ts ${profileDir}/CPU.*.0.001.cpuprofile --from ${window.from.toFixed(1)} --to ${window.to.toFixed(1)}\n`,
      );
    }
  }
  return {
    configuration,
    rows,
    hashRates,
    scenarioLines: prepared.map(({ scenario }) => `${scenario.name}: ${scenario.description}`),
    singleFlowStatements: singleFlows,
    auditAppends,
    passwordless: new Set(
      prepared.filter(({ scenario }) => scenario.checksNoPassword).map(({ scenario }) => scenario.name),
    ),
  };
}

async function main(): Promise<void> {
  const info = describeMachine();
  const stamp = info.date.replace(/[-:]/g, '').replace(/\..+$/, '');
  const workRoot = join(projectRoot, '.tmp', `bench-${stamp}`);
  const needsPostgres = configurations.some((configuration) => configuration.database === 'postgres');
  const cluster: PostgresServer | undefined =
    needsPostgres && !args.postgres ? await startThrowawayCluster() : undefined;
  const results: ConfigurationResult[] = [];
  try {
    for (const configuration of configurations) {
      const workDir =
        configurations.length > 1 ? join(workRoot, `${configuration.database}-${configuration.workers}`) : workRoot;
      results.push(await runConfiguration(configuration, workDir, args.postgres ?? cluster?.adminUrl));
    }
  } finally {
    await cluster?.close();
  }
  if (!keepWorkDir) rmSync(workRoot, { recursive: true, force: true });

  const settings = [
    `warm-up ${warmupMs / 1000} s, measurement ${durationMs / 1000} s or ${maxFlows} flows per run`,
    `argon2id ${hashSeconds} s per operation at concurrency ${availableParallelism()}, in its own process, server idle, once per configuration`,
    `configurations: ${configurations.map(configurationLabel).join('; ')} (sqlite: a fresh file; PostgreSQL: a fresh database${needsPostgres ? ` on ${cluster ? cluster.description : 'the server of --postgres'}` : ''})`,
    ...(args['server-node-options'] ? [`server NODE_OPTIONS: ${args['server-node-options']}`] : []),
    ...(args['cpu-prof'] ? ['server under --cpu-prof (slower)'] : []),
  ].join('; ');
  const machineLines = Object.entries(info).map(([key, value]) => `${key}: ${value}`);
  const level = results.length > 1 ? '###' : '##';
  const matrix = results.length > 1 ? matrixReport(results, '##') : { text: [], markdown: [] };
  const perConfiguration = results.map((result) => configurationReport(result, level));
  const scenarioLines = results[0]?.scenarioLines ?? [];

  const text = [
    '',
    `Poortwachter bench — ${info.date}`,
    ...machineLines.map((line) => `  ${line}`),
    `  ${settings}`,
    '',
    ...matrix.text,
    ...perConfiguration.flatMap((section, at) => [
      ...(results.length > 1 ? [`== ${configurationLabel(results[at]!.configuration)}`, ''] : []),
      ...section.text,
    ]),
    keepWorkDir ? `work dir kept: ${workRoot}` : `work dir ${workRoot} removed (--keep keeps it)`,
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
    '## Scenarios',
    '',
    ...scenarioLines.map((line) => `- ${line}`),
    '',
    ...matrix.markdown,
    ...perConfiguration.flatMap((section, at) => [
      ...(results.length > 1 ? [`## ${configurationLabel(results[at]!.configuration)}`, ''] : []),
      ...section.markdown,
    ]),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  const out = prepareReportPath(projectRoot, args.out);
  writeFileSync(out, `${markdown}\n`);
  process.stdout.write(`Report written to ${out}\n`);
}

await main();
