// Fetching a webdienst's SAML metadata from its URL: one GET with a time limit for the whole exchange,
// the body read up to the SAML XML size limit, at most a few redirects and never to another scheme
// (https stays https), no calls to this machine or a private network unless the configuration allows
// them (public-address.ts), and a conditional GET (RFC 9110 13.1: If-None-Match, If-Modified-Since) so
// unchanged metadata is not sent again.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertPublicHost, PrivateAddressRefused, publicOnlyLookup } from './public-address.ts';
import { MetadataRefused } from './signed-metadata.ts';
import { maxXmlBytes } from './xml.ts';

export interface MetadataFetchOptions {
  timeoutMs: number;
  allowPrivateNetwork: boolean;
  /** Validators of the metadata in force, for a conditional GET. */
  etag?: string | null;
  lastModified?: string | null;
}

export type FetchedMetadata =
  { modified: true; body: string; etag: string | null; lastModified: string | null } | { modified: false };

const maxRedirects = 3;

function header(response: IncomingMessage, name: string, maxLength: number): string | null {
  const value = response.headers[name];
  return typeof value === 'string' && value.length <= maxLength ? value : null;
}

async function readBody(response: IncomingMessage): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxXmlBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxXmlBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const tooLarge = () => new MetadataRefused('too_large', `the metadata is larger than ${maxXmlBytes / 1024} KiB`);

function get(target: URL, options: MetadataFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      target,
      {
        method: 'GET',
        signal,
        headers: {
          accept: 'application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8',
          ...(options.etag ? { 'if-none-match': options.etag } : {}),
          ...(options.lastModified ? { 'if-modified-since': options.lastModified } : {}),
        },
        ...(options.allowPrivateNetwork ? {} : { lookup: publicOnlyLookup }),
      },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

async function fetchWithin(url: string, options: MetadataFetchOptions, signal: AbortSignal): Promise<FetchedMetadata> {
  let target = new URL(url);
  const scheme = target.protocol;
  for (let redirects = 0; ; redirects += 1) {
    if (target.protocol !== scheme)
      throw new MetadataRefused('redirect', `redirected from ${scheme} to ${target.protocol}: refused`);
    if (!options.allowPrivateNetwork) assertPublicHost(target);
    const response = await get(target, options, signal);
    const status = response.statusCode ?? 0;
    if (status === 304 && (options.etag || options.lastModified)) {
      response.resume();
      return { modified: false };
    }
    if ([301, 302, 303, 307, 308].includes(status)) {
      response.resume();
      const location = header(response, 'location', 2000);
      if (!location || redirects >= maxRedirects)
        throw new MetadataRefused('redirect', `HTTP ${status}: too many redirects or no Location`);
      target = new URL(location, target);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new MetadataRefused('http_status', `HTTP ${status}`);
    }
    const body = await readBody(response);
    return {
      modified: true,
      body,
      etag: header(response, 'etag', 200),
      lastModified: header(response, 'last-modified', 100),
    };
  }
}

/** GETs the metadata; throws MetadataRefused naming why it could not be read. */
export async function fetchMetadata(url: string, options: MetadataFetchOptions): Promise<FetchedMetadata> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    return await fetchWithin(url, options, signal);
  } catch (error) {
    if (error instanceof MetadataRefused) throw error;
    if (signal.aborted) throw new MetadataRefused('timeout', `no complete answer within ${options.timeoutMs} ms`);
    if (error instanceof PrivateAddressRefused)
      throw new MetadataRefused('private_address', 'the address is on this machine or a private network');
    const code = (error as NodeJS.ErrnoException).code;
    throw new MetadataRefused('unreachable', `could not connect${code ? ` (${code})` : ''}`);
  }
}
