// Fuzz targets for the worker's gzip and zstd framing (member-aware gunzip, zstd frame walker + decoders), shared by
// the in-suite property tests and `npm run fuzz`. Each decodes bytes in given chunk sizes and checks: only CodecError
// escapes, output stays within the format's expansion bound, and independent decoders agree. Node-side test kit.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CodecError } from '../analysis/codecs/codec-error.ts';
import type { StreamPair } from '../analysis/codecs/ds-member.ts';
import { gunzipWithInflateWasm } from '../analysis/codecs/gunzip-inflate-wasm.ts';
import { gunzipWithPako } from '../analysis/codecs/gunzip-web.ts';
import { gunzipWithStreams } from '../analysis/codecs/gunzip-streams.ts';
import { unzstdWith } from '../analysis/codecs/unzstd.ts';
import { WasmZstdDecoder, compileZstdWasm } from '../analysis/codecs/zstd-wasm.ts';
import { tarSeeds } from './fuzz-targets.ts';
import { createStrictGzipStream } from './strict-gzip-stream.ts';
import { concat } from './tar-builder.ts';

export type CodecOutcome = { readonly code: string; readonly outBytes: number; readonly sha: string };

/** DEFLATE's largest possible expansion is about 1032:1 (hardening §1.5); gzip framing only lowers it. */
const GZIP_MAX_RATIO = 1032;
/** A zstd RLE block turns 4 input bytes (3-byte header + 1) into at most 128 KiB (RFC 8878 Block_Maximum_Size). */
const ZSTD_MAX_RATIO = (128 * 1024) / 4;
const FIXTURES = new URL('../../../shared/fixtures/dive/', import.meta.url).pathname;

/** Drains a decoder, hashing its output; throws (fails the property) on anything but a CodecError or on overrun. */
async function drain(output: AsyncIterable<Uint8Array>, maxOut: number, what: string): Promise<CodecOutcome> {
  const hash = createHash('sha256');
  let outBytes = 0;
  let code = 'ok';
  try {
    for await (const piece of output) {
      outBytes += piece.length;
      if (outBytes > maxOut) throw new Error(`${what}: output ${outBytes} B exceeds the expansion bound ${maxOut} B`);
      hash.update(piece);
    }
  } catch (e) {
    if (!(e instanceof CodecError)) throw new Error(`${what}: threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)} instead of a CodecError`, { cause: e });
    code = e.code;
  }
  return { code, outBytes, sha: hash.digest('hex') };
}

async function* chunksOf(bytes: Uint8Array, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let i = 0;
  for (let at = 0; at < bytes.length;) {
    const n = Math.max(1, sizes[i++ % sizes.length] ?? bytes.length);
    yield bytes.slice(at, Math.min(bytes.length, at + n));
    at += n;
  }
}

export type GunzipBackend = 'pako' | 'inflate-wasm' | 'strict-streams' | 'node-streams';

export function decodeGunzip(backend: GunzipBackend, bytes: Uint8Array, chunks: readonly number[]): Promise<CodecOutcome> {
  const input = chunksOf(bytes, chunks);
  const out = backend === 'pako'
    ? gunzipWithPako(input)
    : backend === 'inflate-wasm'
      ? gunzipWithInflateWasm(input)
      : gunzipWithStreams(input, {}, backend === 'strict-streams' ? createStrictGzipStream : () => new DecompressionStream('gzip'));
  return drain(out, GZIP_MAX_RATIO * bytes.length, `gunzip ${backend}`);
}

/**
 * The gzip property: the pako decoder (the one that runs in Node's worker path) is chunking-invariant; when it
 * succeeds, Node's zlib (an independent multistream decoder) gives the same bytes; the zlib WebAssembly back end (same
 * framing) gives exactly pako's code and output at these chunk sizes, also on errors; the DecompressionStream back end
 * (strict-stream model) reaches the same verdict and output. `streams` false skips the slower stream back end.
 */
