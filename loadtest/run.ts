// `npm run loadtest`: two Poortwachter workers on PostgreSQL under a sustained mix of Basis, Midden,
// SSO, SAML artifact and new-account flows (the bench's scenarios and load generator), while first
// one worker is killed with SIGKILL and restarted, and later PostgreSQL is restarted. It reports the
// flows per phase, checks that nothing written before a fault is gone after it, runs
// `poortwachter audit verify`, and exits 1 when anything was lost, the chain does not verify, or a
// flow failed outside a fault window (issue 6, acceptance 5).
//
//   npm run loadtest                                 the default run: about 3 minutes
//   npm run loadtest -- --before 20 --between 30 --after 30   shorter phases (seconds)
//   npm run loadtest -- --concurrency 2              flows in flight per scenario (default 1: 5 in all)
//   npm run loadtest -- --scenario basis,sso,account scenarios (basis, midden, sso, saml-artifact, account)
//   npm run loadtest -- --pg-restart fast            pg_ctl restart -m fast instead of immediate (a crash)
//   npm run loadtest -- --grace 5                    seconds of a fault window after every worker is ready again
//   npm run loadtest -- --retry-pause 1              seconds a flow's loop waits after a failed flow (a citizen trying again)
//   npm run loadtest -- --postgres postgres://u:pw@127.0.0.1:5433/postgres --pg-ctl-data /path/to/data
//                                                    someone else's server (restarted with pg_ctl as the
//                                                    owner of the data directory) instead of a throwaway cluster
//   npm run loadtest -- --keep                       keep the work dir (.tmp/loadtest-*: config, nothing else)
//   npm run loadtest -- --out FILE                   where the Markdown report goes (default bench/loadtest-results.md; relative to the project, or absolute)
//
// Bounded: loopback only; the load runs for before + between + after seconds (and at most --max-flows
// flows per scenario); the workers, the proxy, the database and the throwaway cluster are removed at
// the end. Needs Debian's postgresql package (run .ci/run once, or apt-get install postgresql) and root
// for the throwaway cluster (initdb and pg_ctl run as the postgres user); it installs nothing itself.
import { prepareReportPath } from '../bench/report-path.ts';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchBrowser } from '../bench/browser.ts';
import { cpuWindow } from '../bench/cpu.ts';
import { scenarios as benchScenarios } from '../bench/flows/index.ts';
import type { PreparedScenario, Scenario } from '../bench/flows/scenario.ts';
import { runLoad } from '../bench/load.ts';
import { createPostgresDatabase } from '../bench/postgres.ts';
import { projectRoot } from '../bench/server-process.ts';
import { openStore } from '../src/stores/index.ts';
import { accountCreation } from './account-scenario.ts';
import { runAuditVerify } from './audit-verify.ts';
import { FlowLog } from './flow-log.ts';
import { runFaultSchedule } from './fault-schedule.ts';
import { checkInventory } from './inventory.ts';
import { describeMachine } from './machine.ts';
import { externalServer, startThrowawayCluster, type RestartMode } from './postgres-cluster.ts';
import { renderReport } from './report.ts';
import { startRoundRobinProxy } from './round-robin-proxy.ts';
import { mergedServerConfig, registerLoadWebdienst } from './setup.ts';
import { judge } from './verdicts.ts';
import { startWorkers } from './workers.ts';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string', default: '40' },
    between: { type: 'string', default: '60' },
    after: { type: 'string', default: '60' },
    grace: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1' },
    scenario: { type: 'string', default: 'basis,midden,sso,saml-artifact,account' },
    'restart-delay': { type: 'string', default: '1' },
    'retry-pause': { type: 'string', default: '1' },
    'pg-restart': { type: 'string', default: 'immediate' },
    'ready-timeout': { type: 'string', default: '90' },
    'max-flows': { type: 'string', default: '20000' },
    postgres: { type: 'string' },
    'pg-ctl-data': { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/loadtest-results.md' },
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

function seconds(name: keyof typeof args, min: number, max: number): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < min || value > max)
    throw new Error(`--${name} must be a number of seconds from ${min} to ${max}`);
  return value * 1000;
}
const beforeMs = seconds('before', 5, 600);
const betweenMs = seconds('between', 10, 600);
const afterMs = seconds('after', 10, 600);
const graceMs = seconds('grace', 0, 60);
const restartDelayMs = seconds('restart-delay', 0, 30);
const retryPauseMs = seconds('retry-pause', 0, 30);
const readyTimeoutMs = seconds('ready-timeout', 10, 600);
const concurrency = Number(args.concurrency);
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
  throw new Error('--concurrency must be a whole number from 1 to 16');
