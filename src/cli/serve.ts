// `poortwachter serve [--workers N]`: the service in this process, or N worker processes on one port.
import { parseArgs } from 'node:util';
import type { Config } from '../../config/index.ts';
import { createLogger } from '../logger.ts';
import { startServer, type RunningServer } from '../server.ts';
import { UsageError } from './command.ts';
import { startBanner } from './start-banner.ts';
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
  // Supervisors stop us with SIGTERM: finish what is in flight, then exit. The handlers come before
  // the start, so a SIGTERM during the start (migrations, keys) does not kill the process half-way:
  // the start finishes, then the server closes at once. The signal often comes twice (to the process
  // group and relayed by tsx or the cluster primary): repeats are ignored, and the shutdown settings
  // bound how long it takes.
  let stopRequested = false;
  const started: { server?: RunningServer } = {};
  const stop = (running: RunningServer) =>
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopRequested) return;
      stopRequested = true;
      if (started.server) void stop(started.server);
    });
  }
  started.server = await startServer(
    config,
    workerId === undefined ? {} : { logger: createLogger(config).child({ worker: workerId }) },
  );
  if (stopRequested) void stop(started.server);
  else if (workerId === undefined) process.stderr.write(startBanner(config) ?? '');
  return -1; // keep running
}
