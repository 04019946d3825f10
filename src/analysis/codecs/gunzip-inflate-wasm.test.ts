import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { constants, gzipSync } from 'node:zlib';
import { CodecError } from './codec-error.ts';
import { WasmGunzip, compileInflateWasm, gunzipWithInflateWasm } from './gunzip-inflate-wasm.ts';
import { gunzipWithPako } from './gunzip-web.ts';
import type { GunzipOptions } from './gunzip-streams.ts';

type Decoder = (input: AsyncIterable<Uint8Array>, options?: GunzipOptions) => AsyncIterable<Uint8Array>;
type Outcome = { code: string; outBytes: number; sha: string };

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, Math.min(bytes.length, at + size));
}

async function outcome(decoder: Decoder, bytes: Uint8Array, size: number): Promise<Outcome> {
  const hash = createHash('sha256');
  let outBytes = 0;
  let code = 'ok';
  try {
    for await (const piece of decoder(chunksOf(bytes, size))) {
      outBytes += piece.length;
      hash.update(piece);
    }
  } catch (e) {
    assert.ok(e instanceof CodecError, `expected a CodecError, got ${String(e)}`);
    code = e.code;
  }
  return { code, outBytes, sha: hash.digest('hex') };
}

/** Deterministic data exercising every copy path: short periods (1-20), long matches, distances past 32 KiB. */
function matchyBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let s = seed >>> 0;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  let i = 0;
  while (i < length) {
    const kind = next() % 5;
    const run = 1 + (next() % 600);
    if (kind === 0 || i < 64) {
      for (let k = 0; k < run && i < length; k++) out[i++] = next() & 0xff;
    } else {
      const dist = kind === 1 ? 1 + (next() % 20) : kind === 2 ? 1 + (next() % 300) : 1 + (next() % Math.min(i, 40_000));
      for (let k = 0; k < run && i < length; k++, i++) out[i] = i >= dist ? out[i - dist]! : 0;
    }
  }
  return out;
}

const wasm: Decoder = (i, o) => gunzipWithInflateWasm(i, o);
const pako: Decoder = (i, o) => gunzipWithPako(i, o);

test('decodes node:zlib output at levels 1, 6 and 9, filtered and Huffman-only, at every chunk size', async () => {
  const raw = matchyBytes(3_000_000, 11);
  const want = createHash('sha256').update(raw).digest('hex');
  const streams = [
    gzipSync(raw, { level: 1 }),
    gzipSync(raw, { level: 6 }),
    gzipSync(raw, { level: 9, memLevel: 9 }),
    gzipSync(raw, { strategy: constants.Z_FILTERED }),
    gzipSync(raw.subarray(0, 300_000), { strategy: constants.Z_HUFFMAN_ONLY }),
    gzipSync(raw.subarray(0, 300_000), { level: 0 }),
  ];
  for (const [index, gz] of streams.entries()) {
    const expected = index < 4 ? want : createHash('sha256').update(raw.subarray(0, 300_000)).digest('hex');
    for (const size of [997, 65536, (1 << 20) + 3]) {
      const r = await outcome(wasm, gz, size);
      assert.equal(r.code, 'ok', `stream ${index} @${size}`);
      assert.equal(r.sha, expected, `stream ${index} @${size}: output differs`);
    }
  }
});

test('decodes 1-byte and 2-byte input chunks the same as whole input', async () => {
  const raw = matchyBytes(40_000, 12);
  const gz = Buffer.concat([gzipSync(raw), gzipSync(raw.subarray(0, 100))]);
  const whole = await outcome(wasm, gz, gz.length);
  assert.equal(whole.code, 'ok');
  for (const size of [1, 2]) assert.deepEqual(await outcome(wasm, gz, size), whole, `@${size}`);
});

test('gives the same verdict, error code and output as the pako back end on corrupted and cut streams', async () => {
  const raw = matchyBytes(200_000, 13);
  const gz = Buffer.concat([gzipSync(raw, { level: 4 }), gzipSync(raw.subarray(0, 5000))]);
  let s = 99;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8;
  const cases: Buffer[] = [];
  for (let k = 0; k < 60; k++) {
    const bad = Buffer.from(gz);
    for (let m = 0; m <= k % 3; m++) {
      const at = next() % bad.length;
      bad[at] = bad[at]! ^ (1 << (next() % 8));
    }
    cases.push(bad);
  }
  for (let k = 0; k < 20; k++) cases.push(gz.subarray(0, next() % gz.length));
  for (const [index, bytes] of cases.entries()) {
    const size = [1000, 65536][index % 2]!;
    const a = await outcome(wasm, bytes, size);
    const b = await outcome(pako, bytes, size);
    assert.deepEqual(a, b, `case ${index}`);
  }
});

test('keeps its WebAssembly memory fixed however much it decodes', async () => {
  const module = await compileInflateWasm();
  const decoder = new WasmGunzip(await WebAssembly.instantiate(module, {}));
  const before = decoder.memoryBytes;
  assert.ok(before <= 4 << 20, `${before} bytes`);
  const gz = gzipSync(matchyBytes(8 << 20, 14), { level: 1 });
  let out = 0;
  for (let round = 0; round < 4; round++) {
    for (let at = 0; at < gz.length; at += 65536) for (const piece of decoder.push(gz.subarray(at, at + 65536))) out += piece.length;
  }
  for (const piece of decoder.finish()) out += piece.length;
  assert.equal(out, 4 * (8 << 20));
  assert.equal(decoder.memoryBytes, before);
});
