// `poortwachter serve --workers N`: N identical server processes behind one port (node:cluster:
// the primary accepts connections and hands them to the workers in turn). Every piece of state lives
// in the database, so any worker serves any request of a flow. The primary only supervises: it starts
// the first worker alone (a fresh database is migrated, seeded and given keys once), restarts a
// worker that dies, and passes SIGTERM/SIGINT on for a graceful shutdown of every worker.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../../config/index.ts';
import { startBanner } from './start-banner.ts';

const restartDelayMs = 1000;

/**
 * What each worker gets besides the primary's environment: its share of the cores for argon2id
 * (hashing bounded by the cores, machine-wide; N workers each hashing on every core would
 * run N times too many at once), unless the configuration names a number itself.
 */
export function workerEnvironment(config: Config, count: number): Record<string, string> {
  if (config.password.hashConcurrency !== undefined) return {};
  return { PASSWORD_HASH_CONCURRENCY: String(Math.max(1, Math.floor(availableParallelism() / count))) };
}

function fork(env: Record<string, string>): Promise<Worker> {
  const worker = cluster.fork(env);
  return new Promise((resolve, reject) => {
    worker.once('listening', () => resolve(worker));
    worker.once('exit', (code, signal) =>
      reject(new Error(`worker ${worker.id} exited before listening (${signal ?? code})`)),
    );
  });
}

/** In the primary: starts the workers and resolves once every worker has exited after a signal. */
export async function superviseWorkers(count: number, config: Config, logger: Logger): Promise<void> {
  const env = workerEnvironment(config, count);
  let stopping = false;
  let allExited: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (allExited = resolve));
  const checkExited = () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) allExited();
  };
  // Handlers first: a SIGTERM while the workers start must stop them too.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      // Once: the same signal often arrives twice (process group and relay), see serve.ts.
      if (stopping) return;
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
      checkExited();
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return checkExited();
    logger.error({ worker: worker.id, code, signal }, 'worker died; starting a new one');
    setTimeout(() => {
      if (!stopping)
        fork(env).catch((error: unknown) => logger.error({ err: error }, 'replacement worker failed to start'));
    }, restartDelayMs);
  });

  // A worker that a stop ends before it listens is no failed start.
  const started = (worker: Promise<Worker>) =>
    worker.catch((error: unknown) => {
      if (!stopping) throw error;
    });
  await started(fork(env));
  if (!stopping) await Promise.all(Array.from({ length: count - 1 }, () => started(fork(env))));
  if (!stopping) {
    logger.info({ workers: count }, 'Poortwachter workers listening');
    process.stderr.write(startBanner(config) ?? '');
  }
  await stopped;
}

export const isClusterWorker = (): boolean => cluster.isWorker;
export const clusterWorkerId = (): number | undefined => cluster.worker?.id;
