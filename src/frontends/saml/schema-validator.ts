// Schema validation of SAML messages (SAML 2.0 protocol and assertion schemas) off the main thread:
// see schema-worker.mjs for why. One worker, replaced after `maxUses` validations (its memory grows
// with every call) or when a validation hangs; its stdout and stderr are discarded.
import { Worker } from 'node:worker_threads';

const maxUses = 100;
const timeoutMs = 10_000;

interface Pending {
  resolve: (valid: boolean) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | undefined;
let uses = 0;
let nextId = 0;
const pending = new Map<number, Pending>();

function retire(current: Worker, failure: boolean): void {
  if (worker === current) worker = undefined;
  if (failure) {
    for (const [id, waiting] of pending) {
      clearTimeout(waiting.timer);
      waiting.resolve(false);
      pending.delete(id);
    }
  }
  void current.terminate();
}

function currentWorker(): Worker {
  if (worker && uses < maxUses) return worker;
  if (worker) {
    const old = worker;
    // Let the old worker finish what it was given; it is terminated once idle.
    const waitingFor = [...pending.keys()];
    if (waitingFor.length === 0) void old.terminate();
    else old.once('message', function check() {
      if (![...pending.keys()].some((id) => waitingFor.includes(id))) void old.terminate();
      else old.once('message', check);
    });
  }
  const created = new Worker(new URL('./schema-worker.mjs', import.meta.url), { stdout: true, stderr: true });
  created.stdout.resume();
  created.stderr.resume();
  created.unref();
  created.on('message', ({ id, valid }: { id: number; valid: boolean }) => {
    const waiting = pending.get(id);
    if (!waiting) return;
    clearTimeout(waiting.timer);
    pending.delete(id);
    waiting.resolve(valid);
  });
  created.on('error', () => retire(created, true));
  created.on('exit', () => {
    if (worker === created) worker = undefined;
  });
  worker = created;
  uses = 0;
  return created;
}

/** Whether the XML is valid against the SAML 2.0 schemas; false on any failure of the validator. */
export function schemaValid(xml: string): Promise<boolean> {
  return new Promise((resolve) => {
    const target = currentWorker();
    uses += 1;
    const id = (nextId += 1);
    const timer = setTimeout(() => {
      pending.delete(id);
      resolve(false);
      retire(target, false);
    }, timeoutMs);
    timer.unref();
    pending.set(id, { resolve, timer });
    target.postMessage({ id, xml });
  });
}
