// zstd decoding for the worker (and Node, for tests). Order of preference: a native
// DecompressionStream('zstd') where one exists (one stream per frame), else libzstd as WebAssembly
// (zstd-wasm.ts, ~2x fzstd), else fzstd (pure JS, where WebAssembly is unavailable or forbidden by CSP).
// A frame walker in front of every decoder enforces the window limit exactly (hardening T20).
import { Decompress } from 'fzstd';
import { throwIfAborted } from './abort.ts';
import { CodecError } from './codec-error.ts';
import { DsMember, type StreamPair } from './ds-member.ts';
import { ZSTD_MAGIC_BYTES, ZstdFrameWalker, type FrameScan } from './zstd-frames.ts';
import { WasmZstdDecoder, compileZstdWasm } from './zstd-wasm.ts';

export type UnzstdOptions = { signal?: AbortSignal; maxWindowBytes?: number };
export type ZstdBackend = 'native' | 'wasm' | 'fzstd';

export const DEFAULT_MAX_WINDOW_BYTES = 32 * 1024 * 1024;
/** libzstd's own default ceiling (ZSTD_WINDOWLOG_LIMIT_DEFAULT = 27); never raised. */
export const HARD_MAX_WINDOW_BYTES = 128 * 1024 * 1024;
const MIN_WINDOW_BYTES = 1024;
/**
 * Compressed bytes handed to a decoder at once. zstd RLE blocks expand 4 bytes to 128 KiB, so a native stream
 * (which holds all output of one write) or fzstd (which returns it) gets small pieces to stay bounded.
 */
const STREAM_PIECE = 4 * 1024;

/** Whether this realm's DecompressionStream accepts 'zstd' (Chromium 156 does not). */
export function hasNativeZstdDecompressionStream(): boolean {
  if (typeof DecompressionStream === 'undefined') return false;
  try {
    new DecompressionStream('zstd' as CompressionFormat);
    return true;
  } catch {
    return false;
  }
}

/** Decodes a zstd stream: concatenated frames, skippable frames skipped, windows above the limit rejected. */
export async function* unzstd(input: AsyncIterable<Uint8Array>, options: UnzstdOptions = {}): AsyncIterable<Uint8Array> {
  yield* unzstdWith(await chooseZstdBackend(), input, options);
}

export async function chooseZstdBackend(): Promise<ZstdBackend> {
  if (hasNativeZstdDecompressionStream()) return 'native';
  try {
    await compileZstdWasm();
    return 'wasm';
  } catch {
    return 'fzstd';
  }
}

/** Decodes with a named back end (tests and the benchmark compare them). */
export async function* unzstdWith(backend: ZstdBackend, input: AsyncIterable<Uint8Array>, options: UnzstdOptions = {}, createStream?: () => StreamPair): AsyncGenerator<Uint8Array, void, undefined> {
  const maxWindow = windowLimit(options.maxWindowBytes);
  const walker = new ZstdFrameWalker(maxWindow);
  const { signal } = options;
  throwIfAborted(signal);
  if (backend === 'native') {
    yield* decodeWithStreams(input, walker, signal, createStream ?? (() => new DecompressionStream('zstd' as CompressionFormat)));
    return;
  }
  const decoder = backend === 'wasm' ? new WasmZstdDecoder(await compileZstdWasm(), Math.ceil(Math.log2(maxWindow))) : new FzstdDecoder();
  for await (const chunk of input) {
    throwIfAborted(signal);
    const scan = walker.scan(chunk);
    if (scan.failed) {
      yield* decoder.push(chunk.subarray(0, scan.failedAt));
      yield* decoder.flush();
      throw scan.failed;
    }
    yield* decoder.push(chunk);
  }
  throwIfAborted(signal);
  yield* decoder.finish();
  throwIfAborted(signal); // the decoder holds up to one output buffer back, so a consumer may abort on the last one
  const end = walker.finish();
  if (end) throw end;
}

