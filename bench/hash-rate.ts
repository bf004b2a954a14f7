// argon2id throughput with the server's own parameters (owaspArgon2id), measured in a child process
// of its own so it runs like the server runs it: one Node process, @node-rs/argon2 on the libuv
// thread pool, `concurrency` checks in flight (the server's hasher allows availableParallelism()).
//
//   as a module:  measureHashRate({ seconds, concurrency })   -> spawns this file as a child
//   as a child:   node --import tsx bench/hash-rate.ts --child --seconds 4 --concurrency 2
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hash, verify } from '@node-rs/argon2';
import { owaspArgon2id } from '../src/core/passwords/hasher.ts';
import { cpuWindow } from './cpu.ts';

export interface HashRate {
  operation: 'verify' | 'hash';
  concurrency: number;
  count: number;
  elapsedMs: number;
  perSecond: number;
  /** CPU time of the whole child process (all threads) per operation. */
  cpuMsPerOp: number;
  meanMs: number;
  /** CPU other processes used meanwhile (100 = one core): the machine is shared. */
  othersCpuPercent: number;
}

const password = 'zonnebloem-fietsbel-2026';

async function measure(operation: 'verify' | 'hash', seconds: number, concurrency: number): Promise<HashRate> {
  const stored = await hash(password, owaspArgon2id);
  const once = operation === 'verify' ? () => verify(stored, password) : () => hash(password, owaspArgon2id);
  // Warm-up: every worker thread once.
  await Promise.all(Array.from({ length: concurrency }, () => once()));
  let count = 0;
  let busyMs = 0;
  const window = cpuWindow();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const at = performance.now();
        await once();
        busyMs += performance.now() - at;
        count += 1;
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = window();
  return {
    operation,
    concurrency,
    count,
    elapsedMs,
    perSecond: (count * 1000) / elapsedMs,
    cpuMsPerOp: cpu.selfMs / count,
    meanMs: busyMs / count,
    othersCpuPercent: (Math.max(0, cpu.machineBusyMs - cpu.selfMs) / cpu.wallMs) * 100,
  };
}

/** Runs the measurement in a child process and returns what it printed. */
export function measureHashRate(options: {
  seconds: number;
  concurrency?: number;
  operations?: Array<'verify' | 'hash'>;
}): Promise<HashRate[]> {
  const concurrency = options.concurrency ?? availableParallelism();
  const operations = options.operations ?? ['verify', 'hash'];
  return new Promise((resolveRate, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        '--seconds',
        String(options.seconds),
        '--concurrency',
        String(concurrency),
        '--operations',
        operations.join(','),
      ],
      {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`hash-rate child exited with ${code}: ${stdout}`));
      try {
        resolveRate(JSON.parse(stdout) as HashRate[]);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

if (process.argv.includes('--child') && process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      child: { type: 'boolean' },
      seconds: { type: 'string' },
      concurrency: { type: 'string' },
      operations: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds ?? 4);
  const concurrency = Number(values.concurrency ?? availableParallelism());
  const results: HashRate[] = [];
  for (const operation of (values.operations ?? 'verify').split(',') as Array<'verify' | 'hash'>)
    results.push(await measure(operation, seconds, concurrency));
  process.stdout.write(`${JSON.stringify(results)}\n`);
}
