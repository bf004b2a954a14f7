// A webdienst's back-channel logout endpoint (OIDC Back-Channel Logout 1.0): keeps every logout token
// posted to it, answers 200.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LogoutReceiver {
  url: string;
  tokens: string[];
  close(): Promise<void>;
}

export async function logoutReceiver(): Promise<LogoutReceiver> {
  const tokens: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const token = new URLSearchParams(body).get('logout_token');
      if (token) tokens.push(token);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel-logout`,
    tokens,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
