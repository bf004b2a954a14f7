// A TCP relay in front of PostgreSQL: a test can take the database away from a server and give it back.
import { connect, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { createTestDatabase } from './databases.ts';
import { startTestServer } from './server.ts';

export async function tcpRelayTo(port: number) {
  const sockets = new Set<Socket>();
  let relay: TcpServer | undefined;
  let listenPort = 0;
  const open = async () => {
    relay = createTcpServer((client) => {
      const upstream = connect(port, '127.0.0.1');
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay!.listen(listenPort, '127.0.0.1', resolve));
    listenPort = (relay.address() as { port: number }).port;
  };
  await open();
  return {
    port: () => listenPort,
    open,
    async cut() {
      await new Promise((resolve) => {
        relay!.close(resolve);
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

/** A test server on a fresh PostgreSQL database that it reaches through a relay the test can cut. */
export async function startTestServerBehindRelay() {
  const database = await createTestDatabase('postgres');
  const target = new URL(database.url);
  const relay = await tcpRelayTo(Number(target.port || 5432));
  const relayed = new URL(database.url);
  relayed.port = String(relay.port());
  const server = await startTestServer({ database: { ...database, url: relayed.href } });
  return {
    server,
    relay,
    databasePassword: decodeURIComponent(target.password),
    stop: async () => {
      await server.stop();
      await relay.cut();
      await database.drop();
    },
  };
}
