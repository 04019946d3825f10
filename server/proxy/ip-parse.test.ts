// Unit tests for IP literal parsing, host canonicalisation, address classification and the allowlist (node side).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyAddress } from './address-class.ts';
import { createAllowlist, parseHostEntry } from './allowlist.ts';
import { parseAuthority, parseHost } from './authority.ts';
import { formatIPv6, parseIPv4, parseIPv6 } from './ip-parse.ts';
import { redactText, redactUrl } from './redact.ts';
import { clientKey } from './rate-limit.ts';

function classOf(hostText: string): string {
  const host = parseHost(hostText);
  assert.ok(host?.kind === 'ip', `${hostText} should parse as an IP literal`);
  return `${host.text} ${classifyAddress(host.ip).kind}`;
}

test('S2 IP encodings: every inet_aton and IPv6 spelling of loopback/unspecified parses canonically and is non-public', () => {
  const expected: [string, string][] = [
    ['2130706433', '127.0.0.1 private'],
    ['017700000001', '127.0.0.1 private'],
    ['0x7f.1', '127.0.0.1 private'],
    ['127.1', '127.0.0.1 private'],
    ['0177.0.0.1', '127.0.0.1 private'],
    ['0x7F.0.0.1', '127.0.0.1 private'],
    ['127.0.0.1.', '127.0.0.1 private'],
    ['0', '0.0.0.0 forbidden'],
    ['0.0.0.0', '0.0.0.0 forbidden'],
    ['[::ffff:127.0.0.1]', '[::ffff:7f00:1] private'],
    ['[::ffff:7f00:1]', '[::ffff:7f00:1] private'],
    ['[::fFFf:127.0.0.1]', '[::ffff:7f00:1] private'],
    ['[0:0:0:0:0:0:0:1]', '[::1] private'],
    ['[000:0:0000::01]', '[::1] private'],
    ['[::]', '[::] forbidden'],
    ['012.1.2.3', '10.1.2.3 private'],
    ['0xa9fea9fe', '169.254.169.254 forbidden'],
    ['[fd00:ec2::254]', '[fd00:ec2::254] forbidden'],
    ['[::ffff:169.254.169.254]', '[::ffff:a9fe:a9fe] forbidden'],
    ['[64:ff9b::7f00:1]', '[64:ff9b::7f00:1] private'],
    ['[2002:7f00:1::]', '[2002:7f00:1::] private'],
    ['8.8.8.8', '8.8.8.8 public'],
    ['[2606:4700::1111]', '[2606:4700::1111] public'],
  ];
  for (const [input, want] of expected) assert.equal(classOf(input), want, input);
});

test('refuses malformed IP literals and numeric-looking names instead of passing them to DNS', () => {
  for (const bad of ['1.2.3.256', '256.1', '08.1.1.1', '0x1g.1', '1.2.3.4.5', '4294967296', '[::1%eth0]', '[1::2::3]', '[::ffff:127.0.0.01]', '[12345::]']) {
    assert.equal(parseHost(bad), undefined, bad);
  }
  assert.equal(parseIPv4('4294967295'), 0xffffffff);
  assert.equal(parseIPv6('1:2:3:4:5:6:7:8:9'), undefined);
});

test('serialises IPv6 like the WHATWG URL parser', () => {
  assert.equal(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(parseIPv6('0:0:1:0:0:0:0:0')!), '0:0:1::');
  assert.equal(formatIPv6(parseIPv6('1:0:1:0:1:0:1:0')!), '1:0:1:0:1:0:1:0');
  for (const text of ['[::ffff:7f00:1]', '[2001:db8::1:0:0:1]', '[fd00:ec2::254]']) {
    assert.equal(parseHost(new URL(`https://${text}/`).hostname)?.text, text);
  }
});

test('parses host[:port] and refuses userinfo, empty and out-of-range ports', () => {
  assert.deepEqual(parseAuthority('Registry-1.Docker.IO.'), { host: { kind: 'name', text: 'registry-1.docker.io' }, port: undefined });
  assert.equal(parseAuthority('[::1]:5000')?.port, 5000);
  for (const bad of ['user:pass@ghcr.io', 'ghcr.io:0', 'ghcr.io:65536', 'ghcr.io:', 'https:', '', 'a_b.example', 'ghcr.io:22x']) {
    assert.equal(parseAuthority(bad), undefined, bad);
  }
});

test('allowlist: wildcards match subdomains only, ports must be named, exact operator entries are local registries', () => {
  const list = createAllowlist(['127.0.0.1:5000', 'http://registry.lan:8080', '*.corp.example']);
  const at = (h: string, port?: number) => list.match(parseHost(h)!, port);
  assert.equal(at('us-docker.pkg.dev')?.scheme, 'https');
  assert.equal(at('pkg.dev'), undefined);
  assert.equal(at('evilpkg.dev'), undefined);
  assert.equal(at('ghcr.io', 22), undefined);
  assert.equal(at('ghcr.io', 443)?.explicit, false);
  assert.equal(at('prod-registry-k8s-io-us-east-2.s3.dualstack.us-east-2.amazonaws.com')?.scheme, 'https');
  assert.equal(at('other-bucket.s3.dualstack.us-east-2.amazonaws.com'), undefined);
  assert.deepEqual(at('2130706433', 5000), { scheme: 'http', explicit: true, localRegistry: true, entry: '127.0.0.1:5000' });
  assert.equal(at('127.0.0.1'), undefined);
  assert.equal(at('registry.lan', 8080)?.scheme, 'http');
  assert.equal(at('a.corp.example')?.localRegistry, false);
  assert.throws(() => parseHostEntry('*.com', true), /last two labels/);
  assert.throws(() => parseHostEntry('*', true), /last two labels/);
  assert.throws(() => parseHostEntry('user@host', true), /host\[:port\]/);
});

test('redacts query values, userinfo and credentials from log text', () => {
  assert.equal(redactUrl('/proxy/auth.docker.io/token?service=registry.docker.io&scope=repository:x:pull&account=alice'),
    '/proxy/auth.docker.io/token?service=<redacted>&scope=<redacted>&account=<redacted>');
  assert.equal(redactUrl('https://u:p@s3.example/x?X-Amz-Signature=abc'), 'https://<redacted>@s3.example/x?X-Amz-Signature=<redacted>');
  assert.equal(redactText('sent Bearer abc.def-ghi to https://h/x?sig=1'), 'sent Bearer <redacted> to https://h/x?sig=<redacted>');
});

test('rate-limit keys: IPv4-mapped as IPv4, IPv6 by /64', () => {
  assert.equal(clientKey('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(clientKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8:1:2::9'), '2001:db8:1:2::/64');
});
