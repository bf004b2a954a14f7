// Poortwachter as a second process on the same database (any process serves any
// request): `tsx src/cli/main.ts serve` with the first server's public URL, in its own process group.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, type TestServer } from './server.ts';

export interface SecondProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

export async function startSecondProcess(server: TestServer): Promise<SecondProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn('node_modules/.bin/tsx', ['src/cli/main.ts', 'serve'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      POORTWACHTER_ENV: 'development',
      PORT: String(port),
      PUBLIC_URL: server.url,
      DATABASE_URL: server.database.url,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`second process exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    const ready = await fetch(`${url}/.well-known/openid-configuration`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child, url, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  void stopSecondProcess(child); // never rejects; the error below is what the test needs to see
  throw new Error(`second process did not answer within 30 s:\n${output}`);
}

export async function stopSecondProcess(child: ChildProcess | undefined): Promise<void> {
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
