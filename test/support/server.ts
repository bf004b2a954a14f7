// Starts a real Poortwachter HTTP server for a test, on a free loopback port and a fresh database.
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig, type Config, type ConfigOverrides } from '../../config/index.ts';
import type { Clock } from '../../src/core/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Every log line the test servers wrote, for the suite-wide secret scan. */
export const capturedLogLines: string[] = [];

export interface TestServer extends RunningServer {
  config: Config;
  database: TestDatabase;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  kind?: 'sqlite' | 'postgres';
  database?: TestDatabase;
  overrides?: ConfigOverrides;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
}

/** Test configuration: development, trusted proxy headers so a test can pose as another client address. */
export async function testConfig(
  databaseUrl: string,
  overrides: ConfigOverrides = {},
  env: NodeJS.ProcessEnv = {},
): Promise<Config> {
  const port = overrides.port ?? (await freePort());
  return loadConfig(
    { POORTWACHTER_ENV: 'development', ...env },
    {
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      databaseUrl,
      trustProxy: true,
      logLevel: 'info',
      ...overrides,
    },
  );
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.kind ?? 'sqlite'));
  const config = await testConfig(database.url, options.overrides, options.env);
  const sink = new Writable({
    write(chunk, _encoding, done) {
      capturedLogLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const running = await startServer(config, { clock: options.clock, logger: createLogger(config, sink) });
  return {
    ...running,
    url: config.publicUrl,
    config,
    database,
    async stop() {
      await running.close();
      if (!options.database) await database.drop();
    },
  };
}
