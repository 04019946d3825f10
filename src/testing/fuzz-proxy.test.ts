// In-suite fuzzing of the proxy's target parsing (hardening S1, S2, S3, S6, S12, S19): encoded IPs, mutated hosts,
// URLs, DNS answers and realms never throw unexpectedly and are never judged laxer than an independent oracle (the
// WHATWG URL parser, net.isIP and our own range table). `npm run fuzz -- --target proxy` runs the long version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import {
  dnsAnswer, fuzzAuthority, fuzzDnsAnswer, fuzzHost, fuzzProxyUrl, fuzzRealm, hostString, ipv4Encoding, ipv6Literal, oracleVerdict, proxyUrl, realmUrl,
} from './fuzz-targets-proxy.ts';

test('fuzz oracle: the independent range table knows the S1/S2 addresses', () => {
  for (const a of ['169.254.169.254', 'fd00:ec2::254', '0.0.0.0', '::', 'fe80::1', 'ff02::1', '224.0.0.1']) assert.equal(oracleVerdict(a), 'forbidden', a);
  for (const a of ['127.0.0.1', '10.0.0.5', '::1', '::ffff:7f00:1', '192.168.1.1', 'fc00::1', '64:ff9b::a00:1']) assert.equal(oracleVerdict(a), 'private', a);
  for (const a of ['8.8.8.8', '2606:4700::1111', '::ffff:808:808']) assert.equal(oracleVerdict(a), 'public', a);
});

test('fuzz: every inet_aton/WHATWG encoding of an IPv4 address parses to that address or is refused (8k cases)', () => {
  fc.assert(fc.property(ipv4Encoding, (e) => { fuzzHost(e.text, { value: e.value }); }), { numRuns: 8000, seed: 31 });
});

test('fuzz: IPv6 literals (mapped, NAT64, 6to4, metadata, zero forms) are classified no laxer than the oracle (6k cases)', () => {
  fc.assert(fc.property(ipv6Literal, (s) => { fuzzHost(`[${s}]`); }), { numRuns: 6000, seed: 32 });
});

test('fuzz: mutated host and authority strings never throw and are never an IP to a URL parser but a name to the proxy (8k cases)', () => {
  fc.assert(fc.property(hostString, (s) => { fuzzHost(s); fuzzAuthority(s); }), { numRuns: 8000, seed: 33 });
});

test('fuzz: proxy URLs are refused with a 403 or planned to exactly the checked, allowed, non-private host (8k cases)', () => {
  fc.assert(fc.property(proxyUrl, fuzzProxyUrl), { numRuns: 8000, seed: 34 });
});

test('fuzz: DNS answers pass the address guard only when public; token realms never admit forbidden hosts (4k + 4k cases)', () => {
  fc.assert(fc.property(dnsAnswer, (a) => fuzzDnsAnswer(a)), { numRuns: 4000, seed: 35 });
  fc.assert(fc.property(realmUrl, fuzzRealm), { numRuns: 4000, seed: 36 });
});

test('fuzz regressions: every saved failing proxy input stays fixed', () => {
  const dir = new URL('./fuzz-regressions/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => /^proxy-[a-z]+-.*\.json$/.test(n))) {
    const c = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { target: string; text: string; value?: number };
    if (c.target === 'proxy-host') { fuzzHost(c.text, c.value === undefined ? undefined : { value: c.value }); fuzzAuthority(c.text); }
    else if (c.target === 'proxy-url') fuzzProxyUrl(c.text);
    else if (c.target === 'proxy-dns') fuzzDnsAnswer(c.text);
    else if (c.target === 'proxy-realm') fuzzRealm(c.text);
  }
});
