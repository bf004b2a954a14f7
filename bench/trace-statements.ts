// `npx tsx bench/trace-statements.ts [--scenario basis,sso] [--postgres URL]`: every SQL statement of
// one flow of each bench scenario, by HTTP step, so a statement can be traced to its reason. The server
// runs in this process (startServer, development configuration, a fresh sqlite file under .tmp/), one
// warm-up flow first; of six traced flows the one with the fewest statements is printed (the audit
// sealer runs each second and may land inside a flow).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/index.ts';
import { addOrganisation } from '../src/admin/organisations.ts';
import { addOidcWebdienst } from '../src/admin/webdiensten.ts';
import { systemClock } from '../src/core/clock.ts';
import { createLogger } from '../src/logger.ts';
import { startServer } from '../src/server.ts';
import { createServices } from '../src/services.ts';
import { testCitizens } from '../seeds/development.ts';
import { BenchBrowser } from './browser.ts';
import { scenarios } from './flows/index.ts';
import type { BenchTarget, PreparedScenario, Scenario } from './flows/scenario.ts';
import { createPostgresDatabase } from './postgres.ts';
import { freePort, projectRoot } from './server-process.ts';

const { values: args } = parseArgs({
  options: {
    scenario: { type: 'string', default: Object.keys(scenarios).join(',') },
    postgres: { type: 'string' },
    full: { type: 'boolean', default: false },
  },
});

interface Traced {
  step: string;
  kind: string;
  sql: string;
  bindings: readonly unknown[];
}

// Short string bindings only (types, table keys), so a trace shows which oidc-provider model a
// statement is for; payloads and hashes are left out.
const shortBindings = (bindings: readonly unknown[]) =>
  bindings.filter((value) => typeof value === 'string' && /^[A-Za-z_]{3,24}$/.test(value)).join(',');

const workDir = join(projectRoot, '.tmp', `trace-${Date.now()}`);
mkdirSync(workDir, { recursive: true });
const selected: Scenario[] = args.scenario.split(',').map((name) => {
  const scenario = scenarios[name.trim()];
  if (!scenario) throw new Error(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}`);
  return scenario;
});
const serverConfig = Object.assign({}, ...selected.map((scenario) => scenario.serverConfig ?? {})) as object;
const database = args.postgres ? await createPostgresDatabase(args.postgres) : undefined;
const port = await freePort();
const env: NodeJS.ProcessEnv = {
  POORTWACHTER_ENV: 'development',
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  DATABASE_URL: database?.url ?? `sqlite:${join(workDir, 'poortwachter.sqlite')}`,
  LOG_LEVEL: 'warn',
  POORTWACHTER_CONFIG: join(workDir, 'config.json'),
};
writeFileSync(env.POORTWACHTER_CONFIG!, JSON.stringify(serverConfig));
const config = loadConfig(env);
const server = await startServer(config, { host: '127.0.0.1', logger: createLogger(config) });
const prepared: PreparedScenario[] = [];
try {
  const { adminDeps } = createServices(config, server.store, systemClock);
  const oin = '00000009000000000042';
  await addOrganisation(adminDeps, { name: 'Bench organisatie', oin, bsnEntitled: true });
  const redirectUri = 'http://127.0.0.1:9/bench/callback';
  const registered = await addOidcWebdienst(
    { ...adminDeps, environment: config.environment },
    { organisationOin: oin, name: 'Bench webdienst', redirectUris: [redirectUri], auth: 'client_secret_basic' },
  );
  const target: BenchTarget = {
    baseUrl: server.url,
    clientId: registered.clientId,
    clientSecret: registered.clientSecret!,
    redirectUri,
    citizen: { username: testCitizens[0].username, password: testCitizens[0].password },
  };
  for (const scenario of selected) {
    prepared.push(
      scenario.prepare
        ? await scenario.prepare({
            target,
            databaseUrl: env.DATABASE_URL!,
            serverEnv: env,
            maxConcurrency: 1,
          })
        : { scenario, close: async () => {} },
    );
  }
  for (const { scenario } of prepared) {
    let best: Traced[] | undefined;
    for (let run = 0; run < 7; run += 1) {
      const traced: Traced[] = [];
      let step = '(before the first step)';
      const stop = server.store.watchStatements((sql, kind, bindings) => traced.push({ step, kind, sql, bindings }));
      try {
        await scenario.run({
          target,
          browser: new BenchBrowser(target.baseUrl),
          step: (name, fn) => {
            step = name;
            return fn();
          },
        });
      } finally {
        stop();
      }
      // The first run warms caches (webdienst registrations, keys); it is never the one printed.
      if (run > 0 && (!best || traced.length < best.length)) best = traced;
    }
    const counts = new Map<string, number>();
    for (const { kind } of best!) counts.set(kind, (counts.get(kind) ?? 0) + 1);
    process.stdout.write(
      `\n== ${scenario.name}: ${best!.length} statements (${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ')})\n`,
    );
    let previous = '';
    best!.forEach(({ step, kind, sql, bindings }, at) => {
      if (step !== previous) process.stdout.write(`  ${step}\n`);
      previous = step;
      const text = `${sql.replace(/\s+/g, ' ')} [${shortBindings(bindings)}]`;
      process.stdout.write(
        `    ${String(at + 1).padStart(2)} ${kind.padEnd(11)} ${args.full ? text : text.slice(0, 200)}\n`,
      );
    });
  }
} finally {
  for (const ready of prepared) await ready.close();
  await server.close();
  await database?.drop();
  rmSync(workDir, { recursive: true, force: true });
}
process.exit(0);
