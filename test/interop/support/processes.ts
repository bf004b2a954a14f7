// The service providers of the interop tests run as processes of their own (Apache, pysaml2's WSGI
// server): start them, wait until they answer, collect what they print, and stop them again.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  output: string;
}

/** Runs a command to its end (or `timeoutMs`), with stdout and stderr together in `output`. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** True once `url` answers at all (any status); false after about ten seconds. */
export async function waitUntilAnswering(url: string, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i += 1) {
    const answered = await fetch(url, { redirect: 'manual' }).then(
      () => true,
      () => false,
    );
    if (answered) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export interface SpProcess {
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts a long-running SP (pysaml2's WSGI server) and waits until `readyUrl` answers. */
export async function startSpProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyUrl: string,
): Promise<SpProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (chunk) => (log += chunk));
  child.stderr.on('data', (chunk) => (log += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  if (await waitUntilAnswering(readyUrl)) return { child, log: () => log, stop };
  await stop();
  throw new Error(`SP did not start:\n${log}`);
}

/** Debian's own Python, where python3-pysaml2 is installed (a `python3` earlier on PATH may not have it). */
export const debianPython = '/usr/bin/python3';
