// Poortwachter as a second process on the same database (any process serves any
// request): `poortwachter serve` with the first server's public URL, in its own process group.
import type { ChildProcess } from 'node:child_process';
import { startCli, stopCli } from './cli.ts';
import { freePort, type TestServer } from './server.ts';

export interface SecondProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

export async function startSecondProcess(
  server: Pick<TestServer, 'url' | 'database'>,
  env: NodeJS.ProcessEnv = {},
): Promise<SecondProcess> {
  const port = await freePort();
  const { child, output } = startCli(['serve'], {
    POORTWACHTER_ENV: 'development',
    PORT: String(port),
    PUBLIC_URL: server.url,
    DATABASE_URL: server.database.url,
    LOG_LEVEL: 'warn',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`second process exited (${child.exitCode ?? child.signalCode}):\n${output()}`);
    const ready = await fetch(`${url}/.well-known/openid-configuration`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { child, url, output };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  void stopCli(child); // never rejects; the error below is what the test needs to see
  throw new Error(`second process did not answer within 30 s:\n${output()}`);
}

export const stopSecondProcess = stopCli;
