// The listeners besides plain HTTP: HTTPS on the front channel when TLS_CERT_FILE is set (no proxy
// ends TLS), and the back-channel listener for the SOAP endpoints with TLS client authentication
// (BACK_CHANNEL_CLIENT_CERTS=listener). The back-channel listener serves nothing but those endpoints.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rootCertificates } from 'node:tls';
import { ConfigError, type Config } from '../../config/index.ts';
import { samlPaths } from '../frontends/saml/idp.ts';
import { tlsServer, type TlsServer } from './tls-server.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** Listens on the port, on one address when host is given (every address otherwise). */
export async function listen(server: Server, port: number, host?: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if (host) server.listen(port, host, resolve);
    else server.listen(port, resolve);
  });
  return (server.address() as AddressInfo).port;
}

export function frontChannelServer(config: Config, handler: Handler): TlsServer | undefined {
  const { certificateFile, keyFile } = config.tls;
  if (!certificateFile || !keyFile) return undefined;
  return tlsServer({ certificateFile, keyFile, setting: 'tls (TLS_CERT_FILE, TLS_KEY_FILE)' }, handler);
}

const soapPaths = new Set<string>([samlPaths.artifact, samlPaths.slo]);

export function backChannelServer(config: Config, handler: Handler): TlsServer | undefined {
  const backChannel = config.backChannel;
  if (backChannel.clientCertificates !== 'listener') return undefined;
  return tlsServer(
    {
      certificateFile: backChannel.tlsCertificateFile!,
      keyFile: backChannel.tlsKeyFile!,
      caFiles: config.trust.anchorFiles,
      setting: 'backChannel (BACK_CHANNEL_TLS_CERT_FILE, BACK_CHANNEL_TLS_KEY_FILE, TRUST_ANCHOR_FILES)',
    },
    (request, response) => {
      if (request.method !== 'POST' || !soapPaths.has((request.url ?? '').split('?')[0]!)) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
        return;
      }
      handler(request, response);
    },
    { requestCert: true },
  );
}

/**
 * Our side of mutual TLS on outgoing SOAP calls: our client certificate, and the trust anchors beside
 * the system's CAs for the webdiensten's server certificates (PKIoverheid private roots are in no
 * browser's store).
 */
export function soapClientTls(config: Config): { clientCertificate?: { cert: string; key: string }; ca?: string[] } {
  const read = (path: string, setting: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `Invalid configuration: ${setting}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  };
  const { clientCertificateFile, clientKeyFile } = config.backChannel;
  return {
    ...(clientCertificateFile && clientKeyFile
      ? {
          clientCertificate: {
            cert: read(clientCertificateFile, 'backChannel.clientCertificateFile (SOAP_CLIENT_CERT_FILE)'),
            key: read(clientKeyFile, 'backChannel.clientKeyFile (SOAP_CLIENT_KEY_FILE)'),
          },
        }
      : {}),
    ...(config.trust.anchorFiles.length
      ? {
          ca: [
            ...rootCertificates,
            ...config.trust.anchorFiles.map((path) => read(path, 'trust.anchorFiles (TRUST_ANCHOR_FILES)')),
          ],
        }
      : {}),
  };
}
