// Pipeline-level hardening cases (T19, T22–T27, T31, P16, P17) and verification, with Node's codecs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { decodeJson, LIMITS_JSON } from '../core/oci/json.ts';
import type { DiffId, Digest } from '../core/oci/digest.ts';
import { nodeCodecs } from '../node/codecs.ts';
import { buildTar } from '../testing/tar-builder.ts';
import { analyzeLayer, DEFAULT_LIMITS, type LayerJob } from './layer-pipeline.ts';

const sha = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const tar = buildTar([{ name: 'etc/hello', body: 'hello' }, { name: 'bin/tool', body: 'x'.repeat(5000) }]);

function job(blob: Uint8Array, over: Partial<LayerJob> = {}, chunk = 1000): LayerJob {
  return {
    index: 0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha(blob) as Digest, size: blob.length, diffId: sha(tar) as DiffId,
    open: async function* () { for (let i = 0; i < blob.length; i += chunk) yield blob.subarray(i, i + chunk); },
    ...over,
  };
}
const run = (j: LayerJob, limits = DEFAULT_LIMITS) => analyzeLayer(j, nodeCodecs, { signal: new AbortController().signal, limits });

test('a gzip layer is verified by digest and diffId and indexed', async () => {
  const r = await run(job(gzipSync(tar)));
  assert.equal(r.status, 'verified');
  assert.equal(r.compression, 'gzip');
  assert.equal(r.diffId, sha(tar));
  assert.equal(r.layer.count, 5);
});

test('F7 a corrupted blob fails with both digests named and is never shown as fine', async () => {
  const blob = gzipSync(tar);
  const bad = Uint8Array.from(blob);
  bad[bad.length - 20]! ^= 0xff;
  const r = await run(job(bad, { digest: sha(blob) as Digest }));
  assert.equal(r.status, 'failed');
  assert.match(r.error!.message, new RegExp(`expected ${sha(blob)}`));
});

test('P16 P17 a blob shorter or longer than its descriptor fails', async () => {
  const blob = gzipSync(tar);
  assert.equal((await run(job(blob, { size: blob.length + 10 }))).error?.code, 'SIZE_INVALID');
  assert.equal((await run(job(blob, { size: blob.length - 10 }))).error?.code, 'SIZE_INVALID');
});

test('T19 a gzip bomb is stopped by the ratio guard while streaming', async () => {
  const zeros = gzipSync(new Uint8Array(64 * 1024 * 1024));
  const r = await run(job(zeros, { diffId: undefined }), { ...DEFAULT_LIMITS, ratioGraceBytes: 1024 * 1024 });
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.code, 'DECOMPRESSION_BOMB');
  assert.match(r.error!.message, /expands more than 1000:1 .*possible decompression bomb/);
  const r2 = await run(job(zeros, { diffId: undefined }), { ...DEFAULT_LIMITS, maxUncompressedBytes: 8 * 1024 * 1024 });
  assert.equal(r2.status, 'failed');
  assert.equal(r2.error?.code, 'DECOMPRESSION_BOMB');
  assert.match(r2.error!.message, /expands beyond 8388608 bytes \(possible decompression bomb\)/);
  assert.ok(r2.uncompressedBytes <= 8 * 1024 * 1024 + 256 * 1024, `stopped near the budget, at ${r2.uncompressedBytes}`);
});

test('T22 a multi-member gzip layer decodes fully', async () => {
  const half = Math.floor(tar.length / 1024) * 512;
  const blob = Buffer.concat([gzipSync(tar.subarray(0, half)), gzipSync(tar.subarray(half))]);
  const r = await run(job(blob));
  assert.equal(r.status, 'verified');
  assert.equal(r.layer.count, 5);
});

