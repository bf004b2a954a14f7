// Requests node's HTTP parser refuses before the app sees them (a request line or headers over the
// size limit, malformed HTTP, a request that took too long): the status node would send, then the
// connection closed in stages (staged-close.ts) instead of at once, so a client still sending its
// over-long request reads the refusal instead of a connection reset. No body: the method is not known
// at this point, and an answer to HEAD must not have one (RFC 9110 9.3.2).
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { endInStages } from './staged-close.ts';

const statusFor = (code: string | undefined): number =>
  code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // A connection the client reset, or one whose answer has begun: nothing left to say (as node does).
    const answer = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || error.code === 'ECONNRESET' || answer?.headersSent) {
      socket.destroy();
      return;
    }
    const status = statusFor(error.code);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    endInStages(socket);
  });
}