export async function fuzzGunzip(bytes: Uint8Array, chunks: readonly number[], streams = true): Promise<CodecOutcome> {
  const whole = await decodeGunzip('pako', bytes, [bytes.length || 1]);
  const chunked = await decodeGunzip('pako', bytes, chunks);
  if (chunked.code !== whole.code || (whole.code === 'ok' && chunked.sha !== whole.sha)) {
    throw new Error(`gunzip pako depends on chunking: ${JSON.stringify(whole)} vs ${JSON.stringify(chunked)} @${chunks.join(',')}`);
  }
  if (whole.code === 'ok') {
    let zlib: Buffer;
    try {
      zlib = gunzipSync(bytes);
    } catch (e) {
      throw new Error(`gunzip pako accepted what zlib rejects (${(e as Error).message})`, { cause: e });
    }
    if (createHash('sha256').update(zlib).digest('hex') !== whole.sha) throw new Error(`gunzip pako output differs from zlib (${whole.outBytes} vs ${zlib.length} B)`);
  }
  const wasm = await decodeGunzip('inflate-wasm', bytes, chunks);
  if (wasm.code !== whole.code || wasm.outBytes !== whole.outBytes || wasm.sha !== whole.sha) {
    throw new Error(`gunzip back ends disagree: pako ${JSON.stringify(whole)} vs inflate-wasm ${JSON.stringify(wasm)} @${chunks.join(',')}`);
  }
  if (streams) {
    const s = await decodeGunzip('strict-streams', bytes, chunks);
    const agree = (s.code === 'ok') === (whole.code === 'ok') && (s.code !== 'ok' || s.sha === whole.sha);
    if (!agree && !(await isKnownStreamsRefusal(bytes, whole, s))) {
      throw new Error(`gunzip back ends disagree: pako ${JSON.stringify(whole)} vs streams ${JSON.stringify(s)} @${chunks.join(',')}`);
    }
  }
  return whole;
}

/**
 * The one accepted difference: the stream back end looks for later members only at headers whose XFL is 0, 2 or 4
 * and OS 0-13 or 255 (gzip-members.ts, strict on purpose), so a valid member with other values there is refused
 * with a clear error where pako decodes it. Allowed only if such a header is present and what the stream back end
 * yielded before refusing is a prefix of pako's output (never wrong bytes, never silent truncation).
 */
async function isKnownStreamsRefusal(bytes: Uint8Array, pako: CodecOutcome, streams: CodecOutcome): Promise<boolean> {
  if (pako.code !== 'ok' || streams.code === 'ok') return false;
  let oddHeader = false;
  for (let p = 1; p + 10 <= bytes.length && !oddHeader; p++) {
    if (bytes[p] !== 0x1f || bytes[p + 1] !== 0x8b || bytes[p + 2] !== 8) continue;
    const xfl = bytes[p + 8]!;
    const os = bytes[p + 9]!;
    oddHeader = (xfl !== 0 && xfl !== 2 && xfl !== 4) || (os > 13 && os !== 255);
  }
  if (!oddHeader) return false;
  const parts: Uint8Array[] = [];
  for await (const piece of gunzipWithPako(chunksOf(bytes, [bytes.length]))) parts.push(piece);
  const full = Buffer.concat(parts);
  return createHash('sha256').update(full.subarray(0, streams.outBytes)).digest('hex') === streams.sha;
}

let zstdStreamModule: WebAssembly.Module | undefined;

/** A stand-in for a native DecompressionStream('zstd'): one libzstd instance per stream (as unzstd.test.ts). */
function createStrictZstdStream(): StreamPair {
  const decoder = new WasmZstdDecoder(zstdStreamModule!, 27);
  return new TransformStream<BufferSource, Uint8Array>({
    transform(chunk, controller) {
      for (const out of decoder.push(chunk as Uint8Array)) controller.enqueue(out);
    },
    flush(controller) {
      for (const out of decoder.finish()) controller.enqueue(out);
    },
  });
}

