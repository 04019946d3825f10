// Dedicated-worker side of `codecs-bench.ts --browser`: bundled by esbuild at run time, loads the blobs into
// memory (untimed), then times each decoder over 512 KiB chunks, as spec/perf.md's "(mem)" rows did.
import { createContentHasherWeb } from '../src/analysis/codecs/content-hash-web.ts';
import { gunzipWeb, gunzipWithPako, hasStrictGzipDecompressionStream } from '../src/analysis/codecs/gunzip-web.ts';
import { createSha256Web } from '../src/analysis/codecs/sha256-web.ts';
import { chooseZstdBackend, unzstd, unzstdWith } from '../src/analysis/codecs/unzstd.ts';

type Scope = { onmessage: ((e: MessageEvent<number>) => void) | null; postMessage(message: unknown): void };
const scope = self as unknown as Scope;
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
  const runs = e.data;
  const rows: { group: string; name: string; unit: string; bytes: number; ms: number[] }[] = [];
  const [gz, multi, zst, tar] = [await load('gz'), await load('multi.gz'), await load('zst'), await load('tar')];
  const cases: [string, string, string, Uint8Array, (b: Uint8Array) => Promise<number>][] = [
    ['gzip', 'browser: bare DecompressionStream (no member logic)', 'out', gz, bareStream],
    ['gzip', 'browser: gunzipWeb (auto back end)', 'out', gz, (b) => count(gunzipWeb(chunksOf(b)))],
    ['gzip', 'browser: gunzipWithPako', 'out', gz, (b) => count(gunzipWithPako(chunksOf(b)))],
    ['gzip-mm', 'browser: gunzipWeb (auto back end)', 'out', multi, (b) => count(gunzipWeb(chunksOf(b)))],
    ['gzip-mm', 'browser: gunzipWithPako', 'out', multi, (b) => count(gunzipWithPako(chunksOf(b)))],
    ['zstd', 'browser: unzstd (auto back end)', 'out', zst, (b) => count(unzstd(chunksOf(b)))],
    ['zstd', 'browser: unzstdWith fzstd', 'out', zst, (b) => count(unzstdWith('fzstd', chunksOf(b)))],
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
  const expectedOut = tar.length;
  for (const [group, name, unit, input, run] of cases) {
    const ms: number[] = [];
    await run(input); // warm-up
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      const n = await run(input);
      ms.push(performance.now() - t0);
      if (unit === 'out' && n !== expectedOut) throw new Error(`${name}: ${n} bytes, expected ${expectedOut}`);
    }
    rows.push({ group, name, unit, bytes: unit === 'out' ? expectedOut : input.length, ms });
  }
  scope.postMessage({ rows, strict: await hasStrictGzipDecompressionStream(), zstd: await chooseZstdBackend() });
};
