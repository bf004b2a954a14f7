// Closing a connection without losing the last answer (RFC 9112 section 9.6): closing at once while
// the client still sends makes TCP reset the connection, which can discard our answer before the
// client reads it. So: close our side only, read on (and throw away) what the client still sends,
// and close fully once the client has closed its side too or a short linger time has passed.
import type { Socket } from 'node:net';

/** How long a closing connection keeps reading what the client still sends. */
const lingerMs = 2000;

/** Ends our side of the socket (after whatever was written) and closes it in stages. */
export function endInStages(socket: Socket): void {
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
  socket.on('error', () => socket.destroy());
  socket.resume();
  socket.end();
}
