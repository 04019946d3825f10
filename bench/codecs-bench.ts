// Codec benchmark (a program, not a test): MB/s of each worker-side decoder and hasher in src/analysis/codecs
// next to the native CLI and Node's own codecs, measured in the same run on locally generated data.
// Run: node --import tsx bench/codecs-bench.ts [--mb 256] [--runs 3] [--browser]
// --browser also runs the worker-side decoders in Debian's Chromium (/usr/bin/chromium, via playwright-core),
// in a dedicated Web Worker (bench/codecs-bench-worker.ts, bundled with esbuild, which tsx brings).
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { chromiumLaunch } from '../src/testing/chromium-launch.ts';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gzipSync } from 'node:zlib';
import { createXXHash64 } from 'hash-wasm';
import { createPortableContentHasher } from '../src/core/layers/content-hash.ts';
import { createContentHasherWeb } from '../src/analysis/codecs/content-hash-web.ts';
import { gunzipWeb, gunzipWithPako, hasStrictGzipDecompressionStream } from '../src/analysis/codecs/gunzip-web.ts';
import { gunzipWithStreams } from '../src/analysis/codecs/gunzip-streams.ts';
import { createSha256Web } from '../src/analysis/codecs/sha256-web.ts';
import { chooseZstdBackend, unzstd, unzstdWith } from '../src/analysis/codecs/unzstd.ts';

const argValue = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MB = argValue('--mb', 256);
const RUNS = argValue('--runs', 3);
const CHUNK = 512 * 1024;
const dir = join(tmpdir(), 'strata-codecs-bench');

type Row = { group: string; name: string; ms: number[]; bytes: number; unit: 'out' | 'in' };
const rows: Row[] = [];

