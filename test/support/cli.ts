// The command line `poortwachter` as a child process, started the way `npx poortwachter` starts it
// (bin/poortwachter.js, which loads the TypeScript through tsx in the same process). No tsx wrapper
// process sits between a test and the command: such a wrapper relays SIGTERM and kills its child
// when the child does not confirm the signal within a few milliseconds, which a loaded machine
// cannot promise, so a test of how `serve` stops would test the wrapper instead.
import { execFile, spawn, type ChildProcess } from 'node:child_process';

export interface CliRun {
  /** The exit status; -1 when the command did not exit by itself (killed, timed out). */
  code: number;
  stdout: string;
  stderr: string;
}

const command = process.execPath;
const entry = 'bin/poortwachter.js';

/** Only what a command needs from the test's environment; the rest comes from `env`. */
function environment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
}

/** Runs `poortwachter ...args` to its end. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      [entry, ...args],
      { env: environment(env), timeout: options.timeoutMs ?? 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

export interface CliProcess {
  child: ChildProcess;
  /** Everything it wrote so far, stdout and stderr together. */
  output: () => string;
  /** Resolves with the exit status, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals>;
}

/** Starts a long-running `poortwachter ...args` (serve) in a process group of its own. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): CliProcess {
  let output = '';
  const child = spawn(command, [entry, ...args], {
    env: environment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal!)),
  );
  return { child, output: () => output, exited };
}

/** Waits until the output contains `text`; fails when the process exits first or the time runs out. */
export async function waitForOutput(started: CliProcess, text: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    const { exitCode, signalCode } = started.child;
    if (exitCode !== null || signalCode !== null || Date.now() > deadline)
      throw new Error(
        `poortwachter did not print "${text}" (${exitCode ?? signalCode ?? 'still running'}):\n${started.output()}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM to the process group, SIGKILL after 5 seconds; never rejects. */
export async function stopCli(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

/** Runs `poortwachter ...args` in development on the database at `databaseUrl`. */
export function runCliOn(databaseUrl: string, args: string[], options: { stdin?: string } = {}): Promise<CliRun> {
  return runCli(args, { POORTWACHTER_ENV: 'development', DATABASE_URL: databaseUrl }, options);
}
