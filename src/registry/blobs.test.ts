import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Descriptor } from '../core/oci/manifest.ts';
import { MEDIA } from '../core/oci/media-types.ts';
import { FakeRegistry } from '../testing/fake-registry.ts';
import { descriptorOf, noiseBytes } from '../testing/image-fixture.ts';
import { createTestClient, drain, rejection, type FetchLog } from '../testing/registry-test-kit.ts';
import type { RegistryTransport } from './transport.ts';

const MiB = 1024 * 1024;
const blob = noiseBytes(8 * MiB, 7);
const layer: Descriptor = descriptorOf(blob, MEDIA.ociLayerGzip);
const small = noiseBytes(200 * 1024, 3);
const smallLayer: Descriptor = descriptorOf(small, MEDIA.ociLayerGzip);
const path = `/v2/r/blob/blobs/${layer.digest}`;
let fake: FakeRegistry;
let redirecting: FakeRegistry;

before(async () => {
  fake = await FakeRegistry.start();
  redirecting = await FakeRegistry.start({ blobHost: true, auth: { kind: 'bearer' } });
  for (const f of [fake, redirecting]) {
    f.addBlob('r/blob', blob);
    f.addBlob('r/blob', small);
  }
});
after(() => Promise.all([fake.close(), redirecting.close()]));
afterEach(() => {
  fake.clearFaults();
  redirecting.clearFaults();
});

const ranges = (f: FakeRegistry, p = path) => f.requestsTo(p).filter((r) => r.method === 'GET').map((r) => r.headers.range ?? null);
const same = (a: Uint8Array, b: Uint8Array) => assert.ok(Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0, 'bytes differ');

