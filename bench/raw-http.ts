// The load generator's HTTP/1.1 transport: plain keep-alive sockets, the request written as one
// string, the response parsed just enough for a login flow (status, headers, a Content-Length or
// chunked body). It shares the two cores with the server, so every microsecond it spends is taken
// from the server: with node:http's client the bench spent ~1.45 ms of CPU per Basis flow, with
// this ~0.9 ms (5 requests per flow).
// Only for talking to our own server on loopback; it is no general-purpose client.
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** Header names in lower case; set-cookie keeps every value. */
  headers: Record<string, string | string[]>;
  body: string;
}

interface Waiter {
  resolve(response: RawResponse): void;
  reject(error: Error): void;
}

const headerEnd = Buffer.from('\r\n\r\n');

/** One keep-alive connection that carries one request at a time. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: Waiter | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Bytes of the response received so far (to tell a stale keep-alive socket from a broken answer). */
  received = 0;
  closed = false;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      this.closed = true;
      // A response with neither Content-Length nor chunks ends where the connection does (RFC 9112 6.3).
      const response = this.parse(true);
      if (response) this.settle(response);
      else this.fail(new Error('socket closed before the response ended'));
    });
  }

  send(head: string, body: string | undefined, timeoutMs: number): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.received = 0;
      this.timer = setTimeout(() => this.socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      this.socket.write(body === undefined ? head : head + body);
    });
  }

  private fail(error: Error): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    clearTimeout(this.timer);
    waiter?.reject(error);
  }

  private onData(chunk: Buffer): void {
    this.received += chunk.length;
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const response = this.parse(false);
    if (response) this.settle(response);
  }

  private settle(response: RawResponse): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    clearTimeout(this.timer);
    waiter?.resolve(response);
  }

  /** A whole response from the buffer, or undefined while bytes are missing; closed: no more bytes will come. */
  private parse(closed: boolean): RawResponse | undefined {
    if (!this.waiter) return undefined;
    const end = this.buffer.indexOf(headerEnd);
    if (end < 0) return undefined;
    const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0]!.slice(9, 12));
    const headers: Record<string, string | string[]> = {};
    for (let i = 1; i < lines.length; i += 1) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'set-cookie') ((headers[name] ??= []) as string[]).push(value);
      else headers[name] = value;
    }
    const bodyStart = end + headerEnd.length;
    let body: Buffer;
    let rest: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const decoded = decodeChunked(this.buffer, bodyStart);
      if (!decoded) return undefined;
      [body, rest] = [decoded.body, this.buffer.subarray(decoded.end)];
    } else if (headers['content-length'] === undefined && status !== 204 && status !== 304) {
      if (!closed) return undefined;
      [body, rest] = [this.buffer.subarray(bodyStart), Buffer.alloc(0)];
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (this.buffer.length < bodyStart + length) return undefined;
      [body, rest] = [this.buffer.subarray(bodyStart, bodyStart + length), this.buffer.subarray(bodyStart + length)];
    }
    this.buffer = rest;
    if (headers.connection === 'close') this.socket.end();
    return { status, headers, body: body.toString('utf8') };
  }
}

function decodeChunked(buffer: Buffer, start: number): { body: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = buffer.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
    const dataStart = lineEnd + 2;
    if (buffer.length < dataStart + size + 2) return undefined;
    if (size === 0) return { body: Buffer.concat(parts), end: dataStart + 2 };
    parts.push(buffer.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

/** Idle keep-alive connections to one host:port, shared by every browser of the load generator. */
export class RawHttpPool {
  private readonly idle: Connection[] = [];

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
  ): Promise<RawResponse> {
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (body !== undefined) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
    head += '\r\n';
    for (;;) {
      let reused = this.idle.pop();
      while (reused?.closed) reused = this.idle.pop();
      const connection = reused ?? (await this.open());
      try {
        const response = await connection.send(head, body, timeoutMs);
        if (!connection.closed && response.headers.connection !== 'close') this.idle.push(connection);
        return response;
      } catch (error) {
        connection.socket.destroy();
        // The server may close an idle keep-alive socket just as we reuse it: try a fresh one.
        if (reused && connection.received === 0) continue;
        throw error;
      }
    }
  }

  private open(): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.port, this.host);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }
}
