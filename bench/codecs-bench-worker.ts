// Dedicated-worker side of `codecs-bench.ts --browser`: bundled by esbuild at run time, loads the blobs into
// memory (untimed), then times one decoder run over 512 KiB chunks per request, as spec/perf.md's "(mem)" rows
// did; the Node side reads this thread's CPU time around each request.
import { createContentHasherWeb } from '../src/analysis/codecs/content-hash-web.ts';
import { gunzipWeb, gunzipWithPako, hasStrictGzipDecompressionStream } from '../src/analysis/codecs/gunzip-web.ts';
import { createSha256Web } from '../src/analysis/codecs/sha256-web.ts';
import { chooseZstdBackend, unzstd, unzstdWith } from '../src/analysis/codecs/unzstd.ts';

type Settings = { only: string[] | null; zstOut: number; fzstd: boolean };
/** 'load' answers with the case names and back ends; 'run' runs case `index` once and answers with ms and bytes. */
type Request = { op: 'load'; settings: Settings } | { op: 'run'; index: number };
type Scope = { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(message: unknown): void };
const scope = self as unknown as Scope;
type Case = { group: string; name: string; unit: string; input: Uint8Array; expected: number; run: (b: Uint8Array) => Promise<number> };
let cases: Case[] = [];
const CHUNK = 512 * 1024;

async function* chunksOf(b: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < b.length; i += CHUNK) yield b.subarray(i, Math.min(b.length, i + CHUNK));
}

async function count(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.length;
  return n;
}

async function load(name: string): Promise<Uint8Array> {
  return new Uint8Array(await (await fetch(`/data/${name}`)).arrayBuffer());
}

async function bareStream(b: Uint8Array): Promise<number> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const feeding = (async () => {
    for await (const c of chunksOf(b)) await writer.write(c as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  const n = await count(ds.readable);
  await feeding;
  return n;
}

scope.onmessage = async (e) => {
  try {
    const request = e.data;
    if (request.op === 'run') {
      const c = cases[request.index]!;
      const t0 = performance.now();
      const n = await c.run(c.input);
      const ms = performance.now() - t0;
      if (c.unit === 'out' && n !== c.expected) throw new Error(`${c.name}: ${n} bytes, expected ${c.expected}`);
      scope.postMessage({ ms });
      return;
    }
    cases = await loadCases(request.settings);
    scope.postMessage({ cases: cases.map(({ group, name, unit, input, expected }) => ({ group, name, unit, bytes: unit === 'out' ? expected : input.length })), strict: await hasStrictGzipDecompressionStream(), zstd: await chooseZstdBackend() });
  } catch (error) {
    scope.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};

/**
 * What handing out owned output costs by itself: `total` bytes sliced out of a WebAssembly memory in 512 KiB pieces,
 * as WasmZstdDecoder does. Each slice is a fresh ArrayBuffer whose pages fault in on first write.
 */
function copyOutOfWasm(total: number): number {
  const heap = new Uint8Array(new WebAssembly.Memory({ initial: 8 }).buffer);
  let n = 0;
  for (let at = 0; at < total; at += heap.length) n += heap.slice(0, Math.min(heap.length, total - at)).length;
  return n;
}

async function loadCases({ only, zstOut, fzstd }: Settings): Promise<Case[]> {
  const wanted = (group: string): boolean => only === null || only.includes(group);
  const none = new Uint8Array(0);
  const gz = wanted('gzip') || wanted('sha256') ? await load('gz') : none;
  const multi = wanted('gzip-mm') ? await load('multi.gz') : none;
  const zst = wanted('zstd') ? await load('zst') : none;
  const tar = wanted('gzip') || wanted('gzip-mm') || wanted('content') ? await load('tar') : none;
  const all: [string, string, string, Uint8Array, (b: Uint8Array) => Promise<number>][] = [
    ['gzip', 'browser: bare DecompressionStream (no member logic)', 'out', gz, bareStream],
    ['gzip', 'browser: gunzipWeb (auto back end)', 'out', gz, (b) => count(gunzipWeb(chunksOf(b)))],
    ['gzip', 'browser: gunzipWithPako', 'out', gz, (b) => count(gunzipWithPako(chunksOf(b)))],
    ['gzip-mm', 'browser: gunzipWeb (auto back end)', 'out', multi, (b) => count(gunzipWeb(chunksOf(b)))],
    ['gzip-mm', 'browser: gunzipWithPako', 'out', multi, (b) => count(gunzipWithPako(chunksOf(b)))],
    ['zstd', 'browser: unzstd (auto back end)', 'out', zst, (b) => count(unzstd(chunksOf(b)))],
    ['zstd', 'browser: unzstdWith fzstd', 'out', zst, (b) => count(unzstdWith('fzstd', chunksOf(b)))],
    ['zstd', 'browser: only the owned 512 KiB output copies (fresh pages)', 'out', zst, async () => copyOutOfWasm(zstOut)],
    ['sha256', 'browser: createSha256Web (hash-wasm)', 'in', gz, async (b) => {
      const h = await createSha256Web();
      for await (const c of chunksOf(b)) h.update(c);
      h.digestHex();
      return b.length;
    }],
    ['content', 'browser: XXH64 wasm, 600 B files', 'in', tar, async (b) => {
      const h = await createContentHasherWeb();
      for (let i = 0; i < b.length; i += 600) {
        h.start();
        h.update(b, i, Math.min(b.length, i + 600));
        h.finish();
      }
      return b.length;
    }],
  ];
  return all
    .filter(([group, name]) => wanted(group) && (fzstd || !name.includes('fzstd')))
    .map(([group, name, unit, input, run]) => ({ group, name, unit, input, run, expected: group === 'zstd' ? zstOut : tar.length }));
}
