import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import { KIND } from '../../core/layers/tar-header.ts';
import { sha256Of } from '../../testing/image-fixture.ts';
import { indexTar } from '../../testing/layers.ts';
import { buildTar, type TarSpec } from '../../testing/tar-builder.ts';
import { CheckpointCollector, MAX_CHECKPOINTS, planRead } from '../codecs/gzip-checkpoints.ts';
import { webCodecs } from '../codecs/web-codecs.ts';
import { analyzeLayer, type LayerJob } from '../layer-pipeline.ts';
import { checkpointRecording } from './checkpoint-read.ts';
import { createMemoryCheckpointStore } from './checkpoint-store.ts';
import { readLayerEntry, readLayerFile } from './extract-file.ts';

const SPAN = 256 * 1024;

/** Text-like bodies (compressible, long matches across blocks) of sizes from 0 to ~60 KiB, plus a few big ones. */
function sampleFiles(count: number): TarSpec[] {
  const words = ['layer', 'digest', 'whiteout', 'opaque', 'sha256', 'node_modules', 'index.js', 'overlay', '\n', '{', '}'];
  let seed = 99;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const out: TarSpec[] = [{ name: 'app/', type: 'dir' }];
  for (let i = 0; i < count; i++) {
    const size = i % 97 === 0 ? 300_000 + (next() % 200_000) : next() % 60_000;
    let body = '';
    while (body.length < size) body += next() % 5 === 0 ? `v${next() % 100_003} ` : `${words[next() % words.length]!} `;
    out.push({ name: `app/dir-${i % 13}/file-${i}.txt`, body: body.slice(0, size) });
    if (i % 200 === 0) out.push({ name: `app/dir-${i % 13}/link-${i}`, type: 'symlink', link: `file-${i}.txt` });
  }
  return out;
}

type Fixture = { gz: Uint8Array; index: LayerIndex; bodies: Map<string, Uint8Array>; job: LayerJob; counts: { opens: number; ranges: number; rangeBytes: number } };

function fixture(mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip', compress = true): Fixture {
  const specs = sampleFiles(700);
  const tar = buildTar(specs);
  const gz = compress ? new Uint8Array(gzipSync(tar, { level: 6 })) : tar;
  const enc = new TextEncoder();
  const bodies = new Map(specs.filter((s) => s.type === undefined).map((s) => [s.name, typeof s.body === 'string' ? enc.encode(s.body) : s.body!] as const));
  const counts = { opens: 0, ranges: 0, rangeBytes: 0 };
  const chunks = async function* (bytes: Uint8Array) {
    for (let at = 0; at < bytes.length; at += 65536) yield bytes.slice(at, Math.min(bytes.length, at + 65536));
  };
  const job: LayerJob = {
    index: 0, mediaType, digest: sha256Of(gz), size: gz.length, diffId: undefined,
    open: () => {
      counts.opens++;
      return chunks(gz);
    },
    openRange: (start, end) => {
      counts.ranges++;
      counts.rangeBytes += end - start;
      return chunks(gz.subarray(start, end));
    },
  };
  return { gz, index: indexTar(tar), bodies, job, counts };
}

function entryOf(ix: LayerIndex, path: string): number {
  for (let id = 1; id < ix.count; id++) if (ix.pathOf(id) === `/${path}`) return id;
  throw new Error(`${path} is not in the index`);
}

