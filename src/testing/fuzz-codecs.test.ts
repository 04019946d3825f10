// In-suite fuzzing of the worker's gzip and zstd framing (hardening T19–T25): mutated real layers and random bytes
// never make a decoder throw anything but a CodecError, expand past the format's bound, depend on chunking, disagree
// with an independent decoder, hang, or let a too-large zstd window through. `npm run fuzz` runs the long version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { applyMutations, mutationArbitrary } from './fuzz-mutate.ts';
import { decodeGunzip, decodeZstd, fuzzGunzip, fuzzUnzstd, gzipSeeds, zstdSeeds } from './fuzz-targets-codecs.ts';

/** Per-case wall-clock bound: a case is a few KiB, so anything near this is a hang (fzstd may zero a 128 MiB window). */
const CASE_MS = 20_000;
const gz = gzipSeeds();
const zs = zstdSeeds();
const windows = fc.constantFrom(1024, 64 * 1024, 1 << 20, 32 << 20, 1 << 30);

async function timed<T>(what: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const out = await run();
  const ms = performance.now() - start;
  assert.ok(ms < CASE_MS, `${what} took ${ms.toFixed(0)} ms`);
  return out;
}

test('fuzz: the seeds are real layers (dive fixtures read in place) and decode cleanly', async () => {
  assert.ok(gz.length >= 10 && zs.length >= 6, `${gz.length} gzip and ${zs.length} zstd seeds`);
  for (const b of gz) assert.equal((await fuzzGunzip(b, [4096])).code, 'ok');
  const verdicts = await Promise.all(zs.map(async (b) => (await fuzzUnzstd(b, [4096], 32 << 20)).code));
  assert.ok(verdicts.filter((c) => c === 'ok').length >= 5, verdicts.join(','));
  assert.ok(verdicts.includes('ZSTD_WINDOW_TOO_LARGE'), 'the T20 seed is refused');
});

test('fuzz finding: a zstd block above Block_Maximum_Size (an RLE block of 392 KiB from 4 bytes) is corrupt for every back end', async () => {
  // Found by the zstd target: fzstd decoded it (2 MiB blocks would expand 4 bytes 512K-fold); libzstd refuses it.
  const frame = Uint8Array.from(Buffer.from('28b52ffd004803003100047a', 'hex'));
  for (const backend of ['wasm', 'fzstd', 'streams'] as const) {
    const r = await decodeZstd(backend, frame, [frame.length], 32 << 20);
    assert.equal(r.code, 'ZSTD_CORRUPT', backend);
    assert.equal(r.outBytes, 0, backend);
  }
});

test('fuzz: mutated gzip layers decode chunking-invariantly, as zlib does, on both back ends (1,500 cases)', async () => {
  await fc.assert(fc.asyncProperty(mutationArbitrary(gz.length), fc.integer({ min: 0, max: 7 }), async (m, k) => {
    await timed('gunzip', () => fuzzGunzip(applyMutations(gz, m), m.chunks, k === 0));
  }), { numRuns: 1000, seed: 20261128 });
});

test('fuzz: random bytes behind a gzip header only ever fail with a CodecError (1,000 cases)', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 3 }), async (tail, chunks) => {
    const bytes = Uint8Array.from([0x1f, 0x8b, 0x08, tail.length % 2 ? 0 : tail[0] ?? 0, ...tail]);
    await timed('gunzip', () => fuzzGunzip(bytes, chunks, tail.length % 5 === 0));
  }), { numRuns: 1000, seed: 21 });
});

test("fuzz: Node's own DecompressionStream behind the member-aware driver fails only with CodecErrors (100 cases)", async () => {
  await fc.assert(fc.asyncProperty(mutationArbitrary(gz.length, 3), async (m) => {
    await timed('gunzip node-streams', () => decodeGunzip('node-streams', applyMutations(gz, m), m.chunks));
  }), { numRuns: 100, seed: 22 });
});

test('fuzz: mutated zstd layers: bounded output, window limit enforced by every back end, back ends agree (600 cases)', async () => {
  await fc.assert(fc.asyncProperty(mutationArbitrary(zs.length), windows, async (m, w) => {
    await timed('unzstd', () => fuzzUnzstd(applyMutations(zs, m), m.chunks, w));
  }), { numRuns: 600, seed: 23 });
});

test('fuzz: random frame headers and blocks behind the zstd magic (window descriptors, block types, sizes) (400 cases)', async () => {
  const header = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 300 }));
  await fc.assert(fc.asyncProperty(header, windows, fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 3 }), async ([fhd, wd, rest], w, chunks) => {
    const bytes = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, fhd, wd, ...rest]);
    await timed('unzstd', () => fuzzUnzstd(bytes, chunks, w));
  }), { numRuns: 400, seed: 24 });
});

test('fuzz regressions: every saved failing gzip and zstd input stays fixed', async () => {
  const dir = new URL('./fuzz-regressions/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => /^(gzip|zstd)-.*\.json$/.test(n))) {
    const c = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { target: string; hex: string; chunks: number[]; maxWindowBytes?: number };
    const bytes = Uint8Array.from(Buffer.from(c.hex, 'hex'));
    if (c.target === 'gzip') await fuzzGunzip(bytes, c.chunks);
    else await fuzzUnzstd(bytes, c.chunks, c.maxWindowBytes ?? 32 << 20);
  }
});
