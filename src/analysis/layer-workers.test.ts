// The layer worker pool and its message protocol over Node's MessageChannel (a real structured-clone boundary with
// transfer): remote layers give the in-thread pipeline's results, failures and aborts; a crashed worker fails only
// its layers; load-layers runs the next layer to stack here and the others remote.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { serializeLayerIndex } from '../core/layers/layer-index-codec.ts';
import type { DiffId, Digest } from '../core/oci/digest.ts';
import { noiseBytes } from '../testing/image-fixture.ts';
import { buildTar } from '../testing/tar-builder.ts';
import type { Codecs } from './codecs.ts';
import { webCodecs } from './codecs/web-codecs.ts';
import { analyzeLayer, type LayerJob, type LayerResult } from './layer-pipeline.ts';
import { createLayerWorkerHandler, type LayerWorkerReply, type LayerWorkerRequest } from './layer-worker-protocol.ts';
import { LAYER_BATCH_BYTES, LAYER_MAX_IN_FLIGHT_BYTES, LayerWorkerPool, layerWorkersFor, type LayerPort } from './layer-workers.ts';
import { LayerProgress } from './worker/layer-progress.ts';
import { loadLayers } from './worker/load-layers.ts';

/** A layer worker on a MessageChannel in this thread: messages are cloned with transfer, as between real workers. */
class FakeLayerWorker extends EventTarget {
  readonly outer: MessagePort;
  readonly inner: MessagePort;
  started = 0;
  aborted = 0;
  unacked = 0;
  maxUnacked = 0;
  terminated = false;
  constructor(silent = false) {
    super();
    const { port1, port2 } = new MessageChannel();
    this.outer = port1;
    this.inner = port2;
    const handle = createLayerWorkerHandler(webCodecs, (reply: LayerWorkerReply, transfer) => {
      if (reply.op === 'ack') this.unacked -= reply.bytes;
      if (!this.terminated) port2.postMessage(reply, (transfer ?? []) as ArrayBuffer[]);
    });
    port2.on('message', (m: LayerWorkerRequest) => {
      if (m.op === 'start') this.started++;
      if (m.op === 'abort') this.aborted++;
      if (m.op === 'chunks') {
        this.unacked += m.chunks.reduce((n, c) => n + c.byteLength, 0);
        this.maxUnacked = Math.max(this.maxUnacked, this.unacked);
      }
      if (!silent) handle(m);
    });
    port1.on('message', (data: unknown) => this.dispatchEvent(new MessageEvent('message', { data })));
  }

  postMessage(message: unknown, transfer: Transferable[] = []): void {
    if (!this.terminated) this.outer.postMessage(message, transfer as ArrayBuffer[]);
  }

  terminate(): void {
    this.terminated = true;
    this.outer.close();
  }

  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }
}

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

function layerTar(seed: number): Uint8Array {
  return buildTar([
    { name: `etc/layer-${seed}`, body: `hello ${seed}` },
    { name: 'usr/bin/tool', body: noiseBytes(300_000, seed) },
    { name: `usr/share/doc/${seed}/README`, body: 'x'.repeat(5000 + seed) },
  ]);
}

function job(index: number, blob: Uint8Array, over: Partial<LayerJob> = {}, chunk = 16 * 1024, onClose?: () => void): LayerJob {
  const tar = layerTar(index);
  return {
    index, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(blob) as Digest, size: blob.length, diffId: sha(tar) as DiffId,
    open: async function* () {
      try {
        for (let i = 0; i < blob.length; i += chunk) {
          await new Promise((r) => setImmediate(r));
          yield blob.slice(i, i + chunk);
        }
      } finally {
        onClose?.();
      }
    },
    ...over,
  };
}

const gz = (index: number) => gzipSync(layerTar(index));
const signal = () => new AbortController().signal;

function pool(size = 2): { pool: LayerWorkerPool; workers: FakeLayerWorker[] } {
  const workers: FakeLayerWorker[] = [];
  return { workers, pool: new LayerWorkerPool(() => { const w = new FakeLayerWorker(); workers.push(w); return w as unknown as LayerPort; }, size) };
}

function same(remote: LayerResult, local: LayerResult): void {
  const { layer: rl, ...r } = remote;
  const { layer: ll, ...l } = local;
  assert.deepEqual(r, l);
  assert.deepEqual(new Uint8Array(serializeLayerIndex(rl)), new Uint8Array(serializeLayerIndex(ll)));
}

