// The audit append rate: `writers` stores on one fresh database (each with its own connection, as
// separate server processes would have), each appending audit events one after the other for a fixed
// time; then the chain is verified, so a fast append that breaks the chain cannot pass for a result.
import { join } from 'node:path';
import { setImmediate as yieldToTimers } from 'node:timers/promises';
import { verifyAuditChain } from '../src/core/audit-chain.ts';
import { openStore, type Store } from '../src/stores/index.ts';
import { createPostgresDatabase } from './postgres.ts';
import { summarise, type LatencySummary } from './stats.ts';

export interface AuditAppendResult {
  writers: number;
  seconds: number;
  appends: number;
  perSecond: number;
  latencyMs: LatencySummary;
  /** Appends that failed, and the first error message. */
  errors: number;
  firstError?: string;
  /** Events chained by the sealer while the writers ran (each second, as a server does), and after them. */
  sealedDuring: number;
  sealedAfter: number;
  sealAfterMs: number;
  /** What `audit verify` said afterwards about the chain. */
  chainOk: boolean;
  chainEvents: number;
}

function event(writer: number, n: number): Parameters<Store['insertAuditEvent']>[0] {
  return {
    at: Date.now(),
    type: 'login.password',
    outcome: 'success',
    reason: null,
    citizenId: '00000000-0000-4000-8000-000000000001',
    webdienstId: '00000000-0000-4000-8000-000000000002',
    clientAddress: '192.0.2.7',
    details: { level: 'basis', writer, n },
  };
}

export async function measureAuditAppends(options: {
  database: 'sqlite' | 'postgres';
  workDir: string;
  postgresAdminUrl?: string;
  writers: number;
  seconds: number;
}): Promise<AuditAppendResult> {
  const postgres =
    options.database === 'postgres' ? await createPostgresDatabase(options.postgresAdminUrl!) : undefined;
  const url = postgres?.url ?? `sqlite:${join(options.workDir, 'audit-append.sqlite')}`;
  const stores = Array.from({ length: options.writers }, () => openStore(url, { poolSize: 1 }));
  try {
    await stores[0]!.migrate();
    const latencies: number[] = [];
    let errors = 0;
    let firstError: string | undefined;
    const deadline = performance.now() + options.seconds * 1000;
    const started = performance.now();
    // The sealer as a server runs it: once a second, in one of the processes.
    let sealedDuring = 0;
    let sealerError: Error | undefined;
    const sealer = setInterval(() => {
      stores[0]!.sealAuditEvents().then(
        (sealed) => (sealedDuring += sealed),
        (error: Error) => (sealerError ??= error),
      );
    }, 1000);
    await Promise.all(
      stores.map(async (store, writer) => {
        for (let n = 1; performance.now() < deadline; n += 1) {
          const before = performance.now();
          try {
            await store.insertAuditEvent(event(writer, n));
            latencies.push(performance.now() - before);
          } catch (error) {
            errors += 1;
            firstError ??= (error as Error).message;
          }
          // sqlite answers on this thread without I/O: let the sealer's timer run, as in a server.
          await yieldToTimers();
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sealer);
    if (sealerError) throw sealerError;
    const sealStarted = performance.now();
    const sealedAfter = await stores[0]!.sealAuditEvents({ wait: true });
    const sealAfterMs = performance.now() - sealStarted;
    const verdict = await verifyAuditChain(stores[0]!);
    return {
      writers: options.writers,
      seconds: elapsed,
      appends: latencies.length,
      perSecond: latencies.length / elapsed,
      latencyMs: summarise(latencies),
      errors,
      sealedDuring,
      sealedAfter,
      sealAfterMs,
      ...(firstError ? { firstError } : {}),
      chainOk: verdict.ok && verdict.events === latencies.length,
      chainEvents: verdict.events,
    };
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    await postgres?.drop();
  }
}