test('T23 zero padding after the gzip trailer is tolerated with a warning', async () => {
  const blob = Buffer.concat([gzipSync(tar), new Uint8Array(512)]);
  const r = await run(job(blob));
  assert.equal(r.status, 'verified');
  assert.ok(r.warnings.some((w) => w.code === 'GZIP_TRAILING_ZEROS'));
});

test('T23 non-zero bytes after the gzip trailer fail the layer with GZIP_TRAILING_DATA, as in the browser', async () => {
  const blob = Buffer.concat([gzipSync(tar), new Uint8Array(512), Buffer.from('junk')]);
  const r = await run(job(blob, { digest: undefined, size: undefined }));
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.code, 'GZIP_TRAILING_DATA');
  assert.match(r.error!.message, /not gzip/);
});

test('T24 a truncated gzip layer is marked failed, keeping the entries read so far for display', async () => {
  const big = buildTar(Array.from({ length: 200 }, (_, i) => ({ name: `f${i}`, body: `${i}`.repeat(300) })));
  const blob = gzipSync(big).subarray(0, 3000);
  const r = await run(job(blob, { digest: undefined, size: undefined, diffId: undefined }));
  assert.equal(r.status, 'failed');
  assert.match(r.error!.code, /GZIP_TRUNCATED|TAR_TRUNCATED/);
  assert.match(r.error!.message, /truncated/);
  assert.ok(r.layer.count > 1, 'the entries read before the cut are kept for display (the layer is never stacked)');
});

test('T25 a media type that lies about compression is corrected by sniffing, with a warning', async () => {
  const r = await run(job(tar, { diffId: sha(tar) as DiffId }));
  assert.equal(r.compression, 'none');
  assert.equal(r.status, 'verified');
  assert.ok(r.warnings.some((w) => w.code === 'MEDIA_TYPE_MISMATCH'));
});

test('T25 zstd bytes under a +gzip media type are sniffed and decoded as zstd, with a warning', async () => {
  const zst = new Uint8Array(execFileSync('zstd', ['-q', '-c'], { input: tar }));
  const r = await run(job(zst));
  assert.equal(r.compression, 'zstd');
  assert.equal(r.status, 'verified');
  assert.ok(r.warnings.some((w) => w.code === 'MEDIA_TYPE_MISMATCH' && /says gzip but the bytes are zstd/.test(w.message)));
  assert.equal(r.layer.count, 5);
});

test('T27 a layer over the entry cap fails with ENTRY_LIMIT and a message naming the limit', async () => {
  const many = buildTar(Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, body: '' })));
  const r = await run(job(gzipSync(many), { diffId: sha(many) as DiffId }), { ...DEFAULT_LIMITS, maxEntries: 20 });
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.code, 'ENTRY_LIMIT');
  assert.match(r.error!.message, /more than 20 entries.*entry limit/);
});

test('T26 a diffId that does not match the uncompressed tar is a warning', async () => {
  const r = await run(job(gzipSync(tar), { diffId: sha(new Uint8Array(3)) as DiffId }));
  assert.equal(r.status, 'verified');
  assert.ok(r.warnings.some((w) => w.code === 'DIFF_ID_MISMATCH'));
});

test('T31 JSON over the cap or nested 100,000 levels is refused before parsing', () => {
  const big = new Uint8Array(5 * 1024 * 1024).fill(0x20);
  assert.equal(decodeJson(big, LIMITS_JSON.configBytes, 'config').ok, false);
  const deep = new TextEncoder().encode('['.repeat(100000) + ']'.repeat(100000));
  const r = decodeJson(deep, LIMITS_JSON.manifestBytes, 'manifest');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error.message : '', /nests/);
});

test('cancellation stops the layer and rejects', async () => {
  const c = new AbortController();
  const j = job(gzipSync(tar), {}, 10);
  const p = analyzeLayer({ ...j, open: async function* (s) { for await (const b of j.open(s)) { c.abort(new Error('user left')); yield b; } } }, nodeCodecs, { signal: c.signal });
  await assert.rejects(p, /user left/);
});
