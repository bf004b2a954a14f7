// After the answer: a request body nobody read to its end (refused as too large, wrong content type,
// an endpoint that needs no body) must not hold up the connection. RFC 9112 section 9.3: the next
// request on a persistent connection starts only after this body, so the rest is read and thrown
// away when it is small; a large or open-ended rest is not worth reading, so the answer says
// `Connection: close` and the connection is closed in stages (staged-close.ts).
import type { Socket } from 'node:net';
import type { Middleware } from 'koa';
import { endInStages } from './staged-close.ts';

/** The most of an unread body thrown away to keep the connection for the next request. */
const discardBytes = 1024 * 1024;

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
 * as the answer is written; on this socket it closes in stages instead.
 */
function closeInStages(socket: Socket & { destroySoon?: () => void }): void {
  socket.destroySoon = () => endInStages(socket);
}
