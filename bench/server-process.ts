// Runs Poortwachter as its own process for the bench, exactly as `npm start` would (src/cli/main.ts serve),
// on a free loopback port and a fresh sqlite file under .tmp/, and registers a bench webdienst through
// the CLI. Also reads the process's CPU time from /proc, so the report can say CPU per flow.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processCpuMs } from './cpu.ts';

export const projectRoot = resolve(import.meta.dirname, '..');

/** The project's own Node (node_modules/.bin/node via npm), never a system Node of another version. */
export const nodeBinary = process.execPath;

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

export interface BenchServerOptions {
  /** Directory for the database, logs and profiles (created). */
  workDir: string;
  /** Extra NODE_OPTIONS for the server only, e.g. "--cpu-prof --cpu-prof-dir=...". */
  nodeOptions?: string;
  logLevel?: string;
  extraEnv?: Record<string, string>;
  /** Another database than the fresh sqlite file in workDir (e.g. a fresh PostgreSQL database). */
  databaseUrl?: string;
  /** A given port instead of a free one (the load test restarts a killed worker where it was). */
  port?: number;
  /** `serve --workers N`: N processes on one port. */
  workers?: number;
}

export interface BenchServer {
  url: string;
  port: number;
  pid: number;
  /** performance.now() of this process when the server was spawned (a CPU profile starts about then). */
  spawnedAt: number;
  databaseUrl: string;
  env: NodeJS.ProcessEnv;
  /** Processes serving (`serve --workers N`). */
  workers: number;
  /** User + system CPU time of the server process (all threads, argon2 included), in ms. */
  cpuMs(): number;
  /** Runs `poortwachter <args> --json` against the same configuration and returns the parsed output. */
  cli<T = Record<string, unknown>>(args: string[]): Promise<T>;
  stop(): Promise<void>;
  stderrTail(): string;
}

function runNode(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(nodeBinary, ['--import', 'tsx', ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
  });
}

export async function startBenchServer(options: BenchServerOptions): Promise<BenchServer> {
  mkdirSync(options.workDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(options.workDir, 'poortwachter.sqlite')}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    POORTWACHTER_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: url,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: options.logLevel ?? 'warn',
    ...options.extraEnv,
  };
  const serverEnv = { ...env, ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}) };
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(
    nodeBinary,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'serve',
      ...(options.workers && options.workers > 1 ? ['--workers', String(options.workers)] : []),
    ],
    { cwd: projectRoot, env: serverEnv, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolveExit) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null);
      resolveExit();
    }),
  );

  // Never leave a server behind if this process ends early (an exception, a second Ctrl-C).
  const killOnExit = () => {
    if (exited === undefined) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exit.then(() => process.off('exit', killOnExit));

  // Wait until / answers (migrations, seed and key generation happen before listen).
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`server exited (${exited}) before it answered:\n${stderr}`);
    try {
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not answer on ${url} within 60 s:\n${stderr}`);
    }
    await sleep(200);
  }

  return {
    url,
    port,
    pid: child.pid!,
    spawnedAt,
    databaseUrl,
    env,
    workers: options.workers ?? 1,
    cpuMs: () => processCpuMs(child.pid!),
    async cli<T>(args: string[]): Promise<T> {
      const result = await runNode(['src/cli/main.ts', ...args, '--json'], env);
      if (result.code !== 0)
        throw new Error(`poortwachter ${args.join(' ')} failed (${result.code}): ${result.stdout}${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    async stop() {
      if (exited !== undefined) return;
      // The server stops gracefully on SIGINT (src/cli/main.ts) and exits through process.exit, so Node writes
      // a --cpu-prof profile; SIGKILL if it has not gone within 10 s.
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
    stderrTail: () => stderr,
  };
}
