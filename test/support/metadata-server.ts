// A webdienst's metadata URL for tests: a local HTTP server that serves SAML metadata, signed with a
// test key the way a federation signs it (an enveloped signature on the root, referenced by its ID),
// and that can misbehave on request: slow, oversized, an error status, a redirect to another scheme.
import { randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { SignedXml } from 'xml-crypto';

export type MetadataServerMode = 'serve' | 'slow' | 'oversized' | 'status500' | 'redirect_to_other_scheme';

/** Signs the root element of `xml` (which carries `ID`), the Signature as its first child. */
export function signMetadata(xml: string, key: { privateKey: KeyObject; certificate: string }): string {
  const rootName = /^<(?:[\w-]+:)?(\w+)/.exec(xml)![1]!;
  const signer = new SignedXml({
    privateKey: key.privateKey as unknown as string,
    publicCert: key.certificate,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: `/*[local-name(.)='${rootName}']`,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `/*[local-name(.)='${rootName}']`, action: 'prepend' },
  });
  return signer.getSignedXml();
}

export const metadataId = () => `_${randomBytes(12).toString('hex')}`;

export class MetadataServer {
  body = '';
  mode: MetadataServerMode = 'serve';
  /** How long a normal answer waits before it is sent (to make two fetches overlap). */
  delayMs = 0;
  /** Sent as ETag when set; a matching If-None-Match gets 304. */
  etag: string | undefined;
  /** Every GET, with the validators it carried. */
  readonly requests: Array<{ ifNoneMatch?: string; ifModifiedSince?: string }> = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => this.answer(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}/saml/metadata.xml`;
    return this;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    this.requests.push({
      ...(typeof ifNoneMatch === 'string' ? { ifNoneMatch } : {}),
      ...(typeof ifModifiedSince === 'string' ? { ifModifiedSince } : {}),
    });
    switch (this.mode) {
      case 'status500':
        response.writeHead(500).end('kapot');
        return;
      case 'redirect_to_other_scheme':
        response.writeHead(302, { location: 'ftp://127.0.0.1/metadata.xml' }).end();
        return;
      case 'oversized':
        response.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
        // No Content-Length: the limit must hold while reading.
        response.end(`${this.body}<!--${'x'.repeat(200 * 1024)}-->`);
        return;
      case 'slow':
        response.writeHead(200, { 'content-type': 'application/samlmetadata+xml' });
        response.write(this.body.slice(0, 50));
        setTimeout(() => response.end(this.body.slice(50)), 3000).unref();
        return;
      default: {
        const body = this.body;
        const send = () => {
          if (this.etag && ifNoneMatch === this.etag) {
            response.writeHead(304, { etag: this.etag }).end();
            return;
          }
          response
            .writeHead(200, {
              'content-type': 'application/samlmetadata+xml',
              ...(this.etag ? { etag: this.etag } : {}),
            })
            .end(body);
        };
        if (this.delayMs > 0) setTimeout(send, this.delayMs).unref();
        else send();
      }
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
