// Fuzz targets for the proxy's target parsing (server/proxy: authority.ts, ip-parse.ts, target.ts, the DNS-answer
// and realm checks), shared by the in-suite property tests and `npm run fuzz`. The oracle is independent of the code
// under test: Node's WHATWG URL host parser and net.isIP, plus a small range table of our own (S1, S2, S6, S12, S19).
// Node-side test kit.
import net from 'node:net';
import fc from 'fast-check';
import { classifyAddress, isMetadataHostName } from '../../server/proxy/address-class.ts';
import { checkAddress } from '../../server/proxy/address-guard.ts';
import { createAllowlist } from '../../server/proxy/allowlist.ts';
import { parseAuthority, parseHost, type ParsedHost } from '../../server/proxy/authority.ts';
import { checkRealm, createRealmTable } from '../../server/proxy/challenges.ts';
import { ProxyError } from '../../server/proxy/errors.ts';
import { parseIpAddress } from '../../server/proxy/ip-parse.ts';
import { planRequest } from '../../server/proxy/target.ts';

type Verdict = 'public' | 'private' | 'forbidden';

/** Our own table (IANA special-purpose registries + OWASP's minimum), written apart from address-class.ts. */
const V4: readonly [string, number, Verdict][] = [
  ['0.0.0.0', 8, 'forbidden'], ['169.254.0.0', 16, 'forbidden'], ['224.0.0.0', 4, 'forbidden'], ['240.0.0.0', 4, 'forbidden'],
  ['100.100.100.200', 32, 'forbidden'],
  ['10.0.0.0', 8, 'private'], ['100.64.0.0', 10, 'private'], ['127.0.0.0', 8, 'private'], ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'private'], ['192.0.2.0', 24, 'private'], ['192.88.99.0', 24, 'private'], ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'private'], ['198.51.100.0', 24, 'private'], ['203.0.113.0', 24, 'private'],
];
const V6: readonly [string, number, Verdict][] = [
  ['::', 128, 'forbidden'], ['fe80::', 10, 'forbidden'], ['ff00::', 8, 'forbidden'], ['fd00:ec2::254', 128, 'forbidden'],
  ['::1', 128, 'private'], ['fc00::', 7, 'private'], ['fec0::', 10, 'private'], ['2001:db8::', 32, 'private'], ['2001::', 23, 'private'],
  ['64:ff9b:1::', 48, 'private'],
];

function blockList(kind: Verdict | 'non-public'): net.BlockList {
  const list = new net.BlockList();
  for (const [base, prefix, v] of V4) if (kind === 'non-public' || v === kind) list.addSubnet(base, prefix, 'ipv4');
  for (const [base, prefix, v] of V6) if (kind === 'non-public' || v === kind) list.addSubnet(base, prefix, 'ipv6');
  return list;
}
const NON_PUBLIC = blockList('non-public');
const FORBIDDEN = blockList('forbidden');

/** Expands canonical IPv6 text (as the URL parser prints it) to 8 groups. */
function expandV6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') as [string, string] : [text, undefined];
  const part = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = part(tail);
  return tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

function dotted(v: number): string {
  return [24, 16, 8, 0].map((s) => (v >>> s) & 255).join('.');
}

/** The oracle's verdict for an IPv4 or IPv6 text (dotted quad / canonical v6 without brackets). */
export function oracleVerdict(address: string): Verdict {
  const family = net.isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4') ? 'forbidden' : NON_PUBLIC.check(address, 'ipv4') ? 'private' : 'public';
  const g = expandV6(address);
  const v4 = ((g[6]! << 16) | g[7]!) >>> 0;
  const zero = (n: number) => g.slice(0, n).every((x) => x === 0);
  // Prefixes that embed an IPv4 address: judged by the address inside (an attacker picks the wrapper).
  const embedded = (zero(5) && g[5] === 0xffff) || (zero(4) && g[4] === 0xffff && g[5] === 0)
    || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) ? v4
    : g[0] === 0x2002 ? ((g[1]! << 16) | g[2]!) >>> 0 : undefined;
  if (embedded !== undefined) return oracleVerdict(dotted(embedded));
  if (FORBIDDEN.check(address, 'ipv6')) return 'forbidden';
  if (NON_PUBLIC.check(address, 'ipv6')) return 'private';
  if ((g[0]! & 0xe000) !== 0x2000) return 'forbidden'; // outside global unicast 2000::/3
  return 'public';
}

