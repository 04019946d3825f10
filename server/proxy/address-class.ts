// Classifies a parsed IP address for the proxy's SSRF guard (node side): public unicast, private (reachable only in
// local mode), or forbidden (metadata, link-local, unspecified, multicast, reserved — never). IANA special-purpose
// registries (RFC 6890) and OWASP's SSRF deny-list minimum (hardening §1.7).
import type { IpAddress } from './ip-parse.ts';

export type AddressClass =
  | { readonly kind: 'public' }
  /** Loopback, RFC 1918, CGNAT, ULA, documentation …: allowed only with allowPrivate or an explicit local host. */
  | { readonly kind: 'private'; readonly range: string }
  /** Cloud metadata, link-local, unspecified, multicast, broadcast/reserved: refused even with allowPrivate (S1). */
  | { readonly kind: 'forbidden'; readonly range: string };

type V4Range = readonly [base: string, prefix: number, kind: 'private' | 'forbidden', range: string];

const V4_RANGES: readonly V4Range[] = [
  ['169.254.169.254', 32, 'forbidden', 'cloud metadata endpoint'],
  ['100.100.100.200', 32, 'forbidden', 'cloud metadata endpoint (Alibaba)'],
  ['0.0.0.0', 8, 'forbidden', 'unspecified "this network" 0.0.0.0/8'],
  ['10.0.0.0', 8, 'private', 'private 10.0.0.0/8'],
  ['100.64.0.0', 10, 'private', 'shared CGNAT 100.64.0.0/10'],
  ['127.0.0.0', 8, 'private', 'loopback 127.0.0.0/8'],
  ['169.254.0.0', 16, 'forbidden', 'link-local 169.254.0.0/16'],
  ['172.16.0.0', 12, 'private', 'private 172.16.0.0/12'],
  ['192.0.0.0', 24, 'private', 'IETF protocol assignments 192.0.0.0/24'],
  ['192.0.2.0', 24, 'private', 'documentation 192.0.2.0/24'],
  ['192.88.99.0', 24, 'private', '6to4 relay anycast 192.88.99.0/24'],
  ['192.168.0.0', 16, 'private', 'private 192.168.0.0/16'],
  ['198.18.0.0', 15, 'private', 'benchmarking 198.18.0.0/15'],
  ['198.51.100.0', 24, 'private', 'documentation 198.51.100.0/24'],
  ['203.0.113.0', 24, 'private', 'documentation 203.0.113.0/24'],
  ['224.0.0.0', 4, 'forbidden', 'multicast 224.0.0.0/4'],
  ['240.0.0.0', 4, 'forbidden', 'reserved/broadcast 240.0.0.0/4'],
];

function v4Value(dotted: string): number {
  return dotted.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

const V4_TABLE = V4_RANGES.map(([base, prefix, kind, range]) => ({ start: v4Value(base), size: 2 ** (32 - prefix), kind, range }));

export function classifyIPv4(value: number): AddressClass {
  for (const r of V4_TABLE) {
    if (value >= r.start && value < r.start + r.size) return { kind: r.kind, range: r.range };
  }
  return { kind: 'public' };
}

/** The IPv4 address held in the last 32 bits of an IPv6 address. */
function embeddedV4(groups: readonly number[]): number {
  return (groups[6] ?? 0) * 65536 + (groups[7] ?? 0);
}

function withPrefix(inner: AddressClass, prefix: string): AddressClass {
  return inner.kind === 'public' ? inner : { kind: inner.kind, range: `${inner.range} (${prefix})` };
}

export function classifyIPv6(groups: readonly number[]): AddressClass {
  const g = (i: number): number => groups[i] ?? 0;
  const zeroUpTo = (n: number): boolean => groups.slice(0, n).every((x) => x === 0);
  if (g(0) === 0xfd00 && g(1) === 0x0ec2 && groups.slice(2, 7).every((x) => x === 0) && g(7) === 0x254) {
    return { kind: 'forbidden', range: 'cloud metadata endpoint fd00:ec2::254' };
  }
  if (zeroUpTo(8)) return { kind: 'forbidden', range: 'unspecified ::' };
  if (zeroUpTo(7) && g(7) === 1) return { kind: 'private', range: 'loopback ::1' };
  if (zeroUpTo(5) && g(5) === 0xffff) return withPrefix(classifyIPv4(embeddedV4(groups)), 'IPv4-mapped ::ffff:0:0/96');
  if (zeroUpTo(4) && g(4) === 0xffff && g(5) === 0) return withPrefix(classifyIPv4(embeddedV4(groups)), 'IPv4-translated ::ffff:0:0:0/96');
  if (g(0) === 0x64 && g(1) === 0xff9b && groups.slice(2, 6).every((x) => x === 0)) {
    return withPrefix(classifyIPv4(embeddedV4(groups)), 'NAT64 64:ff9b::/96');
  }
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1) return { kind: 'private', range: 'local-use NAT64 64:ff9b:1::/48' };
  if (g(0) === 0x2002) return withPrefix(classifyIPv4(g(1) * 65536 + g(2)), '6to4 2002::/16');
  if (g(0) === 0x2001 && g(1) === 0) return { kind: 'private', range: 'Teredo 2001::/32' };
  if (g(0) === 0x2001 && g(1) === 0x0db8) return { kind: 'private', range: 'documentation 2001:db8::/32' };
  if (g(0) === 0x2001 && g(1) < 0x0200) return { kind: 'private', range: 'IETF protocol assignments 2001::/23' };
  if ((g(0) & 0xfe00) === 0xfc00) return { kind: 'private', range: 'unique local fc00::/7' };
  if ((g(0) & 0xffc0) === 0xfe80) return { kind: 'forbidden', range: 'link-local fe80::/10' };
  if ((g(0) & 0xffc0) === 0xfec0) return { kind: 'private', range: 'site-local fec0::/10' };
  if ((g(0) & 0xff00) === 0xff00) return { kind: 'forbidden', range: 'multicast ff00::/8' };
  if ((g(0) & 0xe000) !== 0x2000) return { kind: 'forbidden', range: 'reserved (outside global unicast 2000::/3)' };
  return { kind: 'public' };
}

export function classifyAddress(ip: IpAddress): AddressClass {
  return ip.family === 4 ? classifyIPv4(ip.value) : classifyIPv6(ip.groups);
}

/** Host names of cloud metadata services: refused by name before any lookup, even with allowPrivate (S1). */
const METADATA_NAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal', 'metadata.goog', 'metadata.amazonaws.com', 'instance-data.ec2.internal',
  'instance-data', 'metadata',
]);

export function isMetadataHostName(name: string): boolean {
  return METADATA_NAMES.has(name.toLowerCase().replace(/\.$/, ''));
}
