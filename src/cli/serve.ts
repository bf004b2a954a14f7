// `poortwachter serve [--workers N]`: the service in this process, or N worker processes on one port.
import { parseArgs } from 'node:util';
import type { Config } from '../../config/index.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../server.ts';
import { UsageError } from './command.ts';
import { clusterWorkerId, isClusterWorker, superviseWorkers } from './serve-cluster.ts';

/** Resolves with the exit code when done, or -1 while the server keeps running. */
export async function serve(argv: string[], config: Config): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { workers: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new UsageError('--workers must be a whole number from 1 to 64');
  if (workers > 1 && !isClusterWorker()) {
    await superviseWorkers(workers, config, createLogger(config));
    return 0;
  }
  const workerId = clusterWorkerId();
  const server = await startServer(
    config,
    workerId === undefined ? {} : { logger: createLogger(config).child({ worker: workerId }) },
  );
  // Supervisors stop us with SIGTERM: finish what is in flight, then exit. The signal often comes
  // twice (to the process group and relayed by tsx or the cluster primary): repeats are ignored,
  // and the shutdown settings bound how long it takes.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return -1; // keep running
}
