// Stopping without dropping a login: the listening port closes, so new connections are
// refused; requests in flight finish; keep-alive connections close as soon as they are idle; what is
// still running after the timeout is cut.
import type { Server } from 'node:http';

export async function closeGracefully(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection becomes idle when its last response is sent; close it then, not after
  // keepAliveTimeout.
  const idle = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
  server.closeIdleConnections();
  try {
    await closed;
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
}