/** What the WHATWG URL host parser (Node's, an implementation apart from ours) makes of a host string. */
export function whatwgHost(raw: string): { kind: 'ip'; text: string } | { kind: 'name'; text: string } | undefined {
  if (/[:/?#@\\\s%]/.test(raw.replace(/^\[.*\]$/, ''))) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${raw}/`);
  } catch {
    return undefined;
  }
  const h = url.hostname;
  if (h.startsWith('[')) return { kind: 'ip', text: h.slice(1, -1) };
  return net.isIP(h) === 4 ? { kind: 'ip', text: h } : { kind: 'name', text: h };
}

const RANK: Record<Verdict, number> = { public: 0, private: 1, forbidden: 2 };

/** parseHost + classifyAddress against the oracle: never a throw, never an IP taken for a name, never laxer. */
export function fuzzHost(raw: string, expected?: { value: number }): ParsedHost | undefined {
  const host = parseHost(raw);
  const oracle = whatwgHost(raw);
  if (expected !== undefined && host !== undefined && (host.kind !== 'ip' || host.ip.family !== 4 || host.ip.value !== expected.value)) {
    throw new Error(`host ${JSON.stringify(raw)} encodes ${dotted(expected.value)} but parsed as ${JSON.stringify(host)}`);
  }
  if (host === undefined) return undefined; // refused: always safe
  if (host.kind === 'name') {
    if (oracle?.kind === 'ip') throw new Error(`host ${JSON.stringify(raw)} is the IP ${oracle.text} to a URL parser but a DNS name to the proxy`);
    if (net.isIP(host.text) !== 0) throw new Error(`host ${JSON.stringify(raw)} kept as a name ${host.text} that is an IP`);
    return host;
  }
  const bare = host.text.replace(/^\[|\]$/g, '');
  if (oracle !== undefined && (oracle.kind !== 'ip' || oracle.text !== bare)) {
    throw new Error(`host ${JSON.stringify(raw)} parsed as ${host.text}, the URL parser says ${JSON.stringify(oracle)}`);
  }
  const ours = classifyAddress(host.ip).kind;
  const theirs = oracleVerdict(bare);
  if (RANK[ours] < RANK[theirs]) throw new Error(`${raw} (${bare}) classified ${ours}, but it is ${theirs}`);
  return host;
}

/** parseAuthority never throws; what it accepts holds a host fuzzHost accepts and a port 1–65535. */
export function fuzzAuthority(raw: string): void {
  const a = parseAuthority(raw);
  if (a === undefined) return;
  if (raw.includes('@')) throw new Error(`authority ${JSON.stringify(raw)} with userinfo accepted`);
  if (a.port !== undefined && !(Number.isInteger(a.port) && a.port >= 1 && a.port <= 65535)) throw new Error(`bad port ${a.port}`);
}

const ALLOW = createAllowlist(['127.0.0.1:5000', 'http://registry.lan:5000', '10.1.2.3', '*.example.com', '[fd00::1]:5000']);
const ctx = { allowlist: ALLOW, realms: createRealmTable(ALLOW, false), allowPrivate: false };

/** A request the proxy would make: only ProxyErrors; a planned URL connects exactly to the checked, allowed host. */
export function fuzzProxyUrl(rawUrl: string): void {
  let plan;
  try {
    plan = planRequest(rawUrl, ctx);
  } catch (e) {
    if (e instanceof ProxyError && e.status === 403) return;
    throw new Error(`planRequest(${JSON.stringify(rawUrl)}) threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  const u = plan.url;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`${rawUrl} planned with scheme ${u.protocol}`);
  if (u.username !== '' || u.password !== '') throw new Error(`${rawUrl} planned with userinfo`);
  const connected = u.hostname.replace(/^\[|\]$/g, '');
  if (connected !== plan.host.text.replace(/^\[|\]$/g, '')) throw new Error(`${rawUrl}: checked ${plan.host.text} but the URL goes to ${u.hostname}`);
  if (plan.kind !== 'realm' && !u.pathname.startsWith('/v2/')) throw new Error(`${rawUrl}: non-API path ${u.pathname} planned`);
  if (u.pathname.split('/').some((s) => s === '..' || s === '.' || /^%2e(%2e)?$/i.test(s))) throw new Error(`${rawUrl}: dot segment reaches upstream`);
  if (plan.host.kind === 'name' && isMetadataHostName(plan.host.text)) throw new Error(`${rawUrl}: metadata host planned`);
  if (plan.host.kind === 'ip') {
    const v = oracleVerdict(connected);
    if (v === 'forbidden' || (v === 'private' && !plan.privateOk)) throw new Error(`${rawUrl}: ${v} address ${connected} planned (privateOk ${plan.privateOk})`);
  }
}

/** A DNS answer as the resolver returns it: checkAddress passes only public addresses (private not allowed here). */
export function fuzzDnsAnswer(address: string, host: ParsedHost = { kind: 'name', text: 'registry.example.com' }): void {
  let checked;
  try {
    checked = checkAddress(address, host, { privateOk: false, authority: 'registry.example.com' });
  } catch (e) {
    if (e instanceof ProxyError && e.status === 403) return;
    throw new Error(`checkAddress(${JSON.stringify(address)}) threw ${String(e)}`, { cause: e });
  }
  const family = net.isIP(checked.address);
  if (family === 0) throw new Error(`checkAddress(${JSON.stringify(address)}) passed a non-address ${checked.address}`);
  const v = oracleVerdict(checked.address);
  if (v !== 'public') throw new Error(`DNS answer ${JSON.stringify(address)} (${checked.address}) passed but is ${v}`);
  const reparsed = parseIpAddress(checked.address);
  if (reparsed === undefined) throw new Error(`checked address ${checked.address} does not re-parse`);
}

/** A Bearer realm from a challenge: checkRealm never throws and never admits a forbidden or (here) private host. */
export function fuzzRealm(realm: string): void {
  const source = { host: { kind: 'name', text: 'registry.example.com' } as ParsedHost, scheme: 'https' as const, authority: 'registry.example.com', privateOk: false };
  const r = checkRealm(realm, source, ALLOW, false);
  if (!r.ok) return;
  const host = r.realm.host;
  if (r.realm.scheme !== 'https' && r.realm.scheme !== 'http') throw new Error(`realm ${realm} scheme ${r.realm.scheme as string}`);
  if (host.kind === 'name' && isMetadataHostName(host.text)) throw new Error(`realm ${realm}: metadata host admitted`);
  if (host.kind === 'ip') {
    const v = oracleVerdict(host.text.replace(/^\[|\]$/g, ''));
    if (v === 'forbidden' || (v === 'private' && !r.realm.privateOk)) throw new Error(`realm ${realm}: ${v} host ${host.text} admitted`);
  }
}

// ---- generators -------------------------------------------------------------------------------------------------

const RANGE_BASES = [...V4.map(([b]) => b), '8.8.8.8', '1.1.1.1', '255.255.255.255', '169.254.169.254'];

/** An IPv4 value biased to the special ranges, and a rendering of it in one of the inet_aton/WHATWG forms (S2). */
export const ipv4Encoding: fc.Arbitrary<{ value: number; text: string }> = fc
  .tuple(fc.constantFrom(...RANGE_BASES), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), fc.integer({ min: 1, max: 4 }), fc.array(fc.constantFrom('d', 'o', 'x', 'X', 'o0', 'x0'), { minLength: 4, maxLength: 4 }), fc.boolean())
  .map(([base, offset, exact, parts, radix, trailingDot]) => {
    const b = base.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
    const value = exact ? b : (b + (offset % 512)) >>> 0;
    const bytes = [24, 16, 8, 0].map((s) => (value >>> s) & 255);
    const fields = parts === 4 ? bytes : [...bytes.slice(0, parts - 1), bytes.slice(parts - 1).reduce((acc, x) => acc * 256 + x, 0)];
    const render = (n: number, r: string): string =>
      r === 'd' ? String(n) : r === 'o' ? (n === 0 ? '0' : `0${n.toString(8)}`) : r === 'o0' ? `00${n.toString(8)}` : r === 'x' ? `0x${n.toString(16)}` : r === 'X' ? `0X${n.toString(16).toUpperCase()}` : `0x00${n.toString(16)}`;
    return { value, text: fields.map((n, i) => render(n, radix[i]!)).join('.') + (trailingDot ? '.' : '') };
  });

/**
 * IPv6 literals around the special ranges: a base address whose first `keep` groups are kept (8 = exact) and the rest
 * random, optionally with an IPv4 address (biased to the special ranges) in the last 32 bits, in compressed,
 * expanded, zero-padded, upper-case and dotted-quad-tail spellings.
 */
export const ipv6Literal: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('::', '::1', 'fe80::1', 'ff02::1', 'fd00:ec2::254', 'fc00::', '2001:db8::', '64:ff9b::', '2002::', '::ffff:0:0', '::ffff:0:0:0', '2606:4700::1111', '2001::', 'fec0::', '64:ff9b:1::'),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    fc.oneof(fc.constant(8), fc.integer({ min: 0, max: 8 })),
    fc.constantFrom('compressed', 'full', 'upper', 'quad', 'zeros'),
    ipv4Encoding,
    fc.boolean(),
  )
  .map(([base, noise, keep, form, v4, embed]) => {
    const groups = expandV6(base).map((x, i) => (i < keep ? x : noise[i]!));
    if (embed || form === 'quad') {
      groups[6] = v4.value >>> 16;
      groups[7] = v4.value & 0xffff;
    }
    const full = groups.map((x) => x.toString(16)).join(':');
    if (form === 'full') return full;
    if (form === 'zeros') return groups.map((x) => x.toString(16).padStart(4, '0')).join(':');
    if (form === 'upper') return full.toUpperCase();
    if (form === 'quad') return `${groups.slice(0, 6).map((x) => x.toString(16)).join(':')}:${dotted(v4.value)}`;
    // Compress the first run of two or more zero groups, as RFC 5952 would (any run is valid text).
    const m = /(?:^|:)(0(?::0)+)(?::|$)/.exec(full);
    if (!m) return full;
    const startAt = m.index + (m[0].startsWith(':') ? 1 : 0);
    return `${full.slice(0, startAt).replace(/:$/, '')}::${full.slice(startAt + m[1]!.length).replace(/^:/, '')}`;
  });

const NAMES = ['registry.lan', 'docker.io', 'ghcr.io', 'a.example.com', 'metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'localhost', 'x.localhost', '127.0.0.1.nip.io', 'metadata', 'instance-data', 'metadata.goog', 'xn--nxasmq6b.com', 'a..b', '-a.com'];

/** Host strings: encoded IPv4, bracketed IPv6, names, and random mutations of them. */
export const hostString: fc.Arbitrary<string> = fc.oneof(
  ipv4Encoding.map((e) => e.text),
  ipv6Literal.map((s) => `[${s}]`),
  fc.constantFrom(...NAMES),
  fc.tuple(fc.oneof(ipv4Encoding.map((e) => e.text), fc.constantFrom(...NAMES), ipv6Literal.map((s) => `[${s}]`)), fc.array(fc.tuple(fc.nat(), fc.constantFrom('.', ':', '0', 'x', '%2e', '%00', '[', ']', '@', ' ', '\t', '\u3002', 'A', '9', '', '..', '0x', '\u00ad')), { maxLength: 3 }))
    .map(([s, edits]) => edits.reduce((acc, [at, ins]) => { const p = at % (acc.length + 1); return acc.slice(0, p) + ins + acc.slice(p + (at % 3 === 0 ? 1 : 0)); }, s)),
  fc.string({ maxLength: 40 }),
);

const PATHS = ['/v2/', '/v2/library/ubuntu/manifests/latest', `/v2/a/b/blobs/sha256:${'a'.repeat(64)}`, '/v2/../x', '/v2/%2e%2e/x', '/v2/a%2fb', '/v2/a\\b', '/token', '/', '', '/v2/x?ns=169.254.169.254', '/v2/x#frag', '//169.254.169.254/v2/', '/v2/@127.0.0.1/'];

/** Proxy request URLs built from (mutated) authorities, ports, userinfo and paths. */
export const proxyUrl: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('/proxy/', '/proxy/', '/proxy//', '/proxy/http://', '/proxy/https:', '/proxy'), fc.option(fc.constantFrom('user:pass@', 'a@', '@'), { nil: '' }), hostString, fc.option(fc.constantFrom(':5000', ':443', ':80', ':22', ':0', ':65536', ':', ':0x50', ':1e3'), { nil: '' }), fc.constantFrom(...PATHS), fc.option(fc.constantFrom('?scope=x', '?', '?a=b#c'), { nil: '' }))
    .map((p) => p.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map((s) => `/proxy/${s}`) },
);

/** Realm URLs as a challenge might name them (S6). */
export const realmUrl: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('https://', 'http://', 'file://', 'gopher://', 'HTTPS://', 'https:', 'https://u:p@'), hostString, fc.option(fc.constantFrom(':443', ':8443', ':5000'), { nil: '' }), fc.constantFrom('/token', '/', '')).map((p) => p.join('')),
  fc.string({ maxLength: 60 }),
);

/** DNS answers: canonical and odd address texts a resolver stub might hand back (S3, S4). */
export const dnsAnswer: fc.Arbitrary<string> = fc.oneof(ipv4Encoding.map((e) => dotted(e.value)), ipv4Encoding.map((e) => e.text), ipv6Literal, fc.string({ maxLength: 30 }));