function windowLimit(requested: number | undefined): number {
  const limit = requested ?? DEFAULT_MAX_WINDOW_BYTES;
  if (!Number.isFinite(limit)) return HARD_MAX_WINDOW_BYTES;
  return Math.max(MIN_WINDOW_BYTES, Math.min(HARD_MAX_WINDOW_BYTES, Math.floor(limit)));
}

/** One native stream per frame: a spec stream may treat a second frame as trailing junk. */
async function* decodeWithStreams(input: AsyncIterable<Uint8Array>, walker: ZstdFrameWalker, signal: AbortSignal | undefined, createStream: () => StreamPair): AsyncGenerator<Uint8Array, void, undefined> {
  let member: DsMember | undefined;
  const wrap = (e: unknown): CodecError => {
    if (e instanceof CodecError) return e;
    const message = e instanceof Error ? e.message : String(e);
    return /trunc|unexpected end|premature/i.test(message)
      ? new CodecError('ZSTD_TRUNCATED', `zstd data truncated in frame ${walker.framesSeen + 1}: ${message}`)
      : new CodecError('ZSTD_CORRUPT', `zstd data corrupt in frame ${walker.framesSeen + 1}: ${message}`);
  };
  async function* write(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
    for (let at = 0; at < bytes.length; at += STREAM_PIECE) {
      const m = member!;
      try {
        await m.write(bytes.subarray(at, Math.min(bytes.length, at + STREAM_PIECE)));
      } catch (e) {
        yield* m.takeReady();
        throw wrap(e);
      }
      yield* m.takeReady();
    }
  }
  async function* apply(chunk: Uint8Array, scan: FrameScan): AsyncGenerator<Uint8Array, void, undefined> {
    for (const event of scan.events) {
      if (event.kind === 'start') {
        member = new DsMember(createStream());
        yield* write(ZSTD_MAGIC_BYTES);
      } else if (event.kind === 'data') {
        yield* write(chunk.subarray(event.start, event.end));
      } else {
        const m = member!;
        try {
          await m.close();
        } catch (e) {
          yield* m.takeReady();
          throw wrap(e);
        }
        yield* m.takeReady();
        member = undefined;
      }
    }
  }
  try {
    for await (const chunk of input) {
      throwIfAborted(signal);
      const scan = walker.scan(chunk);
      yield* apply(chunk, scan);
      if (scan.failed) throw scan.failed;
    }
    throwIfAborted(signal);
    const end = walker.finish();
    if (end) throw end;
  } finally {
    member?.cancel();
  }
}

/** fzstd's streaming decoder behind the same push/finish shape as WasmZstdDecoder. */
class FzstdDecoder {
  private readonly out: Uint8Array[] = [];
  private readonly fz = new Decompress((data) => {
    if (data.length > 0) this.out.push(data);
  });

  *push(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    for (let at = 0; at < chunk.length; at += STREAM_PIECE) {
      yield* this.run(chunk.subarray(at, Math.min(chunk.length, at + STREAM_PIECE)), false);
    }
  }

  *finish(): Generator<Uint8Array, void, undefined> {
    yield* this.run(new Uint8Array(0), true);
  }

  /** push() already yields everything fzstd returned. */
  *flush(): Generator<Uint8Array, void, undefined> {}

  private *run(piece: Uint8Array, final: boolean): Generator<Uint8Array, void, undefined> {
    let failure: CodecError | undefined;
    try {
      this.fz.push(piece, final);
    } catch (e) {
      const code = (e as { code?: number }).code;
      const message = e instanceof Error ? e.message : String(e);
      failure = code === 5
        ? new CodecError('ZSTD_TRUNCATED', `zstd data truncated: ${message}`)
        : new CodecError(code === 1 ? 'ZSTD_WINDOW_TOO_LARGE' : 'ZSTD_CORRUPT', `zstd data corrupt: ${message}`);
    }
    yield* this.out.splice(0, this.out.length);
    if (failure) throw failure;
  }
}
