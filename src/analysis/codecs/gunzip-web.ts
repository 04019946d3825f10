// gunzip for the worker (and Node, for tests): zlib's inflate as WebAssembly where WebAssembly SIMD works (the
// fastest); else the platform DecompressionStream('gzip') where it behaves as the Compression Standard says (one
// member, error on trailing data), driven member by member; else pako's member-aware inflater (the API is missing or
// lenient: Node 20 silently drops data after a zero byte).
import { throwIfAborted } from './abort.ts';
import { gunzipWithInflateWasm, openWasmGunzip } from './gunzip-inflate-wasm.ts';
import { PakoGunzip } from './gunzip-pako.ts';
import { gunzipWithStreams, type GunzipOptions } from './gunzip-streams.ts';

/** gzip("a") followed by a zero byte and "A": a spec stream must reject it, so silence means lenient. */
const PROBE = Uint8Array.of(
  0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0x04, 0x00, 0x43, 0xbe, 0xb7, 0xe8, 0x01, 0x00, 0x00, 0x00,
  0x00, 0x41,
);

let strictStreams: Promise<boolean> | undefined;

/** Whether DecompressionStream('gzip') exists and rejects data after a member, measured once per realm. */
export function hasStrictGzipDecompressionStream(): Promise<boolean> {
  strictStreams ??= probeStrictness();
  return strictStreams;
}

async function probeStrictness(): Promise<boolean> {
  if (typeof DecompressionStream === 'undefined') return false;
  try {
    const stream = new DecompressionStream('gzip');
    const writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    const reading = (async () => {
      let bytes = 0;
      for (;;) {
        const r = await reader.read();
        if (r.done) return bytes;
        bytes += r.value.length;
      }
    })();
    writer.write(PROBE).catch(() => undefined);
    writer.close().catch(() => undefined);
    await reading;
    return false;
  } catch {
    return true;
  }
}

/** Decodes a gzip stream of one or more members (Go's multistream semantics); see the module comment. */
export async function* gunzipWeb(input: AsyncIterable<Uint8Array>, options: GunzipOptions = {}): AsyncIterable<Uint8Array> {
  throwIfAborted(options.signal);
  const inflater = await openWasmGunzip(options.onWarning, options.checkpoints).catch(() => undefined);
  if (inflater) {
    yield* gunzipWithInflateWasm(input, options, inflater);
  } else if (await hasStrictGzipDecompressionStream()) {
    yield* gunzipWithStreams(input, options, () => new DecompressionStream('gzip'));
  } else {
    yield* gunzipWithPako(input, options);
  }
}

/** The pako path on its own: exact member boundaries, about half the speed of a native stream. */
export async function* gunzipWithPako(input: AsyncIterable<Uint8Array>, options: GunzipOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new PakoGunzip(options.onWarning);
  for await (const chunk of input) {
    throwIfAborted(options.signal);
    yield* decoder.push(chunk);
  }
  throwIfAborted(options.signal);
  yield* decoder.finish();
}
