import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { CodecError } from './codec-error.ts';
import type { StreamPair } from './ds-member.ts';
import { HARD_MAX_WINDOW_BYTES, chooseZstdBackend, hasNativeZstdDecompressionStream, unzstd, unzstdWith, type UnzstdOptions } from './unzstd.ts';
import { WasmZstdDecoder, compileZstdWasm } from './zstd-wasm.ts';

/** The zstd CLI (Debian's zstd package; the test script provisions it). */
function zstdCli(args: string[], input: Uint8Array): Buffer {
  return execFileSync('zstd', ['-q', '-c', ...args], { input, maxBuffer: 1 << 28 });
}

/** A skippable frame (RFC 8878 §3.1.2) with magic 0x184D2A5n. */
function skippableFrame(payload: Uint8Array, nibble = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a50 + nibble, 0);
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

let streamsCreated = 0;
/** Stands in for a future native DecompressionStream('zstd'): one libzstd instance per stream. */
async function strictZstdStreamFactory(): Promise<() => StreamPair> {
  const module = await compileZstdWasm();
  return () => {
    streamsCreated++;
    const decoder = new WasmZstdDecoder(module, 27);
    return new TransformStream<BufferSource, Uint8Array>({
      transform(chunk, controller) {
        for (const out of decoder.push(chunk as Uint8Array)) controller.enqueue(out);
      },
      flush(controller) {
        for (const out of decoder.finish()) controller.enqueue(out);
      },
    });
  };
}

type Decoder = (input: AsyncIterable<Uint8Array>, options?: UnzstdOptions) => AsyncIterable<Uint8Array>;
const nativeStream = await strictZstdStreamFactory();
const decoders: [string, Decoder][] = [
  ['unzstd', (i, o) => unzstd(i, o)],
  ['wasm', (i, o) => unzstdWith('wasm', i, o)],
  ['fzstd', (i, o) => unzstdWith('fzstd', i, o)],
  ['per-frame streams', (i, o) => unzstdWith('native', i, o, nativeStream)],
];

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, Math.min(bytes.length, at + size));
}

async function decode(decoder: Decoder, bytes: Uint8Array, size: number, options?: UnzstdOptions): Promise<{ out: Buffer; error?: CodecError }> {
  const parts: Uint8Array[] = [];
  try {
    for await (const c of decoder(chunksOf(bytes, size), options)) parts.push(c);
    return { out: Buffer.concat(parts) };
  } catch (e) {
    assert.ok(e instanceof CodecError, `expected a CodecError, got ${String(e)}`);
    return { out: Buffer.concat(parts), error: e };
  }
}

function sampleBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = i % 89 < 50 ? s >>> 24 : out[i - 1] ?? 0;
  }
  return out;
}

test('decodes zstd CLI output identically at every chunk size, including 1-byte chunks', async () => {
  for (const [length, sizes, level] of [[300_000, [7, 4096, 65536, 1 << 20], '-3'], [300_000, [65536], '-19'], [15_000, [1, 2], '-1']] as const) {
    const raw = sampleBytes(length, 1);
    const zst = zstdCli([level], raw);
    for (const [name, decoder] of decoders) {
      for (const size of sizes) {
        const r = await decode(decoder, zst, size);
        assert.equal(r.error, undefined, `${name} @${size} ${level}: ${r.error?.message}`);
        assert.ok(r.out.equals(raw), `${name} @${size} ${level}: output differs`);
      }
    }
  }
});

test('T20 a frame asking for a 2 GiB window is rejected before allocation: "frame requires too much memory"', async () => {
  const frame = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x09, 0x00, 0x00, 0x41);
  for (const [name, decoder] of decoders) {
    for (const size of [1, 10]) {
      const r = await decode(decoder, frame, size);
      assert.equal(r.error?.code, 'ZSTD_WINDOW_TOO_LARGE', `${name} @${size}`);
      assert.match(r.error.message, /requires too much memory/, name);
      assert.equal(r.out.length, 0, name);
    }
  }
  // libzstd's own limit stands behind the frame walker.
  const direct = new WasmZstdDecoder(await compileZstdWasm(), 25);
  assert.throws(() => [...direct.push(frame)], (e: unknown) => e instanceof CodecError && e.code === 'ZSTD_WINDOW_TOO_LARGE' && /too much memory/i.test(e.message));
});

test('T20 the window limit follows maxWindowBytes up to the 128 MiB ceiling, and defaults to 32 MiB', async () => {
  const raw = sampleBytes(50_000, 2);
  const long27 = zstdCli(['-3', '--long=27'], raw); // stdin: no content size, so the frame keeps its 128 MiB window
  const long28 = zstdCli(['-3', '--long=28'], raw);
  for (const [name, decoder] of decoders) {
    assert.equal((await decode(decoder, long27, 4096)).error?.code, 'ZSTD_WINDOW_TOO_LARGE', `${name} default`);
    assert.equal((await decode(decoder, long27, 4096, { maxWindowBytes: 64 << 20 })).error?.code, 'ZSTD_WINDOW_TOO_LARGE', `${name} 64 MiB`);
    const ok = await decode(decoder, long27, 4096, { maxWindowBytes: HARD_MAX_WINDOW_BYTES });
    assert.equal(ok.error, undefined, `${name} 128 MiB: ${ok.error?.message}`);
    assert.ok(ok.out.equals(raw), name);
    assert.equal((await decode(decoder, long28, 4096, { maxWindowBytes: 1 << 30 })).error?.code, 'ZSTD_WINDOW_TOO_LARGE', `${name} clamps to 128 MiB`);
  }
});