const maxFlows = Number(args['max-flows']);
const restartMode = args['pg-restart'] as RestartMode;
if (restartMode !== 'fast' && restartMode !== 'immediate') throw new Error('--pg-restart must be fast or immediate');
if (args['pg-ctl-data'] && !args.postgres) throw new Error('--pg-ctl-data goes with --postgres URL');
if (args.postgres && !args['pg-ctl-data'])
  throw new Error('--postgres URL needs --pg-ctl-data DIR: the test restarts that server');

const account = accountCreation();
const known: Record<string, Scenario> = { ...benchScenarios, [account.scenario.name]: account.scenario };
const selected = args.scenario.split(',').map((name) => {
  const scenario = known[name.trim()];
  if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(known).join(', ')}`);
  return scenario;
});

const say = (line: string) => process.stdout.write(`${line}\n`);
const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Undone in reverse order at the end, on an error, and on Ctrl-C. */
const cleanups: Array<{ what: string; undo: () => Promise<unknown> }> = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length) {
    const { what, undo } = cleanups.pop()!;
    await undo().catch((error: Error) => process.stderr.write(`cleaning up ${what}: ${error.message}\n`));
  }
}
process.once('SIGINT', () => {
  say('\nInterrupted: cleaning up...');
  void cleanUp().finally(() => process.exit(130));
});

async function main(): Promise<number> {
  const runStartedAt = Date.now();
  const machine = describeMachine();
  const totalMs = beforeMs + betweenMs + afterMs;
  say(
    `Poortwachter load and fault test: ${selected.map((scenario) => scenario.name).join(', ')} at concurrency ${concurrency} each, for ${totalMs / 1000} s of load;`,
  );
  say(
    `  SIGKILL to a worker at ${beforeMs / 1000} s, pg_ctl restart -m ${restartMode} at ${(beforeMs + betweenMs) / 1000} s. Machine load average: ${machine['load average before the run (1/5/15 min)']}`,
  );

  say(args.postgres ? 'Using the given PostgreSQL server...' : 'Starting a throwaway PostgreSQL cluster...');
  const postgres = args.postgres ? externalServer(args.postgres, args['pg-ctl-data']) : await startThrowawayCluster();
  cleanups.push({ what: 'the PostgreSQL cluster', undo: () => postgres.close() });
  say(`  ${postgres.description}`);
  const database = await createPostgresDatabase(postgres.adminUrl);
  cleanups.push({ what: 'the database', undo: () => database.drop() });

  const proxy = await startRoundRobinProxy();
  cleanups.push({ what: 'the proxy', undo: () => proxy.close() });
  const workDir = join(
    projectRoot,
    '.tmp',
    `loadtest-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..+$/, '')}`,
  );
  mkdirSync(workDir, { recursive: true });
  if (!args.keep) cleanups.push({ what: 'the work dir', undo: () => rm(workDir, { recursive: true, force: true }) });
  const configFile = join(workDir, 'loadtest-config.json');
  writeFileSync(configFile, `${JSON.stringify(mergedServerConfig(selected), null, 2)}\n`);

  say(`Starting 2 workers behind the proxy at ${proxy.url}...`);
  const workers = await startWorkers(2, {
    workDir,
    databaseUrl: database.url,
    extraEnv: { PUBLIC_URL: proxy.url, POORTWACHTER_CONFIG: configFile },
  });
  cleanups.push({ what: 'the workers', undo: () => workers.stop() });
  proxy.backends.push(...workers.all().map((worker) => worker.url));
  say(
    `  ${workers
      .all()
      .map((worker, i) => `worker ${i + 1}: ${worker.url} (pid ${worker.pid})`)
      .join('; ')}`,
  );
  const serverEnv = workers.all()[0]!.env;

  const store = openStore(database.url, { poolSize: 2 });
  cleanups.push({ what: 'the inventory store', undo: () => store.close() });
  const target = await registerLoadWebdienst(store, serverEnv, proxy.url);
  const prepared: PreparedScenario[] = [];
  for (const scenario of selected) {
    const ready = scenario.prepare
      ? await scenario.prepare({ target, databaseUrl: database.url, serverEnv, maxConcurrency: concurrency })
      : { scenario, close: () => Promise.resolve() };
    cleanups.push({ what: `scenario ${scenario.name}`, undo: () => ready.close() });
    prepared.push(ready);
    // Twice, so that each worker has served one before the load starts (the proxy alternates):
    // first-use costs at a worker (lazy loading, first queries) belong to no phase of the run.
    for (let i = 0; i < 2; i += 1)
      await ready.scenario.run({ target, browser: new BenchBrowser(target.baseUrl), step: (_name, fn) => fn() });
    say(`  prepared and tried ${scenario.name}: ${ready.scenario.description}`);
  }

  const flowLog = new FlowLog(retryPauseMs);
  const measureCpu = cpuWindow();
  const workersCpuAtStart = workers.cpuMs();
  const loadStartedAt = Date.now();
  say(`Load started (${elapsed(runStartedAt)} after the start of the run).`);
  const load = Promise.all(
    prepared.map(({ scenario }) =>
      runLoad({ scenario: flowLog.wrap(scenario), target, concurrency, warmupMs: 0, durationMs: totalMs, maxFlows }),
    ),
  );

  const faults = runFaultSchedule(
    {
      loadStartedAt,
      workerKillAtMs: beforeMs,
      postgresRestartAtMs: beforeMs + betweenMs,
      restartDelayMs,
      restartMode,
      timing: { graceMs, readyTimeoutMs, say },
    },
    { store, ledger: account.ledger, workers, postgres },
  );
  const [loadResults, { windows, lossChecks, inventories, error: faultError }] = await Promise.all([load, faults]);
  const loadEndedAt = Date.now();
  const cpu = measureCpu();
  const workersCpuMs = workers.cpuMs() - workersCpuAtStart;
  say(`Load ended at ${elapsed(loadStartedAt)}: ${flowLog.flows.length} flows. Checking...`);

  // Everything recorded before each fault, and every account created during the whole run, at the end.
  for (const [i, inventory] of inventories.entries()) {
    const accounts = i === inventories.length - 1 ? [...account.ledger] : inventory.accounts;
    lossChecks.push({
      label: `end of run: before fault ${i + 1}${accounts === inventory.accounts ? '' : ', and every account of the run'}`,
      check: await checkInventory(store, { ...inventory, accounts }),
    });
  }
  const audit = await runAuditVerify(serverEnv);
  say(`  poortwachter audit verify: ${audit.ok ? 'ok' : 'FAILED'}`);

  const verdicts = judge(flowLog.flows, windows, lossChecks, audit, 2);
  if (faultError) verdicts.push({ ok: false, text: `fault injection failed: ${faultError.message}` });
  const cores = availableParallelism();
  const { text, markdown } = renderReport({
    machine,
    settings: [
      `database: ${postgres.description}; a fresh database`,
      `workers: 2 x \`poortwachter serve\` (development configuration, LOG_LEVEL=warn, each its own port) behind a round-robin proxy (loadtest/round-robin-proxy.ts, nginx-like: a refused connection is retried at the other worker) at PUBLIC_URL`,
      `load: ${prepared.map(({ scenario }) => scenario.name).join(', ')}, ${concurrency} flow(s) in flight each, closed loop (a new flow as soon as one ends, ${retryPauseMs / 1000} s later after a failed one), for ${totalMs / 1000} s (at most ${maxFlows} flows per scenario)`,
      `faults: SIGKILL to worker 2 at ${beforeMs / 1000} s, restarted after ${restartDelayMs / 1000} s; pg_ctl restart -m ${restartMode} at ${(beforeMs + betweenMs) / 1000} s; grace ${graceMs / 1000} s`,
    ],
    loadStartedAt,
    loadEndedAt,
    flows: flowLog.flows,
    scenarios: prepared.map(({ scenario }) => scenario.name),
    steps: loadResults.map((loadResult) => ({ scenario: loadResult.scenario, steps: loadResult.steps })),
    windows,
    lossChecks,
    cpu: {
      machinePercent: (cpu.machineBusyMs / cpu.wallMs / cores) * 100,
      selfPercent: (cpu.selfMs / cpu.wallMs / cores) * 100,
      workersPercent: (workersCpuMs / cpu.wallMs / cores) * 100,
    },
    proxyBadGateways: proxy.badGateways,
    verdicts,
    durationSeconds: (Date.now() - runStartedAt) / 1000,
  });
  say(text);
  if (!verdicts.every((verdict) => verdict.ok)) {
    for (const [i, worker] of workers.all().entries())
      say(`\nworker ${i + 1} stderr (last lines):\n${worker.stderrTail().split('\n').slice(-15).join('\n')}`);
  }
  const out = prepareReportPath(projectRoot, args.out);
  writeFileSync(out, `${markdown}\n`);
  say(`Report written to ${out}`);
  return verdicts.every((verdict) => verdict.ok) ? 0 : 1;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  process.stderr.write(`loadtest failed: ${(error as Error).stack ?? String(error)}\n`);
} finally {
  await cleanUp();
}
process.exit(exitCode);
