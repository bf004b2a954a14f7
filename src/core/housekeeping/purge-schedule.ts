// The purge job of a running service: every interval, one run of purgeExpiredRows. Runs never
// overlap in a process (the store's purge lock), and across processes only one purges at a time.
import { purgeExpiredRows, type PurgeDeps } from './purge-expired.ts';

interface ScheduleLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/**
 * Starts the periodic purge (intervalSeconds 0: none); returns the function that stops it, which
 * waits for a run in progress (so the store is not closed under it).
 */
export function schedulePurge(deps: PurgeDeps, intervalSeconds: number, logger: ScheduleLog): () => Promise<void> {
  if (intervalSeconds === 0) return () => Promise.resolve();
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = purgeExpiredRows(deps).then(
      (report) => {
        const total = Object.values(report.purged).reduce((sum, rows) => sum + rows, 0);
        if (total > 0 || (report.ran && !report.complete))
          logger.info({ purged: report.purged, complete: report.complete }, 'expired rows purged');
      },
      (error: unknown) => logger.warn({ err: error }, 'purge of expired rows failed'),
    );
  }, intervalSeconds * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    return running;
  };
}
