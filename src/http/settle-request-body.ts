// After the answer: a request body nobody read to its end (refused as too large, wrong content type,
// an endpoint that needs no body) must not hold up the connection. RFC 9112 section 9.3: the next
// request on a persistent connection starts only after this body, so the rest is read and thrown
// away when it is small; a large or open-ended rest is not worth reading, so the answer says
// `Connection: close` and the connection is closed in stages (RFC 9112 section 9.6): first our side
// only, then reading on until the client closes its side or a short linger time passes. Closing at
// once while the client still sends makes TCP reset the connection, which can discard our answer
// before the client reads it.
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';

/** The most of an unread body thrown away to keep the connection for the next request. */
const discardBytes = 1024 * 1024;
/** How long a closing connection keeps reading what the client still sends. */
const lingerMs = 2000;

export function settleRequestBody(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      const request = ctx.req;
      if (!request.readableEnded && !request.destroyed) {
        const declared = ctx.request.length;
        if (!request.complete && !(declared !== undefined && declared <= discardBytes)) {
          ctx.set('Connection', 'close');
          closeInStages(request.socket);
        }
        request.resume();
      }
    }
  };
}

/**
 * Node ends a `Connection: close` answer with socket.destroySoon(), which destroys the socket as soon
 * as the answer is written. On this socket it half-closes instead, and destroys it once the client
 * has closed its side too or the linger time is over.
 */
function closeInStages(socket: Socket & { destroySoon?: () => void }): void {
  socket.destroySoon = () => {
    const timer = setTimeout(() => socket.destroy(), lingerMs);
    timer.unref();
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
    socket.end();
  };
}
