import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { MEDIA } from '../core/oci/media-types.ts';
import { buildImage } from '../testing/image-fixture.ts';
import { createFakeClock, createTestClient, rejection, useFakeRegistry, type FetchLog } from '../testing/registry-test-kit.ts';
import { parseRetryAfter } from './retry-policy.ts';

const image = buildImage({ layers: [[{ name: 'x', body: 'x' }]] });
const path = '/v2/r/app/manifests/latest';
const fake = await useFakeRegistry({}, (f) => f.addManifest('r/app', 'latest', image.manifest.bytes, MEDIA.ociManifest));

const gets = () => fake.requestsTo(path).length;

describe('throttling (429)', () => {
  test('F8 Retry-After: 3 waits 3 s then succeeds; without the header the wait doubles from 2 s; at most 5 attempts', async () => {
    fake.script({ path, fault: { kind: 'status', status: 429, headers: { 'retry-after': '3' } } });
    const clock = createFakeClock();
    await createTestClient(fake.host, { clock }).getManifest('r/app', 'latest');
    assert.deepEqual(clock.sleeps, [3000]);

    fake.script({ path, times: Infinity, fault: { kind: 'status', status: 429 } });
    const clock2 = createFakeClock();
    const before = gets();
    const e = await rejection(createTestClient(fake.host, { clock: clock2 }).getManifest('r/app', 'latest'));
    assert.equal(e.code, 'TOOMANYREQUESTS');
    assert.deepEqual(clock2.sleeps, [2000, 4000, 8000, 16000]);
    assert.equal(gets() - before, 5);
    assert.match(e.message, /throttling/);
  });

  test('F8 a Retry-After beyond the 60 s cap is not waited out: the error says when to retry', async () => {
    fake.script({ path, fault: { kind: 'status', status: 429, headers: { 'retry-after': '600' } } });
    const clock = createFakeClock();
    const e = await rejection(createTestClient(fake.host, { clock }).getManifest('r/app', 'latest'));
    assert.equal(e.retryAfterMs, 600_000);
    assert.match(e.message, /retry after 600 s/);
    assert.deepEqual(clock.sleeps, []);
  });

  test('F9 Retry-After as an HTTP-date is honoured; past dates and garbage fall back to the default delay', async () => {
    const clock = createFakeClock();
    const at = new Date(clock.now() + 5000).toUTCString();
    assert.equal(parseRetryAfter(at, clock.now()), 5000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', clock.now()), undefined);
    assert.equal(parseRetryAfter('soon-ish', clock.now()), undefined);
    fake.script({ path, fault: { kind: 'status', status: 429, headers: { 'retry-after': at } } });
    fake.script({ path, fault: { kind: 'status', status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } } });
    fake.script({ path, fault: { kind: 'status', status: 429, headers: { 'retry-after': 'soon-ish' } } });
    await createTestClient(fake.host, { clock }).getManifest('r/app', 'latest');
    assert.deepEqual(clock.sleeps, [5000, 4000, 8000]);
  });

  test('F10 Docker Hub\'s pull-rate-limit 429 is told apart from plain throttling and not retried', async () => {
    const pullLimit = '{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit"}]}';
    fake.script({ path, fault: { kind: 'status', status: 429, body: pullLimit, headers: { 'content-type': 'application/json' } } });
    const clock = createFakeClock();
    const before = gets();
    const e = await rejection(createTestClient(fake.host, { clock }).getManifest('r/app', 'latest'));
    assert.equal(e.code, 'PULL_LIMIT');
    assert.match(e.message, /pull rate limit/);
    assert.match(e.message, /shared proxy|--creds/);
    assert.equal(gets() - before, 1);
    assert.deepEqual(clock.sleeps, []);
    fake.script({ path, fault: { kind: 'status', status: 429, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"Too Many Requests"}]}' } });
    const clock2 = createFakeClock();
    await createTestClient(fake.host, { clock: clock2 }).getManifest('r/app', 'latest');
    assert.equal(clock2.sleeps.length, 1, 'plain throttling is retried');
  });
});

describe('server errors (5xx)', () => {
  test('F11 a single 500/502/503/504 is retried with backoff and succeeds', async () => {
    for (const status of [500, 502, 503, 504]) {
      fake.script({ path, fault: { kind: 'status', status } });
      const clock = createFakeClock();
      await createTestClient(fake.host, { clock }).getManifest('r/app', 'latest');
      assert.equal(clock.sleeps.length, 1, `${status}`);
    }
  });

  test('F11 the same 5xx twice in a row stops; changing 5xx stop at the bound', async () => {
    fake.script({ path, times: Infinity, fault: { kind: 'status', status: 500 } });
    let before = gets();
    const e = await rejection(createTestClient(fake.host).getManifest('r/app', 'latest'));
    assert.equal(e.code, 'UNAVAILABLE');
    assert.equal(gets() - before, 2);
    fake.clearFaults();
    for (const status of [502, 503, 504, 500, 502]) fake.script({ path, fault: { kind: 'status', status } });
    before = gets();
    await rejection(createTestClient(fake.host).getManifest('r/app', 'latest'));
    assert.equal(gets() - before, 4);
  });
});

describe('network failures and timeouts', () => {
  test('F12 headers that never come, or trickle in, hit the header timeout', async () => {
    for (const fault of [{ kind: 'stall' as const }, { kind: 'trickle-headers' as const, intervalMs: 50 }]) {
      fake.script({ path, times: Infinity, fault });
      const started = Date.now();
      const e = await rejection(createTestClient(fake.host, { timeouts: { headersMs: 250 } }).getManifest('r/app', 'latest'));
      assert.equal(e.code, 'TIMEOUT');
      assert.match(e.message, /no response within 0.25 s/);
      assert.ok(Date.now() - started < 5000);
      fake.clearFaults();
    }
  });

  test('F19 connection refused and TLS failures fail fast with a clear error; DNS failures too', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const log: FetchLog = [];
    const refused = await rejection(createTestClient(`127.0.0.1:${closed}`, { insecure: false, log }).getManifest('r/app', 'latest'));
    assert.equal(refused.code, 'NETWORK');
    assert.match(refused.message, /ECONNREFUSED/);
    assert.equal(log.length, 1);
    const tls = await rejection(createTestClient(fake.host, { insecure: false }).getManifest('r/app', 'latest'));
    assert.equal(tls.code, 'NETWORK');
    assert.match(tls.message, /SSL|TLS/);
    const dnsLog: FetchLog = [];
    const dns = await rejection(createTestClient('registry.invalid', { log: dnsLog }).getManifest('r/app', 'latest'));
    assert.equal(dns.code, 'NETWORK');
    assert.match(dns.message, /ENOTFOUND/);
    assert.match(dns.message, /host name/);
    assert.equal(dnsLog.length, 1);
  });

  test('F20 a localhost-class registry speaking plain http: https first, then http, remembered', async () => {
    const log: FetchLog = [];
    const client = createTestClient(fake.host, { log });
    await client.getManifest('r/app', 'latest');
    await client.getManifest('r/app', 'latest');
    assert.deepEqual(log.map((l) => new URL(l.url).protocol), ['https:', 'http:', 'http:']);
    const ping = await client.ping();
    assert.equal(ping.scheme, 'http');
  });
});
