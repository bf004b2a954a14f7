// The two Poortwachter worker processes: two `poortwachter serve` processes on two loopback ports,
// both with the proxy's address as PUBLIC_URL, on one database. The load test is their supervisor
// (as systemd or the cluster primary would be): it can kill one with SIGKILL and start it again on
// the same port, and it asks each one's own /readyz, which the shared port of `serve --workers`
// could not tell apart.
import { setTimeout as sleep } from 'node:timers/promises';
import { startBenchServer, type BenchServer, type BenchServerOptions } from '../bench/server-process.ts';

export interface Workers {
  all(): BenchServer[];
  /** SIGKILL to worker `index`; resolves once it has gone. */
  kill(index: number): Promise<number>;
  /** Starts worker `index` again on its port. */
  restart(index: number): Promise<BenchServer>;
  /** CPU time of every worker process ever started, the killed ones up to their kill (ms, from /proc). */
  cpuMs(): number;
  /** Resolves once every worker's own /readyz answers 200 (polling every 100 ms). */
  waitUntilAllReady(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Starts `count` workers one after the other (the first migrates and makes the keys the others load). */
export async function startWorkers(count: number, options: Omit<BenchServerOptions, 'port'>): Promise<Workers> {
  const workers: BenchServer[] = [];
  for (let i = 0; i < count; i += 1) workers.push(await startBenchServer(options));
  let killedCpuMs = 0;
  return {
    all: () => [...workers],
    cpuMs: () => killedCpuMs + workers.reduce((sum, worker) => sum + worker.cpuMs(), 0),
    async kill(index) {
      const { pid } = workers[index]!;
      killedCpuMs += workers[index]!.cpuMs();
      process.kill(pid, 'SIGKILL');
      while (!processGone(pid)) await sleep(10);
      return pid;
    },
    async restart(index) {
      workers[index] = await startBenchServer({ ...options, port: workers[index]!.port });
      return workers[index];
    },
    async waitUntilAllReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!(await Promise.all(workers.map((worker) => isReady(worker.url)))).every(Boolean)) {
        if (Date.now() > deadline)
          throw new Error(`not every worker answered /readyz 200 within ${timeoutMs / 1000} s`);
        await sleep(100);
      }
    },
    stop: async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
    },
  };
}
