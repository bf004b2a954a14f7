// Calls we make to a URL from a webdienst's metadata must not reach this machine or a private network
// (server-side request forgery), as oidc-provider refuses them for its own calls; outside production
// `allowPrivateNetworkCalls` lets tests and the development setup use loopback webdiensten. The check is
// made on the address the connection will use (the lookup below), so DNS cannot swap it afterwards.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

// IANA special-purpose registries (RFC 6890 and successors): unspecified, private, shared, loopback,
// link-local, documentation, benchmarking, multicast and reserved ranges.
const specialUse = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  specialUse.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  specialUse.addSubnet(network, prefix, 'ipv6');
}

export function isSpecialUseAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return specialUse.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return specialUse.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class PrivateAddressRefused extends Error {
  constructor() {
    super('the address is on this machine or a private network');
  }
}

/** A lookup for node:http(s) that fails for special-use addresses. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const usable = addresses.filter((entry) => !isSpecialUseAddress(entry.address));
    if (usable.length === 0 || usable.length !== addresses.length) return callback(new PrivateAddressRefused(), '', 0);
    if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, usable);
    return callback(null, usable[0]!.address, usable[0]!.family);
  });
};

/** Literal IP hosts skip the lookup, so they are checked before connecting. */
export function assertPublicHost(url: URL): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && isSpecialUseAddress(host)) throw new PrivateAddressRefused();
  if (host === 'localhost' || host.endsWith('.localhost')) throw new PrivateAddressRefused();
}