async function view(f: Fixture, path: string, store = createMemoryCheckpointStore(), maxBytes = 1 << 26) {
  const id = entryOf(f.index, path);
  const r = await readLayerFile(f.job, webCodecs, path, {
    maxBytes, lastWins: false, sparse: false, signal: new AbortController().signal,
    headerOffset: f.index.headerOffsetOf(id), size: f.index.sizeOf(id), checkpoints: store, checkpointSpan: SPAN,
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  return r.value;
}

test('after the first view records the index, files are read with one Range from a checkpoint and equal a full stream, also across checkpoint boundaries', async () => {
  const f = fixture();
  const store = createMemoryCheckpointStore();
  const first = await view(f, 'app/dir-5/file-5.txt', store);
  assert.deepEqual(new Uint8Array(first.bytes), f.bodies.get('app/dir-5/file-5.txt'));
  await checkpointRecording(f.job.digest!);
  const index = await store.get(f.job.digest!);
  assert.ok(index && index.checkpoints.length >= 20, `recorded ${index?.checkpoints.length} checkpoints`);
  assert.equal(f.counts.opens, 1);
  // Every file whose header or body contains a checkpoint, and a spread of the others.
  const files = [...f.bodies.keys()];
  const crossing = files.filter((p) => {
    const id = entryOf(f.index, p);
    const start = f.index.headerOffsetOf(id)!;
    const end = start + 512 + f.index.sizeOf(id);
    return index.checkpoints.some((c) => c.uncompressedOffset >= start && c.uncompressedOffset <= end);
  });
  assert.ok(crossing.length >= 10, `${crossing.length} files sit on checkpoints`);
  const picked = [...new Set([...crossing, ...files.filter((_, i) => i % 23 === 0), files.at(-1)!])];
  const fetched: number[] = [];
  for (const p of picked) {
    const ranges = f.counts.ranges;
    const rangeBytes = f.counts.rangeBytes;
    const got = await view(f, p, store);
    assert.deepEqual(new Uint8Array(got.bytes), f.bodies.get(p), p);
    assert.equal(f.counts.ranges, ranges + 1, `${p}: one range request`);
    const id = entryOf(f.index, p);
    const plan = planRead(index, f.index.headerOffsetOf(id)!, 512 + f.index.sizeOf(id));
    assert.equal(f.counts.rangeBytes - rangeBytes, plan.end - plan.start, `${p}: the request covers the planned range only`);
    fetched.push(plan.end - plan.start);
    // Same bytes as streaming the whole layer (the pre-checkpoint path).
    if (picked.indexOf(p) % 10 === 0) {
      const streamed = await readLayerEntry(f.job, webCodecs, p, { maxBytes: 1 << 26, lastWins: false, sparse: false, signal: new AbortController().signal });
      assert.ok(streamed.ok);
      assert.deepEqual(new Uint8Array(streamed.value.bytes), new Uint8Array(got.bytes));
    }
  }
  fetched.sort((a, b) => a - b);
  const median = fetched[fetched.length >> 1]!;
  assert.ok(median < f.gz.length / 8, `median fetch ${median} B of a ${f.gz.length} B blob`);
  assert.ok(fetched.at(-1)! < f.gz.length / 2, `largest fetch ${fetched.at(-1)} B`);
});

test('maxBytes truncates a checkpoint read; a wrong offset is never trusted (the layer is streamed instead)', async () => {
  const f = fixture();
  const store = createMemoryCheckpointStore();
  await view(f, 'app/dir-1/file-1.txt', store);
  await checkpointRecording(f.job.digest!);
  const path = [...f.bodies.keys()].find((p) => f.bodies.get(p)!.length > 300_000)!;
  const part = await view(f, path, store, 1000);
  assert.equal(part.truncated, true);
  assert.deepEqual(new Uint8Array(part.bytes), f.bodies.get(path)!.subarray(0, 1000));
  const id = entryOf(f.index, path);
  const opens = f.counts.opens;
  const wrong = await readLayerFile(f.job, webCodecs, path, {
    maxBytes: 1 << 26, lastWins: false, sparse: false, signal: new AbortController().signal,
    headerOffset: f.index.headerOffsetOf(id)! + 512 * 3, size: f.index.sizeOf(id), checkpoints: store,
  });
  assert.ok(wrong.ok);
  assert.deepEqual(new Uint8Array(wrong.value.bytes), f.bodies.get(path));
  assert.equal(f.counts.opens, opens + 1, 'fell back to one full stream');
});

test('a file of an uncompressed layer is one plain range of the blob', async () => {
  const f = fixture('application/vnd.oci.image.layer.v1.tar', false);
  const path = [...f.bodies.keys()][321]!;
  const got = await view(f, path);
  assert.deepEqual(new Uint8Array(got.bytes), f.bodies.get(path));
  assert.equal(f.counts.opens, 0);
  assert.equal(f.counts.ranges, 1);
  assert.equal(f.counts.rangeBytes, 512 + f.bodies.get(path)!.length);
  assert.equal(f.index.kind[entryOf(f.index, path)], KIND.file);
});

test('the layer load records the checkpoints while the gzip layer streams: the first view is already one Range request', async () => {
  const f = fixture();
  const collector = new CheckpointCollector(SPAN);
  const chunks: Uint8Array[] = [];
  for await (const c of webCodecs.gunzip(f.job.open(new AbortController().signal), { checkpoints: collector })) chunks.push(c);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const recorded = collector.index(f.gz.length, total);
  assert.ok(recorded && recorded.checkpoints.length >= 20, `recorded ${recorded?.checkpoints.length} checkpoints while decoding`);
  for (const [i, c] of recorded.checkpoints.entries()) {
    assert.ok(c.window.length === Math.min(32768, c.uncompressedOffset) && c.bits >= 0 && c.bits <= 7, `checkpoint ${i}`);
    if (i > 0) assert.ok(c.uncompressedOffset - recorded.checkpoints[i - 1]!.uncompressedOffset >= SPAN, `checkpoint ${i} is a span after the one before`);
  }
  // Through the real pipeline: analyzeLayer hands the index over with a verified result.
  const result = await analyzeLayer(f.job, webCodecs, { signal: new AbortController().signal });
  assert.equal(result.status, 'verified');
  assert.ok(result.checkpoints && result.checkpoints.checkpoints.length >= 5, 'the pipeline records at its default span');
  const store = createMemoryCheckpointStore();
  await store.put(f.job.digest!, recorded);
  const opens = f.counts.opens;
  for (const p of [...f.bodies.keys()].filter((_, i) => i % 37 === 0)) {
    const ranges = f.counts.ranges;
    const got = await view(f, p, store);
    assert.deepEqual(new Uint8Array(got.bytes), f.bodies.get(p), p);
    assert.equal(f.counts.ranges, ranges + 1, `${p}: one range request`);
  }
  assert.equal(f.counts.opens, opens, 'no view streamed the layer');
});

test('a collector keeps at most MAX_CHECKPOINTS checkpoints: the span doubles and every other one goes', () => {
  const c = new CheckpointCollector(1000);
  const window = new Uint8Array(0);
  for (let at = 1000; at <= 1000 * 5000; at += 1000) if (c.due(at)) c.add({ compressedOffset: at, bits: 0, uncompressedOffset: at, window });
  assert.equal(c.index(1, 1), undefined, 'a back end that does not record gives no index');
  c.recording = true;
  const kept = c.index(1, 1)!.checkpoints;
  assert.ok(kept.length < MAX_CHECKPOINTS && kept.length >= MAX_CHECKPOINTS / 4, `${kept.length} kept`);
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i]!.uncompressedOffset - kept[i - 1]!.uncompressedOffset >= c.span / 2);
});

