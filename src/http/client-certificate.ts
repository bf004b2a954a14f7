// The TLS client certificate of the request, for the SOAP back channel (mutual TLS). Two deployments:
// our own HTTPS listener asked for it (requestCert) and the TLS socket holds it; or a reverse proxy
// verified it and passes it in a header, believed only when the connection comes from one of the
// configured proxy addresses (from anyone else the header is ignored: it is just text a client sent).
// The header may hold a PEM certificate, URL-encoded (nginx $ssl_client_escaped_cert) or with its
// line breaks turned into spaces, or the base64 DER.
import { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Middleware } from 'koa';
import type { Config } from '../../config/index.ts';

export interface ClientCertificateState {
  /** The certificate the client authenticated with, when one is known. */
  clientCertificate?: X509Certificate;
}

const maxHeaderLength = 16 * 1024;

/** An IPv4 address seen on a dual-stack socket (::ffff:10.0.0.5) is the IPv4 address. */
const plainAddress = (address: string | undefined) => address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

export function certificateFromHeader(value: string): X509Certificate | undefined {
  if (!value || value.length > maxHeaderLength) return undefined;
  try {
    const text = value.includes('%') ? decodeURIComponent(value) : value;
    const pem = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(text);
    const base64 = (pem ? pem[1]! : text).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
    return new X509Certificate(Buffer.from(base64, 'base64'));
  } catch {
    return undefined;
  }
}

function fromSocket(socket: TLSSocket): X509Certificate | undefined {
  if (!socket.encrypted || typeof socket.getPeerX509Certificate !== 'function') return undefined;
  return socket.getPeerX509Certificate() ?? undefined;
}

export function clientCertificate(backChannel: Config['backChannel']): Middleware<ClientCertificateState> {
  const proxies = new Set(backChannel.trustedProxies.map(plainAddress));
  return async (ctx, next) => {
    const socket = ctx.req.socket as TLSSocket;
    const certificate =
      backChannel.clientCertificates === 'listener'
        ? fromSocket(socket)
        : backChannel.clientCertificates === 'proxy' && proxies.has(plainAddress(socket.remoteAddress))
          ? certificateFromHeader(ctx.get(backChannel.proxyHeader))
          : undefined;
    if (certificate) ctx.state.clientCertificate = certificate;
    await next();
  };
}
