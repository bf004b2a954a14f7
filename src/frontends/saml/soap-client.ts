// A SOAP call to a webdienst (SAML Bindings 3.2.3): one POST of text/xml with SOAPAction, a time limit
// for the whole exchange, no redirects, the answer read up to the SAML XML size limit, and no calls to
// this machine or a private network unless the configuration allows them (public-address.ts).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertPublicHost, publicOnlyLookup } from './public-address.ts';
import { maxXmlBytes } from './xml.ts';

export interface SoapCallOptions {
  timeoutMs: number;
  allowPrivateNetwork: boolean;
  /** Our own TLS client certificate and key (PEM), presented to https endpoints (mutual TLS). */
  clientCertificate?: { cert: string; key: string };
  /** CA certificates (PEM) to verify the webdienst's server certificate with, besides the system's. */
  ca?: string[];
}

export class SoapCallFailed extends Error {}

async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxXmlBytes) throw new SoapCallFailed('answer too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Posts the SOAP envelope; resolves with the answer's body when the status is 200. */
export async function postSoap(url: string, envelope: string, options: SoapCallOptions): Promise<string> {
  const target = new URL(url);
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new SoapCallFailed('not an http(s) URL');
  if (!options.allowPrivateNetwork) assertPublicHost(target);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const signal = AbortSignal.timeout(options.timeoutMs);
  return new Promise<string>((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        signal,
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: 'http://www.oasis-open.org/committees/security',
          'content-length': Buffer.byteLength(envelope),
        },
        ...(options.allowPrivateNetwork ? {} : { lookup: publicOnlyLookup }),
        ...(target.protocol === 'https:' && options.clientCertificate ? options.clientCertificate : {}),
        ...(target.protocol === 'https:' && options.ca ? { ca: options.ca } : {}),
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new SoapCallFailed(`HTTP ${response.statusCode}`));
          return;
        }
        readBody(response).then(resolve, reject);
      },
    );
    request.on('error', (error) => reject(signal.aborted ? new SoapCallFailed('timeout') : error));
    request.end(envelope);
  });
}