function sh(cmd: string): void {
  const r = spawnSync('bash', ['-c', `set -o pipefail; ${cmd}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`failed: ${cmd}`);
}

/** A tar of /usr/share capped at MB (valid up to the cut; decoders do not care), plus gzip -6, zstd -3 and a multi-member gzip. */
function prepare(): { tar: string; gz: string; zst: string; multi: string } {
  mkdirSync(dir, { recursive: true });
  const tar = join(dir, `share-${MB}.tar`);
  const gz = `${tar}.gz`;
  const zst = `${tar}.zst`;
  const multi = `${tar}.multi.gz`;
  if (!existsSync(tar) || statSync(tar).size !== MB * 1024 * 1024) {
    console.log(`generating ${MB} MiB of tar from /usr/share in ${dir} ...`);
    sh(`{ tar -C / -cf - usr/share 2>/dev/null || true; } | head -c ${MB * 1024 * 1024} > ${tar}`);
  }
  if (!existsSync(gz)) sh(`gzip -6 -c ${tar} > ${gz}`);
  if (!existsSync(zst)) sh(`zstd -3 -q -f ${tar} -o ${zst}`);
  if (!existsSync(multi)) {
    // eStargz-like: a new member every 256 KiB of tar (real eStargz starts one per file chunk).
    const raw = readFileSync(tar);
    const parts: Buffer[] = [];
    for (let at = 0; at < raw.length; at += 256 * 1024) parts.push(gzipSync(raw.subarray(at, at + 256 * 1024), { level: 6 }));
    writeFileSync(multi, Buffer.concat(parts));
  }
  return { tar, gz, zst, multi };
}

async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, Math.min(bytes.length, at + CHUNK));
}

async function count(it: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const c of it) n += c.length;
  return n;
}

async function measure(group: string, name: string, unit: Row['unit'], bytes: number, run: () => Promise<number | void>): Promise<void> {
  const ms: number[] = [];
  await run(); // warm-up: WebAssembly compilation and JIT tiers are not what we measure
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const produced = await run();
    ms.push(performance.now() - t0);
    if (typeof produced === 'number' && produced !== bytes) throw new Error(`${name}: produced ${produced} bytes, expected ${bytes}`);
  }
  const row: Row = { group, name, ms, bytes, unit };
  rows.push(row);
  printRow(row);
}

function printRow({ group, name, ms, bytes, unit }: Row): void {
  const median = [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
  console.log(`  ${group.padEnd(8)} ${name.padEnd(52)} ${(bytes / median / 1000).toFixed(1).padStart(8)} MB/s ${unit}  (median ${median.toFixed(0)} ms of ${ms.map((t) => t.toFixed(0)).join('/')})`);
}

function cli(cmd: string): () => Promise<void> {
  return async () => sh(cmd);
}

async function nodeStream(bytes: Uint8Array, transform: NodeJS.ReadWriteStream): Promise<number> {
  let n = 0;
  await pipeline(Readable.from(chunksOf(bytes)), transform, new Writable({ write(c: Buffer, _e, cb) { n += c.length; cb(); } }));
  return n;
}

async function main(): Promise<void> {
  const f = prepare();
  const tarBytes = statSync(f.tar).size;
  const gz = readFileSync(f.gz);
  const zst = readFileSync(f.zst);
  const multi = readFileSync(f.multi);
  console.log(`data: tar ${tarBytes} B, gzip -6 ${gz.length} B, zstd -3 ${zst.length} B, multi-member gzip ${multi.length} B; ${RUNS} runs, median; ${CHUNK / 1024} KiB chunks from memory`);
  console.log(`node ${process.version}; strict DecompressionStream('gzip'): ${await hasStrictGzipDecompressionStream()}; zstd back end: ${await chooseZstdBackend()}\n`);

  console.log('gunzip (MB/s of uncompressed output)');
  await measure('gzip', 'native: gzip -dc > /dev/null', 'out', tarBytes, cli(`gzip -dc ${f.gz} > /dev/null`));
  await measure('gzip', 'native: pigz -dc > /dev/null', 'out', tarBytes, cli(`pigz -dc ${f.gz} > /dev/null`));
  await measure('gzip', 'node zlib createGunzip', 'out', tarBytes, () => nodeStream(gz, createGunzip()));
  await measure('gzip', 'gunzipWeb (auto back end)', 'out', tarBytes, () => count(gunzipWeb(chunksOf(gz))));
  await measure('gzip', 'gunzipWithPako', 'out', tarBytes, () => count(gunzipWithPako(chunksOf(gz))));
  await measure('gzip', 'gunzipWithStreams (Node DecompressionStream)', 'out', tarBytes, () => count(gunzipWithStreams(chunksOf(gz), {}, () => new DecompressionStream('gzip'))));
  await measure('gzip', 'bare DecompressionStream (1 stream, no member logic)', 'out', tarBytes, () => bareStream(gz));

  console.log('\ngunzip, multi-member (a member per 256 KiB of tar)');
  await measure('gzip-mm', 'native: gzip -dc > /dev/null', 'out', tarBytes, cli(`gzip -dc ${f.multi} > /dev/null`));
  await measure('gzip-mm', 'node zlib createGunzip', 'out', tarBytes, () => nodeStream(multi, createGunzip()));
  await measure('gzip-mm', 'gunzipWeb (auto back end)', 'out', tarBytes, () => count(gunzipWeb(chunksOf(multi))));
  await measure('gzip-mm', 'gunzipWithStreams (Node DecompressionStream)', 'out', tarBytes, () => count(gunzipWithStreams(chunksOf(multi), {}, () => new DecompressionStream('gzip'))));

  console.log('\nunzstd (MB/s of uncompressed output)');
  await measure('zstd', 'native: zstd -dc > /dev/null', 'out', tarBytes, cli(`zstd -dc ${f.zst} > /dev/null`));
  await measure('zstd', 'unzstd (auto back end)', 'out', tarBytes, () => count(unzstd(chunksOf(zst))));
  await measure('zstd', 'unzstdWith wasm (libzstd 1.5.7)', 'out', tarBytes, () => count(unzstdWith('wasm', chunksOf(zst))));
  await measure('zstd', 'unzstdWith fzstd 0.1.1', 'out', tarBytes, () => count(unzstdWith('fzstd', chunksOf(zst))));

  console.log('\nsha256 (MB/s of input, over the gzip blob)');
  await measure('sha256', 'native: openssl dgst -sha256', 'in', gz.length, cli(`openssl dgst -sha256 ${f.gz} > /dev/null`));
  await measure('sha256', 'native: sha256sum', 'in', gz.length, cli(`sha256sum ${f.gz} > /dev/null`));
  await measure('sha256', 'node crypto', 'in', gz.length, async () => { const h = createHash('sha256'); for await (const c of chunksOf(gz)) h.update(c); h.digest('hex'); });
  await measure('sha256', 'createSha256Web (hash-wasm)', 'in', gz.length, async () => { const h = await createSha256Web(); for await (const c of chunksOf(gz)) h.update(c); h.digestHex(); });

  console.log('\ncontent hash (MB/s of file bodies; the tar cut into "files" of a fixed size)');
  const tar = readFileSync(f.tar);
  for (const size of [600, 16 * 1024, 1024 * 1024]) {
    const label = size >= 1024 * 1024 ? `${size / 1024 / 1024} MiB` : size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
    const mine = await createContentHasherWeb();
    await measure('content', `XXH64 wasm (createContentHasherWeb), ${label}`, 'in', tar.length, async () => hashFiles(tar, size, mine));
    const hw = await createXXHash64();
    await measure('content', `hash-wasm xxhash64, ${label}`, 'in', tar.length, async () => hashFiles(tar, size, {
      start: () => { hw.init(); },
      update: (b, s, e) => { hw.update(b.subarray(s, e)); },
      finish: () => { const d = hw.digest('binary'); return [0, d[0]!]; },
    }));
    const portable = createPortableContentHasher();
    await measure('content', `core portable (FNV lanes, JS), ${label}`, 'in', tar.length, async () => hashFiles(tar, size, portable));
  }
  if (process.argv.includes('--browser')) await measureInBrowser({ gz: f.gz, 'multi.gz': f.multi, zst: f.zst, tar: f.tar });
  printRatios();
}

/** Each decoder's median against the native CLI of its group, measured in this same run. */
function printRatios(): void {
  const median = (r: Row): number => [...r.ms].sort((a, b) => a - b)[Math.floor(r.ms.length / 2)]!;
  console.log('\nslower than the native CLI by (median time / CLI median time):');
  for (const group of ['gzip', 'gzip-mm', 'zstd', 'sha256']) {
    const base = rows.find((r) => r.group === group && r.name.startsWith('native:'));
    if (!base) continue;
    for (const r of rows.filter((x) => x.group === group && !x.name.startsWith('native:'))) {
      console.log(`  ${group.padEnd(8)} ${r.name.padEnd(52)} ${(median(r) / median(base)).toFixed(2)}x  (vs ${base.name})`);
    }
  }
}

/** Runs bench/codecs-bench-worker.ts in a dedicated worker in headless Chromium and records its rows. */
async function measureInBrowser(files: Record<string, string>): Promise<void> {
  const { build } = await import('esbuild');
  const bundle = await build({ entryPoints: [fileURLToPath(new URL('./codecs-bench-worker.ts', import.meta.url))], bundle: true, format: 'esm', write: false, logLevel: 'warning' });
  const workerJs = bundle.outputFiles[0]!.text;
  const page = '<!doctype html><script type="module">const w = new Worker("/worker.js", { type: "module" }); w.onmessage = (e) => { window.result = e.data; }; w.onerror = (e) => { window.result = { error: e.message }; }; w.postMessage(RUNS);</script>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = path.startsWith('/data/') ? files[path.slice(6)] : undefined;
    const body = path === '/' ? page.replace('RUNS', String(RUNS)) : path === '/worker.js' ? workerJs : file ? readFileSync(file) : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : path === '/worker.js' ? 'text/javascript' : 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch(chromiumLaunch('--disable-quic'));
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const handle = await tab.waitForFunction(() => (globalThis as { result?: unknown }).result, null, { timeout: 30 * 60 * 1000, polling: 500 });
    const result = (await handle.jsonValue()) as { error?: string; strict: boolean; zstd: string; rows: Row[] };
    if (result.error) throw new Error(`browser worker: ${result.error}`);
    console.log(`\nChromium ${browser.version()}, dedicated worker: strict DecompressionStream('gzip'): ${result.strict}; zstd back end: ${result.zstd}`);
    for (const row of result.rows) {
      rows.push(row);
      printRow(row);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

async function bareStream(bytes: Uint8Array): Promise<number> {
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const feeding = (async () => {
    for await (const c of chunksOf(bytes)) await writer.write(c as Uint8Array<ArrayBuffer>);
    await writer.close();
  })();
  const n = await count(ds.readable);
  await feeding;
  return n;
}

function hashFiles(bytes: Uint8Array, size: number, h: { start(): void; update(b: Uint8Array, s: number, e: number): void; finish(): [number, number] }): void {
  for (let at = 0; at < bytes.length; at += size) {
    h.start();
    h.update(bytes, at, Math.min(bytes.length, at + size));
    h.finish();
  }
}

await main();
