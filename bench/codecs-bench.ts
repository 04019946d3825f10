// Codec benchmark (a program, not a test): MB/s of each worker-side decoder and hasher in src/analysis/codecs
// next to the native CLI and Node's own codecs, measured in the same run on locally generated data.
// Run: node --import tsx bench/codecs-bench.ts [--mb 256] [--runs 3] [--only zstd,gzip,...] [--zst FILE] [--browser]
// --only keeps the named groups (gzip, gzip-mm, zstd, sha256, content); --zst decodes that .tar.zst (say
// bench/out/big.tar.zst) in the zstd group instead of the generated one.
// Each row gives wall time and CPU time (this process plus CLI children; in Chromium, the worker thread, from /proc),
// since wall time says little on a shared, loaded machine.
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
import { diffThreadCpu, readThreadCpu } from './thread-cpu.ts';
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
const argString = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const MB = argValue('--mb', 256);
const ONLY = argString('--only')?.split(',');
const ZST_FILE = argString('--zst');
const wanted = (group: string): boolean => ONLY === undefined || ONLY.includes(group);
const RUNS = argValue('--runs', 3);
const CHUNK = 512 * 1024;
const dir = join(tmpdir(), 'strata-codecs-bench');

/** ms: wall time per run; cpu: CPU ms per run (this process plus CLI children; in Chromium, the worker thread). */
type Row = { group: string; name: string; ms: number[]; cpu: number[]; bytes: number; unit: 'out' | 'in' };
const rows: Row[] = [];

/** CPU ms the last sh() command used (user + system of the shell and its children). */
let childCpuMs = 0;

function sh(cmd: string): void {
  const r = spawnSync('bash', ['-c', `set -o pipefail; TIMEFORMAT='%3U %3S'; time ( ${cmd} )`], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`failed: ${cmd}: ${r.stderr}`);
  const times = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  childCpuMs = times ? (Number(times[1]) + Number(times[2])) * 1000 : 0;
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
  if (!wanted(group)) return;
  const ms: number[] = [];
  const cpu: number[] = [];
  await run(); // warm-up: WebAssembly compilation and JIT tiers are not what we measure
  for (let i = 0; i < RUNS; i++) {
    childCpuMs = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const produced = await run();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000 + childCpuMs);
    if (typeof produced === 'number' && produced !== bytes) throw new Error(`${name}: produced ${produced} bytes, expected ${bytes}`);
  }
  const row: Row = { group, name, ms, cpu, bytes, unit };
  rows.push(row);
  printRow(row);
}