test('layers analysed on layer workers give the in-thread results (index after the codec round trip, status, digests, warnings)', async () => {
  const { pool: p, workers } = pool(2);
  const jobs = [0, 1, 2].map((i) => job(i, gz(i), i === 2 ? { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' } : {}));
  const remote = await Promise.all(jobs.map((j) => p.analyze(j, { signal: signal() })));
  const local = await Promise.all(jobs.map((j) => analyzeLayer(j, webCodecs, { signal: signal() })));
  for (let i = 0; i < jobs.length; i++) same(remote[i]!, local[i]!);
  assert.equal(remote[0]!.status, 'verified');
  assert.equal(remote[2]!.warnings[0]?.code, 'MEDIA_TYPE_MISMATCH');
  assert.equal(workers.length, 2, 'the pool grows to its size, no further');
  assert.ok(workers.every((w) => w.maxUnacked <= LAYER_MAX_IN_FLIGHT_BYTES + LAYER_BATCH_BYTES));
  p.terminate();
});

test('a digest mismatch, a truncated gzip and a failing source map to the in-thread failures', async () => {
  const { pool: p } = pool(1);
  const blob = gz(1);
  const bad = Uint8Array.from(blob);
  bad[bad.length - 20]! ^= 0xff;
  const truncated = blob.subarray(0, blob.length - 1000);
  const sourceError = Object.assign(new Error('the registry closed the connection'), { code: 'BLOB_FETCH_FAILED' });
  const failing: Partial<LayerJob> = { open: async function* () { yield blob.slice(0, 1000); throw sourceError; } };
  const cases = [job(1, bad, { digest: sha(blob) as Digest }), job(1, truncated, { size: undefined }), job(1, blob, failing)];
  for (const j of cases) {
    const remote = await p.analyze(j, { signal: signal() });
    const local = await analyzeLayer(j, webCodecs, { signal: signal() });
    assert.equal(remote.status, 'failed');
    same(remote, local);
  }
  p.terminate();
});

test('aborting a remote layer rejects with the reason, stops the fetch and cancels the worker', async () => {
  const { pool: p, workers } = pool(1);
  const controller = new AbortController();
  let closed = false;
  const big = gzipSync(buildTar([{ name: 'big', body: noiseBytes(4_000_000, 3) }]));
  const running = p.analyze(job(0, big, { diffId: undefined }, 16 * 1024, () => { closed = true; }), {
    signal: controller.signal,
    onProgress: () => controller.abort(new Error('left the image')),
  });
  await assert.rejects(running, /left the image/);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(closed, 'the blob stream was closed');
  assert.equal(workers[0]!.aborted, 1);
  p.terminate();
});

test('a crashed layer worker fails only its layer with a clear message and is replaced', async () => {
  const { pool: p, workers } = pool(2);
  const slow = job(0, gz(0), {}, 4096);
  const crashing = p.analyze(slow, { signal: signal(), onProgress: () => undefined });
  const fine = p.analyze(job(1, gz(1)), { signal: signal() });
  await new Promise((r) => workers[0]!.addEventListener('message', r, { once: true }));
  workers[0]!.crash('out of memory');
  const [c, f] = await Promise.all([crashing, fine]);
  assert.equal(c.status, 'failed');
  assert.equal(c.error?.code, 'LAYER_WORKER_FAILED');
  assert.match(c.error!.message, /layer 0: the layer worker failed: out of memory/);
  assert.equal(f.status, 'verified');
  assert.ok(p.available());
  const again = await Promise.all([2, 3].map((i) => p.analyze(job(i, gz(i)), { signal: signal() })));
  assert.deepEqual(again.map((r) => r.status), ['verified', 'verified']);
  assert.equal(workers.length, 3, 'a new worker replaced the crashed one');
  p.terminate();
});

test('a layer worker that never starts hands its layer back to this thread, and the pool stops spawning', async () => {
  const workers: FakeLayerWorker[] = [];
  const p = new LayerWorkerPool(() => { const w = new FakeLayerWorker(true); workers.push(w); return w as unknown as LayerPort; }, 2);
  const j = job(0, gz(0));
  const running = p.analyze(j, { signal: signal(), fallback: () => analyzeLayer(j, webCodecs, { signal: signal() }) });
  await new Promise((r) => setTimeout(r, 5));
  workers[0]!.crash('failed to load');
  assert.equal((await running).status, 'verified');
  assert.equal(p.available(), false);
});

test('load-layers runs the next layer to stack in this thread and the others on layer workers, with the same results', async () => {
  const jobs = [0, 1, 2, 3].map((i) => job(i, gz(i)));
  const run = async (codecs: Codecs) => {
    const results: LayerResult[] = [];
    const partials = new Set<number>();
    await loadLayers(jobs, {
      codecs, cache: undefined, concurrency: 3, signal: signal(), progress: jobs.map((j) => new LayerProgress(j.index, j.size ?? null, () => Date.now())),
      emit: () => undefined, finished: (r) => results.push(r), partial: (i) => partials.add(i),
    });
    return results.sort((a, b) => a.index - b.index);
  };
  const { pool: p, workers } = pool(2);
  const remote = await run({ ...webCodecs, layerWorkers: p });
  const local = await run(webCodecs);
  for (let i = 0; i < jobs.length; i++) same(remote[i]!, local[i]!);
  const started = workers.reduce((n, w) => n + w.started, 0);
  assert.ok(started >= 1 && started <= 3, `layer 0 stays here; ${started} layers ran remote`);
  p.terminate();
});

test('the default pool is empty on 2 cores or fewer and keeps one core for the analysis thread above', () => {
  assert.deepEqual([undefined, 1, 2, 3, 4, 8, 64].map(layerWorkersFor), [0, 0, 0, 2, 3, 3, 3]);
});

test('a pool of size 0 never takes a layer', () => {
  const { pool: p, workers } = pool(0);
  assert.equal(p.available(), false);
  assert.equal(workers.length, 0);
});
