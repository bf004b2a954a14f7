// A request refused before its whole body was read (413, too large) must not leave the keep-alive
// connection hanging: the next request on the same socket is answered at once,
// or the server says `Connection: close` with its refusal and closes the socket cleanly.
import { connect, type Socket } from 'node:net';
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../support/server.ts';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP/1.1 connection that reads answers one by one, and notes when the server closes it. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | undefined;
  closed = false;
  reset = false;
  readonly socket: Socket;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') this.reset = true;
    });
    this.socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
  }

  async opened(): Promise<void> {
    await new Promise((resolve, reject) => this.socket.once('connect', resolve).once('error', reject));
  }

  write(data: string | Buffer): void {
    if (!this.socket.destroyed) this.socket.write(data);
  }

  /** The next answer, or undefined when the socket closes (or `withinMs` passes) before one arrives. */
  async answer(withinMs: number): Promise<RawAnswer | undefined> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.closed || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private parse(): RawAnswer | undefined {
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = this.buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return undefined;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }

  close(): void {
    this.socket.destroy();
  }
}

function post(port: number, path: string, contentType: string, length: number | 'chunked'): string {
  const framing = length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`;
  return (
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n` +
    `Content-Type: ${contentType}\r\n${framing}\r\nOrigin: http://127.0.0.1:${port}\r\n\r\n`
  );
}

const get = (port: number, path: string): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`;

/** Sends a body the way a client does: headers, then the body in chunks while the server may already answer. */
async function sendBody(connection: RawConnection, head: string, bodyBytes: number, chunked = false): Promise<void> {
  connection.write(head);
  const chunk = Buffer.alloc(16 * 1024, 'a');
  for (let sent = 0; sent < bodyBytes && !connection.closed; sent += chunk.length) {
    const piece = chunk.subarray(0, Math.min(chunk.length, bodyBytes - sent));
    connection.write(
      chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece,
    );
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (chunked) connection.write('0\r\n\r\n');
}

describe('a request body refused as too large (src/http/settle-request-body.ts, request-body.ts)', function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.stop();
  });

  const form = 'application/x-www-form-urlencoded';
  const endpoints = [
    { name: 'a form POST (SAML HTTP-POST binding)', path: '/saml/sso', type: form, refusal: 413 },
    { name: 'a login form POST for an unknown attempt', path: '/inloggen/unknown', type: form, refusal: 400 },
    { name: 'a SOAP ArtifactResolve', path: '/saml/artifact', type: 'text/xml', refusal: 413 },
    { name: 'a SOAP LogoutRequest', path: '/saml/slo', type: 'text/xml', refusal: 413 },
    { name: 'an OIDC token request', path: '/token', type: form, refusal: 400 },
    { name: 'a form in the wrong content type', path: '/saml/sso', type: 'text/plain', refusal: 415 },
  ];

  for (const { name, path, type, refusal } of endpoints) {
    it(`answers the next request on the same connection at once after refusing ${name} of 256 KiB`, async () => {
      const connection = new RawConnection(server.port);
      await connection.opened();
      try {
        await sendBody(connection, post(server.port, path, type, 256 * 1024), 256 * 1024);
        const refused = await connection.answer(3000);
        expect(refused?.status, 'the refusal').to.equal(refusal);
        const started = Date.now();
        connection.write(get(server.port, '/healthz'));
        const next = await connection.answer(1000);
        expect(next?.status, 'the next request on the same socket').to.equal(200);
        expect(Date.now() - started, 'answered at once').to.be.below(1000);
      } finally {
        connection.close();
      }
    });
  }

  const closing = [
    { name: 'a declared body of 8 MiB', length: 8 * 1024 * 1024, chunked: false },
    { name: 'a chunked body of unknown length', length: 256 * 1024, chunked: true },
  ];
  for (const { name, length, chunked } of closing) {
    it(`says Connection: close and closes cleanly after refusing ${name}; a new connection works`, async () => {
      const connection = new RawConnection(server.port);
      await connection.opened();
      try {
        await sendBody(connection, post(server.port, '/saml/sso', form, chunked ? 'chunked' : length), length, chunked);
        const refused = await connection.answer(3000);
        expect(refused?.status, 'the refusal').to.equal(413);
        expect(refused!.headers.connection, 'the refusal announces the close').to.equal('close');
        expect(await connection.answer(3000), 'nothing after the refusal').to.equal(undefined);
        expect(connection.closed, 'the socket is closed').to.equal(true);
        expect(connection.reset, 'closed in order, not reset').to.equal(false);
        expect((await fetch(`${server.url}/healthz`)).status, 'a new connection works').to.equal(200);
      } finally {
        connection.close();
      }
    });
  }

  it('answers 431 to a request line of 1 MiB and closes in order, while the client is still sending it', async () => {
    const connection = new RawConnection(server.port);
    await connection.opened();
    try {
      connection.write(`GET /saml/sso?SAMLRequest=`);
      const chunk = 'A'.repeat(16 * 1024);
      // As a client does: the whole request goes out, whatever the server answers meanwhile.
      for (let sent = 0; sent < 1024 * 1024; sent += chunk.length) {
        connection.write(chunk);
        await new Promise((resolve) => setImmediate(resolve));
      }
      connection.write(` HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
      const refused = await connection.answer(3000);
      expect(refused?.status, 'the refusal').to.equal(431);
      expect(refused!.headers.connection).to.equal('close');
      expect(await connection.answer(3000), 'nothing after the refusal').to.equal(undefined);
      expect(connection.reset, 'closed in order, not reset').to.equal(false);
      expect((await fetch(`${server.url}/healthz`)).status, 'a new connection works').to.equal(200);
    } finally {
      connection.close();
    }
  });
});
