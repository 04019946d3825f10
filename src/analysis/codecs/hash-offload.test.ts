import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { DiffId, Digest } from '../../core/oci/digest.ts';
import { noiseBytes } from '../../testing/image-fixture.ts';
import { buildTar } from '../../testing/tar-builder.ts';
import { analyzeLayer, type LayerJob } from '../layer-pipeline.ts';
import { HashWorkerPool, MAX_IN_FLIGHT_BYTES, TRANSFER_MIN_BYTES, type HashPort } from './hash-offload.ts';
import { createHashWorkerHandler, type HashReply, type HashRequest } from './hash-worker-protocol.ts';
import { createWebCodecs } from './web-codecs.ts';

/** A hash worker in this thread: messages are structured-cloned with transfer (so buffers detach) and handled later. */
class FakeHashWorker extends EventTarget {
  posted = 0;
  dropped = 0;
  maxUnacked = 0;
  private unacked = 0;
  terminated = false;
  paused = false;
  private readonly queue: HashRequest[] = [];
  private readonly handle = createHashWorkerHandler((reply: HashReply) => {
    if (reply.op === 'ack') this.unacked -= reply.bytes;
    if (!this.terminated) setImmediate(() => this.dispatchEvent(new MessageEvent('message', { data: reply })));
  });

  postMessage(message: HashRequest, transfer: Transferable[] = []): void {
    const copy = structuredClone(message, { transfer: transfer as ArrayBuffer[] });
    this.posted++;
    if (copy.op === 'drop') this.dropped++;
    if (copy.op === 'update') {
      this.unacked += copy.chunks.reduce((n, c) => n + c.byteLength, 0);
      this.maxUnacked = Math.max(this.maxUnacked, this.unacked);
    }
    this.queue.push(copy);
    setImmediate(() => this.pump());
  }

  pump(): void {
    while (!this.paused && !this.terminated && this.queue.length > 0) this.handle(this.queue.shift()!);
  }

  terminate(): void {
    this.terminated = true;
  }

  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

const port = (w: FakeHashWorker): HashPort => w as unknown as HashPort;

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

test('a hash worker stream gives the same digest as node:crypto for owned and borrowed chunks of any size', async () => {
  const workers: FakeHashWorker[] = [];
  const pool = new HashWorkerPool(() => port(workers[workers.push(new FakeHashWorker()) - 1]!), 2);
  const a = pool.open('sha256');
  const b = pool.open('sha512');
  const ref256 = createHash('sha256');
  const ref512 = createHash('sha512');
  const large: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const chunk = bytes(1 + ((i * 77_777) % 600_000), i);
    ref256.update(chunk);
    ref512.update(chunk);
    await b.update(chunk);
    assert.equal(chunk.byteLength > 0, true, 'borrowed bytes are copied before they leave');
    const owned = chunk.slice();
    await a.update(owned, true);
    if (owned.byteLength >= TRANSFER_MIN_BYTES) large.push(owned);
  }
  assert.equal(await a.digestHex(), ref256.digest('hex'));
  assert.equal(await b.digestHex(), ref512.digest('hex'));
  assert.ok(large.length > 0 && large.every((c) => c.byteLength === 0), 'large owned chunks were transferred (detached here), not copied');
  assert.equal(workers.length, 2, 'two streams open at once use both workers');
});

test('an owned chunk that is a view into a larger buffer is copied, not transferred', async () => {
  const pool = new HashWorkerPool(() => port(new FakeHashWorker()), 1);
  const h = pool.open('sha256');
  const big = bytes(4096, 3);
  const view = big.subarray(100, 2100);
  await h.update(view, true);
  assert.equal(big.byteLength, 4096, 'the larger buffer is still attached');
  assert.equal(await h.digestHex(), createHash('sha256').update(view).digest('hex'));
});

test('updates wait once the bytes posted but not yet hashed pass the in-flight bound', async () => {
  const w = new FakeHashWorker();
  const pool = new HashWorkerPool(() => port(w), 1);
  const h = pool.open('sha256');
  w.paused = true;
  let waited = 0;
  const chunk = () => bytes(1024 * 1024, 1);
  for (let i = 0; i < 40; i++) {
    const p = h.update(chunk(), true);
    if (p) {
      waited++;
      w.paused = false;
      w.pump();
      await p;
      w.paused = true;
    }
  }
  w.paused = false;
  w.pump();
  await h.digestHex();
  assert.ok(waited > 0, 'the producer was made to wait');
  assert.ok(w.maxUnacked <= MAX_IN_FLIGHT_BYTES + 1024 * 1024 * 2, `at most the bound plus one batch in flight (saw ${w.maxUnacked})`);
});

