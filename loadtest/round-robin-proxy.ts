// The load balancer at the public URL, in front of the two worker processes. It behaves like the
// nginx setup in the README ("Several processes and machines"): requests go to the backends in turn,
// a backend that refuses a connection is passed over for a while (max_fails/fail_timeout), and a
// request is tried at the next backend when the first one could not take it (proxy_next_upstream
// error), which for a POST means only when its connection was never made, since the body may have
// been acted on. A new connection per request, as nginx's default HTTP/1.0 upstream does: a killed
// backend then leaves no stale pooled sockets behind.
import {
  createServer,
  request as forward,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  url: string;
  port: number;
  backends: string[];
  /** Requests answered 502 because no backend could take them. */
  badGateways: number;
  close(): Promise<void>;
}

const passOverMs = 2000;
const idempotent = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Headers about the connection to the backend (the body is passed on whole, with its own length). */
const hopByHop = /^(transfer-encoding|connection|keep-alive|content-length)$/i;

interface Attempt {
  status: number;
  headers: string[];
  body: Buffer;
}

function readBody(incoming: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.once('end', () => resolve(Buffer.concat(chunks)));
    incoming.once('error', reject);
  });
}

/** One try at one backend; `connected` says whether the request could have reached it. */
function tryBackend(
  backend: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    let connected = false;
    const upstream = forward(new URL(path, backend), { method, headers, agent: false }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.once('end', () =>
        resolve({ status: answer.statusCode ?? 502, headers: answer.rawHeaders, body: Buffer.concat(chunks) }),
      );
      answer.once('error', (error) => reject(Object.assign(error, { connected: true })));
    });
    upstream.once('socket', (socket) => socket.once('connect', () => (connected = true)));
    upstream.once('error', (error) => reject(Object.assign(error, { connected })));
    upstream.end(body);
  });
}

export async function startRoundRobinProxy(): Promise<RoundRobinProxy> {
  const backends: string[] = [];
  const passedOverUntil = new Map<string, number>();
  let next = 0;
  const proxy: RoundRobinProxy = { url: '', port: 0, backends, badGateways: 0, close: () => Promise.resolve() };

  /** The backends in turn from the next one, those passed over last (all of them when all are). */
  const order = (): string[] => {
    const start = next++ % backends.length;
    const turn = backends.map((_, i) => backends[(start + i) % backends.length]!);
    const now = Date.now();
    return [
      ...turn.filter((backend) => (passedOverUntil.get(backend) ?? 0) <= now),
      ...turn.filter((backend) => (passedOverUntil.get(backend) ?? 0) > now),
    ];
  };

  const forward = async (incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const method = incoming.method ?? 'GET';
    const body = await readBody(incoming).catch(() => undefined);
    if (!body) return void outgoing.destroy();
    let lastError = 'no backends';
    for (const backend of order()) {
      try {
        const answer = await tryBackend(backend, method, incoming.url ?? '/', incoming.headers, body);
        const headers = answer.headers.filter((_, i, all) => !hopByHop.test(all[i - (i % 2)]!));
        outgoing.writeHead(answer.status, [...headers, 'content-length', String(answer.body.length)]);
        outgoing.end(answer.body);
        return;
      } catch (error) {
        const { connected } = error as { connected?: boolean };
        lastError = `${backend}: ${(error as Error).message}`;
        if (!connected) passedOverUntil.set(backend, Date.now() + passOverMs);
        if (connected && !idempotent.has(method)) break;
      }
    }
    proxy.badGateways += 1;
    outgoing.writeHead(502, { 'content-type': 'text/plain' }).end(`bad gateway (${lastError})`);
  };
  // forward answers a failing backend itself (502); anything else it throws is a bug, left to stop the run.
  const server = createServer((incoming, outgoing) => void forward(incoming, outgoing));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  proxy.port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
