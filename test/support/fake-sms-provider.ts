// A small fake SMS provider for the HTTP gateway and the end-to-end login tests: it records every
// request and answers as its mode says ('ok' 200, 'error503', or 'hang': never answers).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeSmsProviderMode = 'ok' | 'error503' | 'hang';

export interface ReceivedSms {
  headers: IncomingHttpHeaders;
  /** The JSON body as parsed, or the raw text when it was not JSON. */
  body: unknown;
  rawBody: string;
}

export interface FakeSmsProvider {
  url: string;
  received: ReceivedSms[];
  setMode(mode: FakeSmsProviderMode): void;
  stop(): Promise<void>;
}

export async function start(options: { mode?: FakeSmsProviderMode } = {}): Promise<FakeSmsProvider> {
  let mode: FakeSmsProviderMode = options.mode ?? 'ok';
  const received: ReceivedSms[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown = rawBody;
      try {
        body = JSON.parse(rawBody);
      } catch {
        // kept as text
      }
      received.push({ headers: req.headers, body, rawBody });
      if (mode === 'hang') {
        hanging.add(res);
        return;
      }
      const status = mode === 'ok' ? 200 : 503;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify(
          mode === 'ok' ? { status: 'accepted', id: String(received.length) } : { error: 'service unavailable' },
        ),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/messages`,
    received,
    setMode(next) {
      mode = next;
    },
    async stop() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { start as startFakeSmsProvider };