export type ZstdBackendUnderTest = 'wasm' | 'fzstd' | 'streams';

export async function decodeZstd(backend: ZstdBackendUnderTest, bytes: Uint8Array, chunks: readonly number[], maxWindowBytes: number): Promise<CodecOutcome> {
  zstdStreamModule ??= await compileZstdWasm();
  const input = chunksOf(bytes, chunks);
  const out = backend === 'streams'
    ? unzstdWith('native', input, { maxWindowBytes }, createStrictZstdStream)
    : unzstdWith(backend, input, { maxWindowBytes });
  return drain(out, ZSTD_MAX_RATIO * bytes.length, `unzstd ${backend}`);
}

/**
 * The window a zstd frame at the start of `bytes` declares (RFC 8878 §3.1.1.1.2), read independently of
 * zstd-frames.ts: Window_Size from the descriptor, or Frame_Content_Size for a single-segment frame.
 * undefined when the bytes do not start with a complete zstd frame header.
 */
export function firstFrameWindow(bytes: Uint8Array): number | undefined {
  if (bytes.length < 6 || bytes[0] !== 0x28 || bytes[1] !== 0xb5 || bytes[2] !== 0x2f || bytes[3] !== 0xfd) return undefined;
  const fhd = bytes[4]!;
  if (fhd & 0x08) return undefined;
  const single = (fhd & 0x20) !== 0;
  const dictBytes = [0, 1, 2, 4][fhd & 3]!;
  const fcsBytes = [single ? 1 : 0, 2, 4, 8][fhd >> 6]!;
  const headerEnd = 5 + (single ? 0 : 1) + dictBytes + fcsBytes;
  if (bytes.length < headerEnd) return undefined;
  if (!single) {
    const exponent = bytes[5]! >> 3;
    const mantissa = bytes[5]! & 7;
    const base = 2 ** (10 + exponent);
    return base + (base / 8) * mantissa;
  }
  let fcs = 0;
  const at = 5 + dictBytes;
  for (let k = fcsBytes - 1; k >= 0; k--) fcs = fcs * 256 + bytes[at + k]!;
  return fcsBytes === 2 ? fcs + 256 : fcs;
}

/**
 * The zstd property: every back end throws only CodecErrors within the expansion bound; a first frame declaring a
 * window above the limit is refused with ZSTD_WINDOW_TOO_LARGE and no output, by every back end; the wasm decoder is
 * chunking-invariant; where two back ends both succeed their output is identical.
 */
export async function fuzzUnzstd(bytes: Uint8Array, chunks: readonly number[], maxWindowBytes: number): Promise<CodecOutcome> {
  const whole = await decodeZstd('wasm', bytes, [bytes.length || 1], maxWindowBytes);
  const others = await Promise.all([
    decodeZstd('wasm', bytes, chunks, maxWindowBytes),
    decodeZstd('fzstd', bytes, chunks, maxWindowBytes),
    decodeZstd('streams', bytes, chunks, maxWindowBytes),
  ]);
  const [chunked, fz, streams] = others as [CodecOutcome, CodecOutcome, CodecOutcome];
  if (chunked.code !== whole.code || (whole.code === 'ok' && chunked.sha !== whole.sha)) {
    throw new Error(`unzstd wasm depends on chunking: ${JSON.stringify(whole)} vs ${JSON.stringify(chunked)} @${chunks.join(',')}`);
  }
  const window = firstFrameWindow(bytes);
  const limit = Math.min(128 * 1024 * 1024, Math.max(1024, maxWindowBytes));
  for (const [name, r] of [['wasm', whole], ['fzstd', fz], ['streams', streams]] as const) {
    if (window !== undefined && window > limit && (r.code !== 'ZSTD_WINDOW_TOO_LARGE' || r.outBytes !== 0)) {
      throw new Error(`unzstd ${name}: a first frame with a ${window}-byte window (limit ${limit}) gave ${r.code} after ${r.outBytes} B`);
    }
    if (r.code === 'ok' && whole.code === 'ok' && r.sha !== whole.sha) throw new Error(`unzstd ${name} and wasm both succeed with different output`);
  }
  return whole;
}

