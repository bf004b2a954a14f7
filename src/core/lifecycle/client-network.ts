// Requests are limited per client network rather than per address: one household or office shares an
// IPv4 /24, and one IPv6 customer gets a whole /48, so a per-address limit would be trivial to step around.
import { isIPv4, isIPv6 } from 'node:net';

export function clientNetwork(address: string): string {
  const mapped = address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (isIPv4(mapped)) return `${mapped.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(mapped)) {
    const [head = '', tail = ''] = mapped.split('::');
    const headParts = head ? head.split(':') : [];
    const tailParts = tail ? tail.split(':') : [];
    const parts = mapped.includes('::')
      ? [...headParts, ...Array<string>(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
      : headParts;
    return `${parts
      .slice(0, 3)
      .map((part) => part.toLowerCase().replace(/^0+(?=.)/, ''))
      .join(':')}::/48`;
  }
  return address;
}