function printRow({ group, name, ms, cpu, bytes, unit }: Row): void {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const cpuText = cpu.length > 0 ? `; CPU ${(bytes / median(cpu) / 1000).toFixed(1)} MB/s, median ${median(cpu).toFixed(0)} ms of ${cpu.map((t) => t.toFixed(0)).join('/')}` : '';
  console.log(`  ${group.padEnd(8)} ${name.padEnd(52)} ${(bytes / median(ms) / 1000).toFixed(1).padStart(8)} MB/s ${unit}  (wall median ${median(ms).toFixed(0)} ms of ${ms.map((t) => t.toFixed(0)).join('/')}${cpuText}) load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
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
  const zstFile = ZST_FILE ?? f.zst;
  const zst = readFileSync(zstFile);
  const zstOut = ZST_FILE === undefined ? tarBytes : zstdContentBytes(zstFile);
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
  await measure('zstd', 'native: zstd -dc > /dev/null', 'out', zstOut, cli(`zstd -dc ${zstFile} > /dev/null`));
  await measure('zstd', 'unzstd (auto back end)', 'out', zstOut, () => count(unzstd(chunksOf(zst))));
  await measure('zstd', 'unzstdWith wasm (libzstd 1.5.7)', 'out', zstOut, () => count(unzstdWith('wasm', chunksOf(zst))));
  if (ZST_FILE === undefined) await measure('zstd', 'unzstdWith fzstd 0.1.1', 'out', zstOut, () => count(unzstdWith('fzstd', chunksOf(zst))));

  console.log('\nsha256 (MB/s of input, over the gzip blob)');
  await measure('sha256', 'native: openssl dgst -sha256', 'in', gz.length, cli(`openssl dgst -sha256 ${f.gz} > /dev/null`));
  await measure('sha256', 'native: sha256sum', 'in', gz.length, cli(`sha256sum ${f.gz} > /dev/null`));
  await measure('sha256', 'node crypto', 'in', gz.length, async () => { const h = createHash('sha256'); for await (const c of chunksOf(gz)) h.update(c); h.digest('hex'); });
  await measure('sha256', 'createSha256Web (hash-wasm)', 'in', gz.length, async () => { const h = await createSha256Web(); for await (const c of chunksOf(gz)) h.update(c); h.digestHex(); });

  console.log('\ncontent hash (MB/s of file bodies; the tar cut into "files" of a fixed size)');
  const tar = wanted('content') ? readFileSync(f.tar) : new Uint8Array(0);
  for (const size of wanted('content') ? [600, 16 * 1024, 1024 * 1024] : []) {
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
  if (process.argv.includes('--browser')) await measureInBrowser({ gz: f.gz, 'multi.gz': f.multi, zst: zstFile, tar: f.tar }, zstOut);
  printRatios();
}

/** Each decoder's median against the native CLI of its group, measured in this same run. */
function printRatios(): void {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('\nslower than the native CLI by (median wall time / CLI median wall time; the same for CPU time):');
  for (const group of ['gzip', 'gzip-mm', 'zstd', 'sha256']) {
    const base = rows.find((r) => r.group === group && r.name.startsWith('native:'));
    if (!base) continue;
    for (const r of rows.filter((x) => x.group === group && !x.name.startsWith('native:'))) {
      console.log(`  ${group.padEnd(8)} ${r.name.padEnd(52)} ${(median(r.ms) / median(base.ms)).toFixed(2)}x wall, ${(median(r.cpu) / median(base.cpu)).toFixed(2)}x CPU  (vs ${base.name})`);
    }
  }
}

/**
 * Runs bench/codecs-bench-worker.ts in a dedicated worker in headless Chromium and records its rows. Node asks for
 * one run at a time and reads the CPU time of the busiest Chromium thread (the worker) around it.
 */
async function measureInBrowser(files: Record<string, string>, zstOut: number): Promise<void> {
  const { build } = await import('esbuild');
  const bundle = await build({ entryPoints: [fileURLToPath(new URL('./codecs-bench-worker.ts', import.meta.url))], bundle: true, format: 'esm', write: false, logLevel: 'warning' });
  const workerJs = bundle.outputFiles[0]!.text;
  const page = '<!doctype html><script type="module">const w = new Worker("/worker.js", { type: "module" }); window.ask = (m) => new Promise((resolve) => { w.onmessage = (e) => resolve(e.data); w.onerror = (e) => resolve({ error: e.message }); w.postMessage(m); });</script>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const file = path.startsWith('/data/') ? files[path.slice(6)] : undefined;
    const body = path === '/' ? page : path === '/worker.js' ? workerJs : file ? readFileSync(file) : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : path === '/worker.js' ? 'text/javascript' : 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const marker = `--strata-codecs-bench=${process.pid}`;
  const browser = await chromium.launch(chromiumLaunch('--disable-quic', marker));
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => typeof (globalThis as { ask?: unknown }).ask === 'function');
    type Answer = { error?: string; ms?: number; cases?: Omit<Row, 'ms' | 'cpu'>[]; strict?: boolean; zstd?: string };
    const ask = async (request: unknown): Promise<Answer> => {
      const answer = await tab.evaluate((m) => (globalThis as unknown as { ask(m: unknown): Promise<unknown> }).ask(m), request) as Answer;
      if (answer.error) throw new Error(`browser worker: ${answer.error}`);
      return answer;
    };
    const loaded = await ask({ op: 'load', settings: { only: ONLY ?? null, zstOut, fzstd: ZST_FILE === undefined } });
    console.log(`\nChromium ${browser.version()}, dedicated worker: strict DecompressionStream('gzip'): ${loaded.strict}; zstd back end: ${loaded.zstd}`);
    for (const [index, c] of (loaded.cases ?? []).entries()) {
      await ask({ op: 'run', index }); // warm-up
      const row: Row = { ...c, ms: [], cpu: [] };
      for (let r = 0; r < RUNS; r++) {
        const before = readThreadCpu(marker);
        row.ms.push((await ask({ op: 'run', index })).ms!);
        const busiest = diffThreadCpu(before, readThreadCpu(marker))[0];
        row.cpu.push((busiest?.secs ?? 0) * 1000);
      }
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

/** The zstd CLI's count of decoded bytes (it decodes the file once, output discarded). */
function zstdContentBytes(file: string): number {
  const r = spawnSync('bash', ['-c', `zstd -dc '${file}' | wc -c`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`zstd -dc ${file} failed`);
  return Number(r.stdout.trim());
}

function hashFiles(bytes: Uint8Array, size: number, h: { start(): void; update(b: Uint8Array, s: number, e: number): void; finish(): [number, number] }): void {
  for (let at = 0; at < bytes.length; at += size) {
    h.start();
    h.update(bytes, at, Math.min(bytes.length, at + size));
    h.finish();
  }
}

await main();
