// Shutdown without dropping a login: /readyz turns 503 first while requests are still
// served, then the port closes (new connections refused) while a request in flight still finishes.
import { connect } from 'node:net';
import { expect } from 'chai';
import { startTestServer } from '../support/server.ts';

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

describe('graceful shutdown (src/http/graceful-shutdown.ts, server close)', () => {
  it('answers /readyz 503 during the drain time while still serving, then refuses new connections', async function () {
    this.timeout(20_000);
    const server = await startTestServer({ overrides: { shutdown: { drainSeconds: 1, timeoutSeconds: 5 } } });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).to.equal(200);
      const closing = server.close();
      const draining = await fetch(`${server.url}/readyz`);
      expect(draining.status).to.equal(503);
      expect(await draining.json()).to.include({ status: 'draining' });
      expect(
        (await fetch(`${server.url}/.well-known/openid-configuration`)).status,
        'still serving while draining',
      ).to.equal(200);
      await closing;
      expect(await refused(`${server.url}/healthz`)).to.equal(true);
    } finally {
      await server.database.drop();
    }
  });

  it('lets a request in flight finish while new connections are refused', async function () {
    this.timeout(20_000);
    const server = await startTestServer({ overrides: { shutdown: { drainSeconds: 0, timeoutSeconds: 10 } } });
    try {
      // A slow client: the token request's body arrives only after shutdown has begun.
      const body = 'grant_type=authorization_code&code=abc&client_id=nobody';
      const socket = connect(server.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      const ended = new Promise((resolve) => socket.once('close', resolve));
      socket.write(
        `POST /token HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));

      let closed = false;
      const closing = server.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await refused(`${server.url}/healthz`), 'a new connection during shutdown').to.equal(true);
      expect(closed, 'close waits for the request in flight').to.equal(false);

      socket.write(body.slice(10));
      await ended;
      expect(answer).to.match(/^HTTP\/1\.1 (400|401) /);
      expect(answer).to.include('invalid_client');
      await closing;
      expect(closed).to.equal(true);
    } finally {
      await server.database.drop();
    }
  });
});
