// An HTTPS listener whose certificate and key come from files and can be replaced without a restart:
// reload() reads the files again and, when they changed, gives new connections the new certificate
// (tls.Server.setSecureContext); connections already open keep theirs. The back-channel listener also
// asks clients for a certificate (requestCert) naming the trust anchors as acceptable CAs; it does not
// end the handshake over a missing or unknown certificate itself, so that the SOAP endpoint can answer
// with a fault that names the rule (src/frontends/saml/client-certificate-check.ts).
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { ConfigError } from '../../config/index.ts';

export interface TlsFiles {
  certificateFile: string;
  keyFile: string;
  /** PEM bundles of the CAs whose client certificates are asked for. */
  caFiles?: string[];
  /** How the configuration names these files, for error messages. */
  setting: string;
}

interface TlsMaterial {
  cert: string;
  key: string;
  ca?: string[];
}

function readTlsFiles(files: TlsFiles): TlsMaterial {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      throw new ConfigError(
        `Invalid configuration: ${files.setting}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
  };
  return {
    cert: read(files.certificateFile),
    key: read(files.keyFile),
    ...(files.caFiles?.length ? { ca: files.caFiles.map(read) } : {}),
  };
}

export interface TlsServer {
  server: Server;
  /** Reads the files again; true when the certificate or key changed and new connections get them. */
  reload(): boolean;
}

export function tlsServer(
  files: TlsFiles,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
  options: { requestCert?: boolean } = {},
): TlsServer {
  let material = readTlsFiles(files);
  let server: Server;
  try {
    server = createServer(
      {
        ...material,
        minVersion: 'TLSv1.2',
        ...(options.requestCert ? { requestCert: true, rejectUnauthorized: false } : {}),
      },
      handler,
    );
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: ${files.setting}: ${files.certificateFile} and ${files.keyFile} are not a usable certificate and key (${(error as Error).message})`,
    );
  }
  return {
    server,
    reload() {
      const next = readTlsFiles(files);
      if (next.cert === material.cert && next.key === material.key && String(next.ca) === String(material.ca))
        return false;
      server.setSecureContext(next);
      material = next;
      return true;
    },
  };
}