test('checkpoints recorded while a multi-member gzip layer streams (eStargz-like) read every file right, across members', async () => {
  const specs = sampleFiles(120);
  const tar = buildTar(specs);
  // Members cut at arbitrary points (not at entry boundaries), each compressed on its own.
  const cuts = [0, 70_001, 300_000, 300_001, 1_200_000, tar.length];
  const members = cuts.slice(1).map((end, i) => new Uint8Array(gzipSync(tar.subarray(cuts[i]!, end))));
  const gz = new Uint8Array(members.reduce((n, m) => n + m.length, 0));
  members.reduce((at, m) => (gz.set(m, at), at + m.length), 0);
  const enc = new TextEncoder();
  const bodies = new Map(specs.filter((s) => s.type === undefined).map((s) => [s.name, typeof s.body === 'string' ? enc.encode(s.body) : s.body!] as const));
  const chunks = async function* (bytes: Uint8Array) {
    for (let at = 0; at < bytes.length; at += 4096) yield bytes.slice(at, Math.min(bytes.length, at + 4096));
  };
  const counts = { opens: 0, ranges: 0, rangeBytes: 0 };
  const job: LayerJob = {
    index: 0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256Of(gz), size: gz.length, diffId: undefined,
    open: () => { counts.opens++; return chunks(gz); },
    openRange: (start, end) => { counts.ranges++; return chunks(gz.subarray(start, end)); },
  };
  const collector = new CheckpointCollector(32 * 1024);
  let total = 0;
  for await (const c of webCodecs.gunzip(job.open(new AbortController().signal), { checkpoints: collector })) total += c.length;
  assert.equal(total, tar.length);
  const recorded = collector.index(gz.length, total)!;
  assert.ok(recorded.checkpoints.length >= 20, `${recorded.checkpoints.length} checkpoints`);
  const store = createMemoryCheckpointStore();
  await store.put(job.digest!, recorded);
  const f: Fixture = { gz, index: indexTar(tar), bodies, job, counts };
  const opens = counts.opens;
  for (const p of bodies.keys()) assert.deepEqual(new Uint8Array((await view(f, p, store)).bytes), bodies.get(p), p);
  assert.equal(counts.opens, opens, 'every file came from a checkpoint range');
});