/** The members of a tar archive, by name (ustar, regular files only): enough to read the dive fixtures in place. */
function readTarMembers(tar: Uint8Array): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const dec = new TextDecoder();
  for (let at = 0; at + 512 <= tar.length;) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const name = dec.decode(h.subarray(0, 100)).replace(/\0.*$/s, '');
    const size = parseInt(dec.decode(h.subarray(124, 136)).replace(/\0.*$/s, '').trim() || '0', 8);
    out.set(name, tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** The blobs of a dive fixture that start with the given magic (its compressed layers), read in place. */
function fixtureLayers(file: string, magic: readonly number[]): Uint8Array[] {
  const path = FIXTURES + file;
  if (!existsSync(path)) return [];
  return [...readTarMembers(readFileSync(path)).values()].filter((b) => magic.every((m, i) => b[i] === m)).map((b) => Uint8Array.from(b));
}


/** gzip seeds: the dive fixtures' gzip and eStargz (multi-member) layers, gzip of small tars, two members, padding. */
export function gzipSeeds(): Uint8Array[] {
  const tars = tarSeeds();
  const gz = tars.map((t, i) => Uint8Array.from(gzipSync(t, { level: 1 + (i * 3) % 9 })));
  return [
    ...fixtureLayers('test-oci-gzip-image.tar', [0x1f, 0x8b]),
    ...fixtureLayers('test-oci-estargz-image.tar', [0x1f, 0x8b]),
    ...gz,
    concat([gz[0]!, gz[1]!]),
    concat([gz[2]!, new Uint8Array(512)]),
    Uint8Array.from(gzipSync(new Uint8Array(0))),
    Uint8Array.from(gzipSync(new Uint8Array(20000))), // a 1000:1 member: the expansion bound is close
  ];
}

function skippable(payload: Uint8Array, nibble: number): Uint8Array {
  const head = new Uint8Array(8);
  const view = new DataView(head.buffer);
  view.setUint32(0, 0x184d2a50 + nibble, true);
  view.setUint32(4, payload.length, true);
  return concat([head, payload]);
}

function zstdCli(args: string[], input: Uint8Array): Uint8Array | undefined {
  try {
    return Uint8Array.from(execFileSync('zstd', ['-q', '-c', ...args], { input, stdio: ['pipe', 'pipe', 'ignore'] }));
  } catch {
    return undefined; // no zstd CLI: the hand-built and fixture seeds remain
  }
}

/** zstd seeds: the dive fixture's zstd layer, CLI output (checksums, long windows), hand-built raw/RLE/skippable frames, T20. */
export function zstdSeeds(): Uint8Array[] {
  const tars = tarSeeds();
  const cli = [
    zstdCli(['-3'], tars[0]!),
    zstdCli(['-19', '--no-check'], tars[1]!),
    zstdCli(['-1', '--long=27'], tars[3]!), // streamed from stdin: no content size, 128 MiB window declared
  ].filter((b): b is Uint8Array => b !== undefined);
  const raw = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x03, 0x19, 0x00, 0x00, 0x61, 0x62, 0x63); // single segment, raw block "abc"
  const rle = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x48, 0x03, 0x00, 0x04, 0x7a); // 512 KiB window, one RLE block: "z" x 32768
  const t20 = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x09, 0x00, 0x00, 0x41);
  return [
    ...fixtureLayers('test-oci-zstd-image.tar', [0x28, 0xb5, 0x2f, 0xfd]),
    ...cli,
    raw,
    rle,
    t20,
    concat([skippable(new TextEncoder().encode('zstd:chunked'), 0), raw, skippable(new Uint8Array(0), 15), ...(cli[0] ? [cli[0]] : [])]),
  ];
}