test('T21 two concatenated frames and skippable frames decode fully, skippable content skipped', async () => {
  const a = sampleBytes(40_000, 3);
  const b = Buffer.from('second frame\n');
  const stream = Buffer.concat([
    skippableFrame(Buffer.from('zstd:chunked manifest')),
    zstdCli(['-3'], a),
    skippableFrame(Buffer.alloc(0), 15),
    zstdCli(['-3', '--no-check'], b),
    skippableFrame(Buffer.from('trailer'), 7),
  ]);
  for (const [name, decoder] of decoders) {
    for (const size of [1, 5, 4096, 1 << 20]) {
      if (size === 1 && name === 'fzstd') continue; // fzstd re-parses its buffered header per byte: slow, not wrong
      streamsCreated = 0;
      const r = await decode(decoder, stream, size);
      assert.equal(r.error, undefined, `${name} @${size}: ${r.error?.message}`);
      assert.ok(r.out.equals(Buffer.concat([a, b])), `${name} @${size}: got ${r.out.length} bytes`);
      if (name === 'per-frame streams') assert.equal(streamsCreated, 2, 'one stream per zstd frame');
    }
  }
});

test('truncated, corrupt, trailing-junk and empty zstd streams fail with coded errors after the data decoded', async () => {
  const raw = sampleBytes(200_000, 4);
  const zst = zstdCli(['-3'], raw);
  const corrupt = Buffer.from(zst);
  corrupt[Math.floor(zst.length / 2)]! ^= 0xff;
  const badChecksum = Buffer.from(zst);
  badChecksum[zst.length - 1]! ^= 1;
  const cases: [string, Uint8Array, string[]][] = [
    ['truncated', zst.subarray(0, zst.length - 10), ['ZSTD_TRUNCATED']],
    ['cut in the magic', zst.subarray(0, 2), ['ZSTD_TRUNCATED']],
    ['corrupt block', corrupt, ['ZSTD_CORRUPT']],
    ['trailing junk', Buffer.concat([zst, Buffer.from('junkjunk')]), ['ZSTD_CORRUPT']],
    ['empty', Buffer.alloc(0), ['ZSTD_TRUNCATED']],
  ];
  for (const [name, decoder] of decoders) {
    for (const [label, bytes, codes] of cases) {
      if (name === 'fzstd' && label === 'corrupt block') continue; // fzstd checks no checksum: garbage passes
      const r = await decode(decoder, bytes, 4096);
      assert.ok(r.error && codes.includes(r.error.code), `${name} ${label}: ${r.error?.code ?? 'no error'}`);
      // A corrupt block may decode to garbage before the frame checksum catches it; other cases keep a true prefix.
      if (label !== 'corrupt block') assert.ok(raw.subarray(0, r.out.length).equals(r.out), `${name} ${label}: output is a prefix`);
    }
    if (name !== 'fzstd') {
      // fzstd does not verify content checksums.
      const r = await decode(decoder, badChecksum, 4096);
      assert.equal(r.error?.code, 'ZSTD_CORRUPT', `${name} checksum`);
    }
  }
});

test('T19 zstd bomb: output streams out in bounded pieces while only a little input has been read', async () => {
  const bomb = execFileSync('bash', ['-c', 'head -c 1073741824 /dev/zero | zstd -q -3 -c'], { maxBuffer: 1 << 26 });
  for (const [name, decoder] of decoders) {
    let pulled = 0;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const c of chunksOf(bomb, 16 * 1024)) {
        pulled += c.length;
        yield c;
      }
    }
    let out = 0;
    let largest = 0;
    for await (const c of decoder(counted())) {
      out += c.length;
      largest = Math.max(largest, c.length);
      if (out >= 64 << 20) break;
    }
    assert.ok(out >= 64 << 20, name);
    assert.ok(largest <= 1 << 20, `${name}: largest output piece ${largest}`);
    assert.ok(pulled <= 64 * 1024, `${name}: read ${pulled} compressed bytes for 64 MiB of output`);
  }
});

test('stops with the abort reason when the signal is aborted mid-stream', async () => {
  const zst = zstdCli(['-3'], sampleBytes(500_000, 5));
  for (const [name, decoder] of decoders) {
    const controller = new AbortController();
    await assert.rejects(async () => {
      for await (const _ of decoder(chunksOf(zst, 1000), { signal: controller.signal })) controller.abort();
    }, { name: 'AbortError' }, name);
  }
});

test('uses WebAssembly libzstd here, where DecompressionStream has no zstd', async () => {
  assert.equal(hasNativeZstdDecompressionStream(), false);
  assert.equal(await chooseZstdBackend(), 'wasm');
});