test('a crashed hash worker fails its streams with HASH_WORKER_FAILED and the next stream gets a fresh worker', async () => {
  const workers: FakeHashWorker[] = [];
  const pool = new HashWorkerPool(() => port(workers[workers.push(new FakeHashWorker()) - 1]!), 1);
  const h = pool.open('sha256');
  await h.update(bytes(1000, 1));
  workers[0]!.crash('out of memory');
  await assert.rejects(h.digestHex(), (e: Error & { code?: string }) => e.code === 'HASH_WORKER_FAILED' && /out of memory/.test(e.message));
  assert.throws(() => h.update(bytes(10, 2)), (e: Error & { code?: string }) => e.code === 'HASH_WORKER_FAILED');
  assert.equal(workers[0]!.terminated, true);
  const next = pool.open('sha256');
  await next.update(bytes(10, 2));
  assert.equal(await next.digestHex(), createHash('sha256').update(bytes(10, 2)).digest('hex'));
  assert.equal(workers.length, 2);
});

test('dispose drops an unfinished stream in the hash worker and frees its slot', async () => {
  const w = new FakeHashWorker();
  const pool = new HashWorkerPool(() => port(w), 1);
  const h = pool.open('sha256');
  await h.update(bytes(5000, 1));
  h.dispose();
  h.dispose();
  const again = pool.open('sha256');
  await again.update(bytes(5, 5));
  assert.equal(await again.digestHex(), createHash('sha256').update(bytes(5, 5)).digest('hex'));
});

function layerJob(blob: Uint8Array, tarBytes: Uint8Array): LayerJob {
  const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
  return {
    index: 0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(blob) as Digest, size: blob.length, diffId: sha(tarBytes) as DiffId,
    open: async function* () { for (let i = 0; i < blob.length; i += 70_000) yield blob.slice(i, i + 70_000); },
  };
}

const bigTar = () => buildTar(Array.from({ length: 40 }, (_, i) => ({ name: `f/${i}`, body: noiseBytes(100_000 + i, i + 1) })));

test('the layer pipeline verifies digest and diffId computed on hash workers', async () => {
  const workers: FakeHashWorker[] = [];
  const codecs = createWebCodecs({ createHashWorker: () => port(workers[workers.push(new FakeHashWorker()) - 1]!) });
  const tarBytes = bigTar();
  const r = await analyzeLayer(layerJob(new Uint8Array(gzipSync(tarBytes)), tarBytes), codecs, { signal: new AbortController().signal });
  assert.equal(r.status, 'verified', JSON.stringify(r.error));
  assert.equal(workers.length, 2, 'digest and diffId each on a hash worker');
  assert.ok(workers.every((w) => w.posted > 2));
});

test('a hash worker that crashes mid-layer fails the layer with HASH_WORKER_FAILED', async () => {
  const workers: FakeHashWorker[] = [];
  const codecs = createWebCodecs({ createHashWorker: () => port(workers[workers.push(new FakeHashWorker()) - 1]!) });
  const tarBytes = bigTar();
  const blob = new Uint8Array(gzipSync(tarBytes));
  const j = layerJob(blob, tarBytes);
  const open = j.open;
  let n = 0;
  const crashing: LayerJob = { ...j, open: async function* (signal) {
    for await (const c of open(signal)) {
      if (++n === 20) workers[0]!.crash('wasm memory exhausted');
      yield c;
    }
  } };
  const r = await analyzeLayer(crashing, codecs, { signal: new AbortController().signal });
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.code, 'HASH_WORKER_FAILED');
  assert.match(r.error!.message, /hash worker failed: wasm memory exhausted/);
});

test('cancelling a layer drops its hash streams in the hash workers', async () => {
  const workers: FakeHashWorker[] = [];
  const codecs = createWebCodecs({ createHashWorker: () => port(workers[workers.push(new FakeHashWorker()) - 1]!) });
  const tarBytes = bigTar();
  const ctl = new AbortController();
  const j = layerJob(new Uint8Array(gzipSync(tarBytes)), tarBytes);
  const open = j.open;
  let n = 0;
  const cancelled: LayerJob = { ...j, open: async function* (signal) {
    for await (const c of open(signal)) {
      if (++n === 10) ctl.abort(new Error('closed'));
      yield c;
    }
  } };
  await assert.rejects(analyzeLayer(cancelled, codecs, { signal: ctl.signal }), /closed/);
  await new Promise((r) => setImmediate(r));
  assert.ok(workers.every((w) => w.dropped >= 1), 'each stream was dropped in its worker');
});
