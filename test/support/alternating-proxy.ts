// A load balancer that never lets two requests in a row reach the same process: request k goes to
// backend k mod n, each on a connection of its own. Tests put it at PUBLIC_URL, in front of several
// Poortwachter processes on one database, to prove any process serves any request of a flow
//. It forwards like a reverse proxy: method, path, headers and body as they
// came (the Host and Origin a browser sent, so the processes see their public address).
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Index of the backend that answered. */
  backend: number;
  status: number;
}

export interface AlternatingProxy {
  url: string;
  port: number;
  /** Every request in the order it arrived. */
  log: ProxiedRequest[];
  /** The backends (http://127.0.0.1:port), settable once they are started behind the proxy's address. */
  backends: string[];
  close(): Promise<void>;
}

export async function startAlternatingProxy(port = 0): Promise<AlternatingProxy> {
  const log: ProxiedRequest[] = [];
  const backends: string[] = [];
  let next = 0;
  const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (backends.length === 0) {
      outgoing.writeHead(503).end('no backends yet');
      return;
    }
    const backend = next % backends.length;
    next += 1;
    const target = new URL(incoming.url ?? '/', backends[backend]);
    const entry: ProxiedRequest = { method: incoming.method ?? 'GET', path: target.pathname, backend, status: 0 };
    log.push(entry);
    const upstream = forward(target, { method: incoming.method, headers: incoming.headers, agent: false }, (answer) => {
      entry.status = answer.statusCode ?? 0;
      outgoing.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
      answer.pipe(outgoing);
    });
    upstream.on('error', (error) => {
      entry.status = 502;
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end(`backend ${backend} failed: ${error.message}`);
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    log,
    backends,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
