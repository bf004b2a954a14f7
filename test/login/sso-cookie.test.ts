// The SSO cookie over https carries the __Host- prefix (RFC 6265bis 4.1.3.2): Secure, Path=/ and no
// Domain, so neither a subdomain nor a plain-http page can set it; over https a cookie without the
// prefix is ignored.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { expect } from 'chai';
import { readSsoCookie, writeSsoCookie } from '../../src/login/sso-cookie.ts';

describe('The SSO cookie', () => {
  let server: Server;
  let base: string;
  before(async () => {
    const app = new Koa({ proxy: true });
    app.use((ctx) => {
      if (ctx.path === '/write') writeSsoCookie(ctx, 'nieuw-token', { secure: ctx.secure });
      ctx.body = { token: readSsoCookie(ctx) ?? null };
    });
    const handle = app.callback();
    server = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const call = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { headers });
  const https = { 'x-forwarded-proto': 'https' };

  it('is written as __Host-pw_sso with Secure, Path=/ and no Domain over https', async () => {
    const response = await call('/write', https);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).to.match(/^__Host-pw_sso=nieuw-token;/);
    expect(cookie)
      .to.match(/; path=\//i)
      .and.match(/; secure/i)
      .and.match(/; httponly/i);
    expect(cookie).to.not.match(/domain=/i);
  });

  it('is written as pw_sso over plain http (development)', async () => {
    const [cookie] = (await call('/write', {})).headers.getSetCookie();
    expect(cookie).to.match(/^pw_sso=nieuw-token;/);
  });

  it('over https reads only the prefixed cookie, never a plain one someone else could have set', async () => {
    const both = await call('/read', { ...https, cookie: 'pw_sso=geplant; __Host-pw_sso=echt' });
    expect(await both.json()).to.deep.equal({ token: 'echt' });
    const plainOnly = await call('/read', { ...https, cookie: 'pw_sso=geplant' });
    expect(await plainOnly.json()).to.deep.equal({ token: null });
    const overHttp = await call('/read', { cookie: 'pw_sso=ontwikkeling' });
    expect(await overHttp.json()).to.deep.equal({ token: 'ontwikkeling' });
  });
});
