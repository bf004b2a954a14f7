// `poortwachter serve --workers N` (issue 6): N identical server processes behind one port (node:cluster:
// the primary accepts connections and hands them to the workers in turn). Every piece of state lives
// in the database, so any worker serves any request of a flow. The primary only supervises: it starts
// the first worker alone (a fresh database is migrated, seeded and given keys once), restarts a
// worker that dies, and passes SIGTERM/SIGINT on for a graceful shutdown of every worker.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

const restartDelayMs = 1000;

function fork(): Promise<Worker> {
  const worker = cluster.fork();
  return new Promise((resolve, reject) => {
    worker.once('listening', () => resolve(worker));
    worker.once('exit', (code, signal) => reject(new Error(`worker ${worker.id} exited before listening (${signal ?? code})`)));
  });
}

/** In the primary: starts the workers and resolves once every worker has exited after a signal. */
export async function superviseWorkers(count: number, logger: Logger): Promise<void> {
  let stopping = false;
  let allExited: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (allExited = resolve));
  const checkExited = () => {
    if (stopping && Object.keys(cluster.workers ?? {}).length === 0) allExited();
  };
  // Handlers first: a SIGTERM while the workers start must stop them too.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      // Once: the same signal often arrives twice (process group and relay), see cli.ts.
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
      if (!stopping) fork().catch((error: unknown) => logger.error({ err: error }, 'replacement worker failed to start'));
    }, restartDelayMs);
  });

  await fork();
  await Promise.all(Array.from({ length: count - 1 }, () => fork()));
  logger.info({ workers: count }, 'Poortwachter workers listening');
  await stopped;
}

export const isClusterWorker = (): boolean => cluster.isWorker;
export const clusterWorkerId = (): number | undefined => cluster.worker?.id;
