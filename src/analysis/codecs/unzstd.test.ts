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

/** Text-like bytes (words from a small vocabulary, some numbers): Huffman-coded literals and many short matches. */
function textBytes(length: number, seed: number): Buffer {
  const words = ['layer', 'tar', 'usr', 'lib', 'share', 'x86_64', 'linux', 'gnu', 'so', 'doc', 'README', 'the', 'of', 'and', 'zstd', 'frame', 'block', 'sequence', 'offset', 'literal'];
  const parts: string[] = [];
  let s = seed >>> 0;
  let size = 0;
  while (size < length) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const w = s % 7 === 0 ? String(s >>> 12) : words[(s >>> 16) % words.length]!;
    const piece = w + ((s >>> 8) % 5 === 0 ? '/\n' : ' ');
    parts.push(piece);
    size += piece.length;
  }
  return Buffer.from(parts.join('')).subarray(0, length);
}

test('decodes Huffman-heavy text identically at levels 1, 3 and 19 (the 64-bit bitstream and Huffman paths)', async () => {
  const raw = textBytes(2_000_000, 9);
  for (const level of ['-1', '-3', '-19']) {
    const zst = zstdCli([level], raw);
    for (const size of [1000, 65536, 1 << 20]) {
      const r = await decode((i, o) => unzstdWith('wasm', i, o), zst, size);
      assert.equal(r.error, undefined, `${level} @${size}: ${r.error?.message}`);
      assert.ok(r.out.equals(raw), `${level} @${size}: output differs`);
    }
  }
});

test('the WebAssembly decoder yields owned 512 KiB pieces, only the last one shorter, and flush() hands over the rest', async () => {
  const raw = textBytes(3_000_000, 10);
  const zst = zstdCli(['-3'], raw);
  for (const size of [4096, 65536, 1 << 20]) {
    const pieces: Uint8Array[] = [];
    for await (const c of unzstdWith('wasm', chunksOf(zst, size))) pieces.push(c);
    assert.ok(Buffer.concat(pieces).equals(raw), `@${size}`);
    for (const p of pieces.slice(0, -1)) assert.equal(p.length, 512 * 1024, `@${size}`);
    for (const p of pieces) assert.ok(p.byteOffset === 0 && p.buffer.byteLength === p.length, `@${size}: a piece owns its buffer`);
  }
  const decoder = new WasmZstdDecoder(await compileZstdWasm(), 27);
  const head = [...decoder.push(zst.subarray(0, Math.floor(zst.length / 3)))];
  for (const p of head) assert.equal(p.length, 512 * 1024, 'push() yields only full buffers');
  const rest = [...decoder.flush()];
  assert.equal(rest.length, 1, 'flush() yields the held output');
  assert.ok(rest[0]!.length > 0 && rest[0]!.length < 512 * 1024);
  const prefix = Buffer.concat([...head, ...rest]);
  assert.ok(raw.subarray(0, prefix.length).equals(prefix), 'in order, a prefix of the content');
  assert.equal([...decoder.flush()].length, 0, 'nothing twice');
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
