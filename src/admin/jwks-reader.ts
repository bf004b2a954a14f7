// Reads the keys an OIDC webdienst publishes at its jwks_uri, for the certificate expiry warnings:
// https (http only where the registration allowed it), no redirects, at most 64 KiB, 10 seconds, and
// never to this machine or a private network unless the deployment allows such calls (as for
// oidc-provider's own calls). What was read is kept for an hour per process, so the job that runs every
// minute does not call every webdienst every minute.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertPublicHost, publicOnlyLookup } from '../frontends/saml/public-address.ts';

export type JwksReader = (uri: string) => Promise<unknown[]>;

const maxBytes = 64 * 1024;

function get(uri: string, allowPrivateNetwork: boolean, timeoutMs: number): Promise<string> {
  const url = new URL(uri);
  if (!allowPrivateNetwork) assertPublicHost(url);
  const request = url.protocol === 'https:' ? httpsRequest : url.protocol === 'http:' ? httpRequest : undefined;
  if (!request) return Promise.reject(new Error(`not an http(s) URL: ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: 'GET',
        timeout: timeoutMs,
        headers: { accept: 'application/json' },
        ...(allowPrivateNetwork ? {} : { lookup: publicOnlyLookup }),
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`HTTP ${response.statusCode}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            outgoing.destroy(new Error('larger than 64 KiB'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export function createJwksReader(options: {
  allowPrivateNetworkCalls: boolean;
  cacheMs?: number;
  timeoutMs?: number;
  now?: () => number;
}): JwksReader {
  const cacheMs = options.cacheMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { keys: unknown[]; until: number }>();
  return async (uri) => {
    const hit = cache.get(uri);
    if (hit && hit.until > now()) return hit.keys;
    const body = await get(uri, options.allowPrivateNetworkCalls, options.timeoutMs ?? 10_000);
    let keys: unknown;
    try {
      keys = (JSON.parse(body) as { keys?: unknown }).keys;
    } catch {
      throw new Error('not JSON');
    }
    if (!Array.isArray(keys)) throw new Error('not a JSON object with "keys"');
    const read: unknown[] = keys;
    if (cache.size > 1000) cache.clear();
    cache.set(uri, { keys: read, until: now() + cacheMs });
    return read;
  };
}