describe('blob streaming', () => {
  test('P13 an empty blob (size 0) streams nothing and verifies', async () => {
    const empty = descriptorOf(new Uint8Array(0), MEDIA.ociLayerGzip);
    const got = await drain(createTestClient(fake.host).verifiedChunks('r/blob', empty));
    assert.equal(got.byteLength, 0);
  });

  test('P14 a sha512 layer is verified with sha512; malformed digests are refused before any request', async () => {
    const { createHash } = await import('node:crypto');
    const digest = `sha512:${createHash('sha512').update(small).digest('hex')}`;
    fake.blobs.set(`r/blob@${digest}`, small);
    const d512 = { ...smallLayer, digest } as Descriptor;
    same(await drain(createTestClient(fake.host).verifiedChunks('r/blob', d512)), small);
    const log: FetchLog = [];
    for (const bad of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`]) {
      const e = await rejection(drain(createTestClient(fake.host, { log }).openBlob('r/blob', { ...smallLayer, digest: bad } as Descriptor)));
      assert.equal(e.code, 'DIGEST_INVALID');
    }
    assert.equal(log.length, 0);
  });

  test('P16 a Content-Length different from the descriptor size fails before any byte is yielded', async () => {
    fake.script({ path, fault: { kind: 'wrong-length', contentLength: blob.byteLength - 10 } });
    let yielded = 0;
    const e = await rejection((async () => {
      for await (const c of createTestClient(fake.host).openBlob('r/blob', layer)) yielded += c.byteLength;
    })());
    assert.equal(e.code, 'SIZE_MISMATCH');
    assert.equal(yielded, 0);
    assert.match(e.message, new RegExp(`${blob.byteLength - 10}.*${blob.byteLength}`));
  });

  test('P17 a body longer than the descriptor size is an error and never yields more than size bytes', async () => {
    fake.script({ path, fault: { kind: 'extra-bytes', count: 100 } });
    let yielded = 0;
    const e = await rejection((async () => {
      for await (const c of createTestClient(fake.host).openBlob('r/blob', layer)) yielded += c.byteLength;
    })());
    assert.equal(e.code, 'SIZE_MISMATCH');
    assert.ok(yielded <= blob.byteLength);
  });

  test('P18 foreign urls are not fetched unless a policy allows them', async () => {
    const foreign = { ...descriptorOf(noiseBytes(10, 9), MEDIA.dockerForeignLayer), urls: ['http://10.0.0.1/x'] };
    const log: FetchLog = [];
    const e = await rejection(drain(createTestClient(fake.host, { log }).openBlob('r/blob', foreign)));
    assert.equal(e.code, 'FOREIGN_URL_BLOCKED');
    assert.ok(!log.some((l) => l.url.includes('10.0.0.1')));
    const allowed = { ...smallLayer, urls: [`http://${fake.host}/v2/r/blob/blobs/${smallLayer.digest}`] };
    const client = createTestClient(fake.host, { foreignUrlPolicy: (u) => u.host === fake.host });
    same(await drain(client.verifiedChunks('r/blob', allowed)), small);
  });

  test('F1 a reset mid-blob resumes with Range from the offset and the digest verifies', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'drop', afterBytes: 3 * MiB } });
    const before = ranges(fake).length;
    const resumes: number[] = [];
    const got = await drain(createTestClient(fake.host).verifiedChunks('r/blob', layer, { onResume: (o) => resumes.push(o) }));
    same(got, blob);
    assert.deepEqual(ranges(fake).slice(before), [null, 'bytes=3145728-']);
    assert.deepEqual(resumes, [3 * MiB]);
  });

  test('F2 repeated resets without progress give up after 3 attempts', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'drop', afterBytes: MiB } });
    fake.script({ path, ranged: true, times: 10, fault: { kind: 'drop', afterBytes: 0 } });
    const before = ranges(fake).length;
    const e = await rejection(drain(createTestClient(fake.host).openBlob('r/blob', layer)));
    assert.equal(e.code, 'NETWORK');
    assert.match(e.message, /3 attempts without progress/);
    assert.equal(ranges(fake).length - before, 4, 'first try plus three resumes that made no progress');
  });

  test('F3 a resume answered 200 with the full body skips what we have instead of appending it', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'drop', afterBytes: 2 * MiB } });
    fake.script({ path, ranged: true, fault: { kind: 'ignore-range' } });
    const before = ranges(fake).length;
    same(await drain(createTestClient(fake.host).verifiedChunks('r/blob', layer)), blob);
    assert.deepEqual(ranges(fake).slice(before), [null, `bytes=${2 * MiB}-`], 'one resume, answered 200, and no restart from 0');
  });

  test('F4 a resume answered with a Content-Range that does not start at the offset, is short or malformed fails', async () => {
    for (const value of [`bytes 0-${blob.byteLength - 1}/${blob.byteLength}`, `bytes ${MiB}-${2 * MiB}/${blob.byteLength}`, 'bytes nonsense']) {
      fake.script({ path, ranged: false, fault: { kind: 'drop', afterBytes: MiB } });
      fake.script({ path, ranged: true, fault: { kind: 'content-range', value } });
      const e = await rejection(drain(createTestClient(fake.host).openBlob('r/blob', layer)));
      assert.equal(e.code, 'RESUME_FAILED', value);
      assert.match(e.message, /refusing to recombine/);
    }
  });

  test('F5 a 416 on resume is an error; a start offset equal to the size is complete', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'drop', afterBytes: MiB } });
    fake.script({ path, ranged: true, fault: { kind: 'status', status: 416 } });
    const e = await rejection(drain(createTestClient(fake.host).openBlob('r/blob', layer)));
    assert.equal(e.code, 'RESUME_FAILED');
    assert.match(e.message, /416/);
    const rest = await drain(createTestClient(fake.host).openBlob('r/blob', layer, { offset: blob.byteLength }));
    assert.equal(rest.byteLength, 0);
  });

  test('a bounded read (offset and end) is one Range request for exactly those bytes, also from a server that ignores Range', async () => {
    const before = ranges(fake).length;
    const part = await drain(createTestClient(fake.host).openBlob('r/blob', layer, { offset: 3 * MiB + 5, end: 3 * MiB + 70_000 }));
    same(part, blob.subarray(3 * MiB + 5, 3 * MiB + 70_000));
    assert.deepEqual(ranges(fake).slice(before), [`bytes=${3 * MiB + 5}-${3 * MiB + 69_999}`]);
    fake.script({ path, ranged: true, fault: { kind: 'ignore-range' } });
    same(await drain(createTestClient(fake.host).openBlob('r/blob', layer, { offset: 100, end: 200 })), blob.subarray(100, 200));
    const e = await rejection(drain(createTestClient(fake.host).openBlob('r/blob', layer, { offset: 10, end: blob.byteLength + 1 })));
    assert.equal(e.code, 'SIZE_INVALID');
  });

  test('F6 a digest mismatch after a resumed download discards it and retries once from byte 0', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'drop', afterBytes: 3 * MiB } });
    fake.script({ path, ranged: true, fault: { kind: 'corrupt' } });
    const attempts: number[] = [];
    const restarts: string[] = [];
    const got = await createTestClient(fake.host).readVerifiedBlob('r/blob', layer, async (chunks, attempt) => {
      attempts.push(attempt);
      return drain(chunks);
    }, { onRestart: (e) => restarts.push(e.code) });
    same(got, blob);
    assert.deepEqual(attempts, [1, 2]);
    assert.deepEqual(restarts, ['DIGEST_MISMATCH']);
  });

  test('F7 a corrupted blob on a fresh download fails with both digests and is not retried', async () => {
    fake.script({ path, fault: { kind: 'corrupt' } });
    const before = ranges(fake).length;
    let calls = 0;
    const e = await rejection(createTestClient(fake.host).readVerifiedBlob('r/blob', layer, async (chunks) => {
      calls++;
      return drain(chunks);
    }));
    assert.equal(e.code, 'DIGEST_MISMATCH');
    assert.match(e.message, new RegExp(`expected ${layer.digest}, got sha256:[0-9a-f]{64}`));
    assert.equal(calls, 1);
    assert.equal(ranges(fake).length - before, 1);
  });

  test('F12 a body that stalls triggers the idle timeout and the download resumes', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'stall', afterBytes: MiB } });
    const client = createTestClient(fake.host, { timeouts: { bodyIdleMs: 800 } });
    same(await drain(client.verifiedChunks('r/blob', layer)), blob);
    assert.equal(ranges(fake).at(-1), `bytes=${MiB}-`);
  });

  test('F15 a resume re-requests the registry URL and gets a fresh redirect, never the stale Location', async () => {
    redirecting.script({ server: 'blob-host', ranged: false, fault: { kind: 'drop', afterBytes: 3 * MiB } });
    const client = createTestClient(redirecting.host);
    same(await drain(client.verifiedChunks('r/blob', layer)), blob);
    const store = redirecting.requests.filter((r) => r.server === 'blob-host').slice(-2);
    const asked = redirecting.requestsTo(path).filter((r) => r.method === 'GET' && r.headers.authorization !== undefined);
    assert.equal(asked.length, 2, 'the registry blob URL was asked twice');
    assert.notEqual(store[0]!.path, store[1]!.path, 'two different presigned URLs');
    assert.equal(store[1]!.headers.range, 'bytes=3145728-');
  });

  test('F16 a redirect loop stops after 10 hops with a clear error', async () => {
    fake.script({ path, times: Infinity, fault: { kind: 'redirect', location: path } });
    const before = ranges(fake).length;
    const e = await rejection(drain(createTestClient(fake.host).openBlob('r/blob', layer)));
    assert.equal(e.code, 'TOO_MANY_REDIRECTS');
    assert.match(e.message, /more than 10 redirects/);
    assert.equal(ranges(fake).length - before, 11, 'the first request and 10 redirects followed, no more');
  });

  test('F17 Authorization never reaches the redirected blob host, in manual and in fetch redirect mode', async () => {
    const manual = createTestClient(redirecting.host);
    same(await drain(manual.verifiedChunks('r/blob', smallLayer)), small);
    const follow: RegistryTransport = { fetch: (i, init) => fetch(i, init), urlFor: (h, p, insecure) => `${insecure ? 'http' : 'https'}://${h}${p}`, redirects: 'fetch' };
    const viaFetch = createTestClient(redirecting.host, { transport: follow });
    same(await drain(viaFetch.verifiedChunks('r/blob', smallLayer)), small);
    const store = redirecting.requests.filter((r) => r.server === 'blob-host');
    assert.ok(store.length >= 2);
    assert.ok(store.every((r) => r.headers.authorization === undefined));
    assert.ok(redirecting.requests.some((r) => r.server === 'registry' && r.headers.authorization?.startsWith('Bearer ')));
  });

  test('F18 a Content-Encoding: gzip transport encoding is decoded exactly once and the entity verifies', async () => {
    fake.script({ path: `/v2/r/blob/blobs/${smallLayer.digest}`, fault: { kind: 'gzip-encoding' } });
    same(await drain(createTestClient(fake.host).verifiedChunks('r/blob', smallLayer)), small);
  });

  test('F22 (client side) all connections closed mid-download, as by a restarting proxy: the download resumes', async () => {
    fake.script({ path, ranged: false, fault: { kind: 'stall', afterBytes: 2 * MiB } });
    let got = 0;
    let dropped = false;
    const parts: Uint8Array[] = [];
    for await (const c of createTestClient(fake.host).verifiedChunks('r/blob', layer)) {
      parts.push(c);
      got += c.byteLength;
      if (!dropped && got >= MiB) {
        dropped = true;
        fake.dropConnections();
      }
    }
    same(Buffer.concat(parts), blob);
    assert.match(ranges(fake).at(-1) ?? '', /^bytes=\d+-$/);
  });

  test('F21 aborting mid-download rejects with the abort reason and closes the connection', async () => {
    fake.script({ path, fault: { kind: 'stall', afterBytes: MiB } });
    const controller = new AbortController();
    const reason = new Error('user closed the layer');
    let got = 0;
    const e = await rejection((async () => {
      for await (const c of createTestClient(fake.host).openBlob('r/blob', layer, { signal: controller.signal })) {
        got += c.byteLength;
        if (got >= 64 * 1024) controller.abort(reason);
      }
    })());
    assert.equal(e, reason);
    const pre = new AbortController();
    pre.abort();
    const e2 = await rejection(drain(createTestClient(fake.host).openBlob('r/blob', layer, { signal: pre.signal })));
    assert.equal(e2.name, 'AbortError');
  });
});
