// Runs fuzz cases against the target: a seeded generator makes `count` requests (SAML and OIDC in
// turn), sent a few at a time over keep-alive connections. The verdict: no answer 5xx, every request
// answered (no reset, no hang), the service still healthy afterwards, and no row written in any
// watched table. Audit events are left out of that comparison on purpose: a refusal is itself a
// security event and is audited (every rejection is logged with a reason), so
// the check there is only that a request adds at most a few events.
import { Agent, request } from 'node:http';
import { oidcCase } from './oidc-cases.ts';
import { Prng } from './prng.ts';
import type { FuzzRequest } from './requests.ts';
import { samlCase } from './saml-cases.ts';
import { watchedTables, type FuzzTarget } from './target.ts';

export interface FuzzOptions {
  count: number;
  seed: number;
  concurrency?: number;
  /** Milliseconds one request may take before it counts as hanging. */
  timeoutMs?: number;
  onProgress?: (done: number) => void;
  /** Count rows after every case (one at a time) to name the cases that wrote: slow, for diagnosis. */
  attributeWrites?: boolean;
}

export interface FuzzFailure {
  index: number;
  name: string;
  method: string;
  path: string;
  problem: string;
}

export interface FuzzReport {
  count: number;
  seed: number;
  seconds: number;
  statuses: Record<string, number>;
  /** Requests per generator family (before the first slash of the name). */
  families: Record<string, number>;
  failures: FuzzFailure[];
  /** Watched tables whose row count changed: table -> rows added (or removed). */
  writes: Record<string, number>;
  auditEventsAdded: number;
  errorLogLines: string[];
  healthyAfterwards: boolean;
}

const cookieNames = [
  '_session',
  '_session.sig',
  '_interaction',
  '_interaction_resume',
  'poortwachter_login',
  'poortwachter_mijn',
  'poortwachter_mijn_login',
  'pw_sso',
  'lang',
];

/** Headers every endpoint reads (locale, cookies, content negotiation, proxies), garbled now and then. */
function noiseHeaders(rng: Prng): Record<string, string> {
  const headers: Record<string, string> = {};
  if (rng.chance(0.2))
    headers['accept-language'] = rng.pick(['*', 'xx-YY;q=abc', 'nl;q=2,en;q=-1', rng.text(30), ',,,']);
  if (rng.chance(0.2))
    headers.cookie = Array.from(
      { length: rng.int(1, 4) },
      () => `${rng.pick(cookieNames)}=${rng.pick([rng.text(20), '', '%', 'a'.repeat(3000)])}`,
    ).join('; ');
  if (rng.chance(0.1))
    headers.accept = rng.pick(['application/json', '*/*;q=x', rng.text(20), 'text/html, application/json;q=0']);
  if (rng.chance(0.05)) headers['x-forwarded-for'] = rng.pick([rng.text(15), '1.2.3.4, ::1, garbage', '']);
  if (rng.chance(0.05)) headers['content-encoding'] = rng.pick(['gzip', 'br', rng.text(5)]);
  if (rng.chance(0.05)) headers.expect = '100-continue';
  return headers;
}

/** The i-th case of a seed: the same seed and index always give the same request. */
export function fuzzCase(seed: number, index: number, target: FuzzTarget): FuzzRequest {
  const rng = new Prng((seed * 1_000_003 + index) >>> 0);
  const fuzz = index % 2 === 0 ? samlCase(rng, target) : oidcCase(rng, target);
  return { ...fuzz, headers: { ...noiseHeaders(rng), ...fuzz.headers } };
}

/** Header values as a client can send them at all (RFC 9110 5.5: visible ASCII, space and tab). */
function sendable(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, value.replace(/[^\t\x20-\x7e]/g, '?')]),
  );
}

/** A path as a client can send it: what node refuses to put on the wire (space, controls, non-Latin-1) percent-encoded. */
const sendablePath = (path: string): string =>
  path.replace(/[^\u0021-\u00ff]/g, (char) => encodeURIComponent(char.replace(/[\ud800-\udfff]/, '\ufffd')));

function send(agent: Agent, target: FuzzTarget, fuzz: FuzzRequest, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = fuzz.body === undefined ? undefined : Buffer.isBuffer(fuzz.body) ? fuzz.body : Buffer.from(fuzz.body);
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: fuzz.method,
        path: sendablePath(fuzz.path),
        agent,
        headers: {
          host: `127.0.0.1:${target.port}`,
          ...sendable(fuzz.headers),
          ...(body ? { 'content-length': String(body.length) } : {}),
        },
        timeout: timeoutMs,
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => resolve(answer.statusCode ?? 0));
        answer.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const concurrency = options.attributeWrites ? 1 : (options.concurrency ?? 4);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const before = await target.countRows();
  let last = before;
  const errorLogsBefore = target.errorLogs.length;
  const statuses: Record<string, number> = {};
  const families: Record<string, number> = {};
  const failures: FuzzFailure[] = [];
  let next = 0;
  let done = 0;

  const worker = async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= options.count) return;
      const fuzz = fuzzCase(options.seed, index, target);
      const family = fuzz.name.split('/')[0]!;
      families[family] = (families[family] ?? 0) + 1;
      const failure = (problem: string) =>
        failures.push({ index, name: fuzz.name, method: fuzz.method, path: fuzz.path.slice(0, 300), problem });
      try {
        const status = await send(agent, target, fuzz, timeoutMs);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status >= 500) failure(`answered ${status}`);
        if (options.attributeWrites) {
          const now = await target.countRows();
          const changed = watchedTables.filter((table) => now[table] !== last[table]);
          if (changed.length) failure(`answered ${status} and wrote to ${changed.join(', ')}`);
          last = now;
        }
      } catch (error) {
        // A client-side error (a request node refuses to send) is the generator's fault, not the server's.
        if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_')) throw error;
        statuses.error = (statuses.error ?? 0) + 1;
        failure(`no answer: ${(error as Error).message}`);
      }
      done += 1;
      if (done % 500 === 0) options.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();

  const after = await target.countRows();
  const writes: Record<string, number> = {};
  for (const table of watchedTables) if (after[table] !== before[table]) writes[table] = after[table]! - before[table]!;
  let healthyAfterwards = false;
  try {
    healthyAfterwards = (await fetch(`${target.url}/healthz`)).status === 200;
  } catch {
    healthyAfterwards = false;
  }
  return {
    count: options.count,
    seed: options.seed,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    statuses,
    families,
    failures,
    writes,
    auditEventsAdded: after.audit_events! - before.audit_events!,
    errorLogLines: target.errorLogs.slice(errorLogsBefore),
    healthyAfterwards,
  };
}

/** Whether the run holds: no 5xx, no request unanswered, nothing written, still healthy. */
export function fuzzPassed(report: FuzzReport): boolean {
  return (
    report.failures.length === 0 &&
    Object.keys(report.writes).length === 0 &&
    report.healthyAfterwards &&
    report.auditEventsAdded <= report.count * 3
  );
}
