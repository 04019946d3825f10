import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { GzipCheckpointRecorder, planRead, readFromCheckpoint, type GzipCheckpointIndex } from './gzip-checkpoints.ts';

/** ~6 MiB of text-like bytes: compressible, with long matches across block boundaries. */
function sampleText(bytes: number): Uint8Array {
  const words = ['layer', 'digest', 'whiteout', 'opaque', 'sha256', 'node_modules', 'index.js', 'overlay', '\n', '{', '}'];
  const out = new Uint8Array(bytes);
  let seed = 7;
  for (let at = 0; at < bytes;) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const r = seed >>> 0;
    const w = r % 5 === 0 ? `v${(r >>> 8) % 100003} ` : `${words[(r >>> 4) % words.length]!} `;
    for (let i = 0; i < w.length && at < bytes; i++) out[at++] = w.charCodeAt(i);
  }
  return out;
}

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, Math.min(bytes.length, at + size));
}

function record(gz: Uint8Array, span: number): { index: GzipCheckpointIndex; output: Uint8Array } {
  const r = new GzipCheckpointRecorder(span);
  const pieces: Uint8Array[] = [];
  for (const c of chunksOf(gz, 100_003)) pieces.push(...r.push(c));
  const output = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    output.set(p, at);
    at += p.length;
  }
  return { index: r.finish(), output };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield* chunksOf(bytes, 65_536);
}

const text = sampleText(6 * 1024 * 1024);
const gz = new Uint8Array(gzipSync(text, { level: 6 }));

test('inflates a gzip stream exactly while recording a checkpoint about every span bytes', () => {
  const { index, output } = record(gz, 256 * 1024);
  assert.deepEqual(output, text);
  assert.equal(index.uncompressedBytes, text.length);
  assert.equal(index.compressedBytes, gz.length);
  assert.ok(index.checkpoints.length >= 10, `${index.checkpoints.length} checkpoints`);
  assert.ok(index.checkpoints.some((c) => c.bits > 0), 'some boundaries fall inside a byte');
  for (const c of index.checkpoints) assert.deepEqual(c.window, text.subarray(c.uncompressedOffset - c.window.length, c.uncompressedOffset));
});

test('resuming from each checkpoint reproduces the exact bytes that follow it', async () => {
  const { index } = record(gz, 256 * 1024);
  for (const c of index.checkpoints) {
    const length = Math.min(300_000, text.length - c.uncompressedOffset);
    const plan = planRead(index, c.uncompressedOffset, length);
    assert.equal(plan.from, c);
    const got = await readFromCheckpoint(plan.from, once(gz.subarray(plan.start, plan.end)), c.uncompressedOffset, length);
    assert.deepEqual(got, text.subarray(c.uncompressedOffset, c.uncompressedOffset + length));
  }
});

test('reads a range that starts between checkpoints and runs into a following gzip member', async () => {
  const second = sampleText(1024 * 1024).reverse();
  const multi = new Uint8Array([...gz, ...gzipSync(second, { level: 1 })]);
  const whole = new Uint8Array([...text, ...second]);
  const { index, output } = record(multi, 512 * 1024);
  assert.deepEqual(output, whole);
  const offset = text.length - 10_000;
  const plan = planRead(index, offset, 50_000);
  const got = await readFromCheckpoint(plan.from, once(multi.subarray(plan.start, plan.end)), offset, 50_000);
  assert.deepEqual(got, whole.subarray(offset, offset + 50_000));
});

let server: Server;
let base = '';
let served = 0;
before(async () => {
  server = createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Number(m[2]) + 1 : gz.length;
    const body = gz.subarray(start, end);
    served += body.length;
    res.writeHead(m ? 206 : 200, { 'content-length': body.length, 'accept-ranges': 'bytes', ...(m ? { 'content-range': `bytes ${start}-${end - 1}/${gz.length}` } : {}) });
    res.end(body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/blob`;
});
after(() => {
  server.close();
});

test('reads one slice over one HTTP Range request from the nearest checkpoint, fetching a fraction of the blob', async () => {
  const { index } = record(gz, 256 * 1024);
  const offset = 4_000_123;
  const length = 20_000;
  const plan = planRead(index, offset, length);
  served = 0;
  const res = await fetch(base, { headers: { range: `bytes=${plan.start}-${plan.end - 1}` } });
  assert.equal(res.status, 206);
  const body = res.body as unknown as AsyncIterable<Uint8Array>;
  const got = await readFromCheckpoint(plan.from, body, offset, length);
  assert.deepEqual(got, text.subarray(offset, offset + length));
  assert.ok(served < gz.length / 5, `served ${served} of ${gz.length} bytes`);
});
