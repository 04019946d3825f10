// The browser half of the full benchmark (node driving headless Chromium): pushes the bench blobs into a real
// distribution registry (Debian docker-registry) with src/registry/push.ts, serves an esbuild bundle of the app's
// real worker entry (workers/analysis.worker.ts) and worker bridge from strata serve, which also proxies the
// registry, and times each image through the worker protocol: throughput, worker heap (CDP), first rows, 100-row
// windows, main-thread long tasks, proxied vs direct blob reads and a cached reopen (IndexedDB).
import { execFile } from 'node:child_process';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { build, type Plugin } from 'esbuild';
import type { Page } from 'playwright-core';
import { formatDigest } from '../src/core/oci/digest.ts';
import { MEDIA } from '../src/core/oci/media-types.ts';
import { pushBlob, pushBlobStream, pushManifest } from '../src/registry/push.ts';
import { createTestClient } from '../src/testing/registry-test-kit.ts';
import { startBenchStack } from './bench-stack.ts';
import { OUT_DIR, type BenchBlob } from './bench-inputs.ts';
import { startCountingRelay, type CountingRelay } from './counting-relay.ts';
import { diffThreadCpu, readThreadCpu } from './thread-cpu.ts';
import { WorkerHeap } from './worker-heap.ts';
import type { OpenTiming } from './bench-page.ts';

export type BrowserCase = {
  readonly blob: string;
  readonly compression: 'gzip' | 'zstd';
  readonly secs: number;
  readonly mbpsIn: number;
  readonly mbpsOut: number;
  readonly entries: number;
  readonly status: string;
  readonly firstByteMs: number | null;
  readonly firstRowsMs: number;
  readonly firstByteToFirstRowsMs: number | null;
  readonly peakWorkerHeapBytes: number;
  readonly retainedWorkerHeapBytes: number;
  readonly retainedBytesPerEntry: number;
  readonly firstWindowMs: number;
  readonly windowMedianMs: number;
  readonly windowP95Ms: number;
  readonly windowMaxMs: number;
  readonly longTasks: { readonly count: number; readonly maxMs: number };
  /** firstRowsMs: the Files tree's first view (collapsed, as the app opens); allExpandedMs: every directory expanded */
  readonly cachedReopen: { readonly firstRowsMs: number; readonly allExpandedMs: number; readonly doneMs: number; readonly status: string } | null;
  readonly file?: { readonly path: string; readonly ms: number; readonly size: number; readonly requestedBytes: number } | undefined;
  readonly fileViews?: FileViews | undefined;
};

/** Viewing files of the layer through the worker's `file` request, bytes counted between proxy and registry. */
export type FileViews = {
  readonly first: { readonly path: string; readonly ms: number; readonly bytes: number };
  /** first view to the end of any background checkpoint recording (1 s of settling when the load recorded them) */
  readonly recordMs: number;
  readonly count: number;
  readonly bytesMedian: number;
  readonly bytesP95: number;
  readonly bytesMax: number;
  readonly msMedian: number;
  readonly msP95: number;
  readonly requestsPerView: number;
  readonly blobBytes: number;
  /** method, Range and bytes sent of each blob request the views made */
  readonly requestLog: readonly string[];
};

/** One load of the big layer with the digest/diffId hashing in the analysis worker or on hash workers. */
export type AbRun = { readonly round: number; readonly mode: 'in-thread' | 'hash-workers'; readonly secs: number; readonly mbpsOut: number; readonly status: string; readonly load1: number; readonly threads: readonly string[] };

export type BrowserReport = {
  readonly chromium: string;
  readonly ab: readonly AbRun[];
  readonly cases: BrowserCase[];
  readonly proxy: { readonly directMBps: number; readonly proxiedMBps: number; readonly ratio: number; readonly blobBytes: number };
};

const WEB_DIR = resolve(OUT_DIR, 'web');
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
const quantile = (v: number[], q: number): number => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * q))] ?? 0;

/** index.html + the page bundle + the worker bundle, all built from the app's sources. */
async function buildWeb(): Promise<void> {
  mkdirSync(WEB_DIR, { recursive: true });
  const common = { bundle: true, format: 'esm', target: 'chrome120', minify: true, logLevel: 'warning', sourcemap: false } as const;
  // The analysis worker starts its hash workers from `new URL('./hash.worker.ts', import.meta.url)` (Vite bundles
  // that); here the hash worker is its own bundle next to it, so point the URL at the .js.
  const hashWorkerUrl: Plugin = {
    name: 'hash-worker-url',
    setup(b) {
      b.onLoad({ filter: /workers[\\/]analysis\.worker\.ts$/ }, async (args) => ({
        contents: (await readFile(args.path, 'utf8')).replace("'./hash.worker.ts'", "'./hash.worker.js'"), loader: 'ts',
      }));
    },
  };
  await build({ ...common, entryPoints: [resolve(import.meta.dirname, '..', 'workers', 'analysis.worker.ts')], outfile: resolve(WEB_DIR, 'analysis.worker.js'), plugins: [hashWorkerUrl] });
  await build({ ...common, entryPoints: [resolve(import.meta.dirname, '..', 'workers', 'hash.worker.ts')], outfile: resolve(WEB_DIR, 'hash.worker.js') });
  await build({ ...common, entryPoints: [resolve(import.meta.dirname, 'bench-page.ts')], outfile: resolve(WEB_DIR, 'bench-page.js') });
  writeFileSync(resolve(WEB_DIR, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>strata bench</title><script type="module" src="/bench-page.js"></script></head><body></body></html>');
}

async function pushBlobImage(host: string, repo: string, blob: BenchBlob): Promise<void> {
  const client = createTestClient(host);
  const chunks = (async function* () {
    for await (const c of createReadStream(blob.path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) yield new Uint8Array(c.buffer, c.byteOffset, c.length);
  })();
  const layer = await pushBlobStream(client, repo, chunks, { expectedDigest: blob.digest as ReturnType<typeof formatDigest>, chunkSize: 64 << 20 });
  if (layer.digest !== blob.digest) throw new Error(`pushed ${layer.digest}, expected ${blob.digest}`);
  const config = new TextEncoder().encode(JSON.stringify({
    architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [blob.diffId] },
    history: [{ created_by: `strata bench: ${blob.name}` }],
  }));
  const cfg = await pushBlob(client, repo, config);
  const layerType = blob.compression === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : MEDIA.ociLayerGzip;
  const manifest = {
    schemaVersion: 2, mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: config.byteLength },
    layers: [{ mediaType: layerType, digest: blob.digest, size: blob.bytes }],
  };
  await pushManifest(client, repo, 'latest', new TextEncoder().encode(JSON.stringify(manifest)), MEDIA.ociManifest);
}

/** MB/s reading `url` to the end in a separate node process (async: the proxy runs on this process's event loop). */
function readRate(url: string): Promise<number> {
  const script = `const t=performance.now();let n=0;const r=await fetch(${JSON.stringify(url)});for await (const c of r.body) n+=c.length;console.log(JSON.stringify({n,ms:performance.now()-t}))`;
  return new Promise((ok, fail) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }, (e, stdout, stderr) => {
      if (e) return fail(new Error(`reading ${url}: ${stderr}`));
      const { n, ms } = JSON.parse(stdout) as { n: number; ms: number };
      ok(n / ms / 1000);
    });
  });
}

type CpuProfile = { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };

/** Self time per function of a CPU profile, the top `n`, as "ms function file:line". */
function topSelfTime(p: CpuProfile, n: number): string[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
}

async function measureCase(page: Page, heap: WorkerHeap, reference: string, blob: BenchBlob, filePath: string | undefined, profile = false): Promise<BrowserCase> {
  await page.evaluate(() => window.strataBench.clearCache());
  const baseline = await heap.retainedAfterGc();
  await page.evaluate(() => window.strataBench.takeLongTasks());
  if (profile) {
    await heap.call('Profiler.enable');
    await heap.call('Profiler.setSamplingInterval', { interval: 1000 });
    await heap.call('Profiler.start');
  }
  heap.start(100);
  const open = await page.evaluate((ref) => window.strataBench.openImage(ref), reference) as OpenTiming;
  const peak = await heap.stop();
  if (profile) {
    const { profile: p } = await heap.call<{ profile: CpuProfile }>('Profiler.stop');
    writeFileSync(resolve(OUT_DIR, `worker-${blob.name}.cpuprofile`), JSON.stringify(p));
    console.log(`worker CPU profile of ${blob.name} (bench/out/worker-${blob.name}.cpuprofile), top self time:\n${topSelfTime(p, 15).join('\n')}`);
  }
  const retained = await heap.retainedAfterGc();
  // A failing rows request is reported, not fatal: the other measurements of this case still stand.
  const windows = await page.evaluate((id) => window.strataBench.rowWindows(id, 300), open.imageId).catch((e: unknown) => {
    console.log(`  rows windows failed: ${(e as Error).message.split('\n')[0]}`);
    return { firstMs: Number.NaN, total: 0, ms: [Number.NaN] };
  });
  let file: BrowserCase['file'];
  if (filePath !== undefined) {
    const f = await page.evaluate(([id, p]) => window.strataBench.readFile(id!, p!), [open.imageId, filePath]);
    file = { path: filePath, ms: f.ms, size: f.size, requestedBytes: -1 };
  }
  const longTasks = await page.evaluate(() => window.strataBench.takeLongTasks());
  await page.evaluate((id) => window.strataBench.close(id), open.imageId);
  const layer = open.layers[0]!;
  const again = await page.evaluate((ref) => window.strataBench.openImage(ref, 'app'), reference) as OpenTiming;
  await page.evaluate((id) => window.strataBench.close(id), again.imageId);
  const expanded = await page.evaluate((ref) => window.strataBench.openImage(ref, 'all'), reference) as OpenTiming;
  await page.evaluate((id) => window.strataBench.close(id), expanded.imageId);
  const cachedReopen: BrowserCase['cachedReopen'] = { firstRowsMs: again.firstRowsMs, allExpandedMs: expanded.firstRowsMs, doneMs: again.doneMs, status: again.layers[0]?.status ?? '?' };
  const secs = open.doneMs / 1000;
  return {
    blob: blob.name, compression: blob.compression, secs, mbpsIn: blob.bytes / secs / 1e6, mbpsOut: blob.tarBytes / secs / 1e6,
    entries: layer.entries, status: layer.status,
    firstByteMs: open.firstByteMs ?? null, firstRowsMs: open.firstRowsMs,
    firstByteToFirstRowsMs: open.firstByteMs === undefined ? null : open.firstRowsMs - open.firstByteMs,
    peakWorkerHeapBytes: peak - baseline, retainedWorkerHeapBytes: retained - baseline, retainedBytesPerEntry: (retained - baseline) / Math.max(1, layer.entries),
    firstWindowMs: windows.firstMs, windowMedianMs: median(windows.ms), windowP95Ms: quantile(windows.ms, 0.95), windowMaxMs: Math.max(...windows.ms),
    longTasks: { count: longTasks.length, maxMs: Math.max(0, ...longTasks) },
    cachedReopen, ...(file ? { file } : {}),
  };
}

/** Opens the image through the counting relay (a cached reopen), views one file (one Range request when the load
 *  recorded the gzip checkpoints; else it streams the layer and records them), waits for any recording, then views
 *  `n` more files and counts their bytes. */
async function measureFileViews(page: Page, relay: CountingRelay, reference: string, blob: BenchBlob, n: number): Promise<FileViews> {
  const open = await page.evaluate((ref) => window.strataBench.openImage(ref), reference) as OpenTiming;
  const files = await page.evaluate(([id, k]) => window.strataBench.listFiles(id!, k!, 1 << 20), [open.imageId, n + 1] as const);
  const [firstFile, ...rest] = files;
  if (!firstFile) throw new Error('no files to view');
  const blobRequests = () => relay.requests.filter((r) => r.path.includes('/blobs/'));
  let before = relay.sent();
  let requests = blobRequests().length;
  const t = performance.now();
  const f = await page.evaluate(([id, p]) => window.strataBench.readFile(id!, p!), [open.imageId, firstFile.path]);
  const first = { path: firstFile.path, ms: f.ms, bytes: relay.sent() - before };
  while (blobRequests().slice(requests).some((r) => !r.done)) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1000)); // the IndexedDB write after the last byte
  const recordMs = performance.now() - t;
  const bytes: number[] = [];
  const ms: number[] = [];
  requests = blobRequests().length;
  for (const file of rest) {
    before = relay.sent();
    const r = await page.evaluate(([id, p]) => window.strataBench.readFile(id!, p!), [open.imageId, file.path]);
    // A cancelled response may still be counting: let it settle before the next view.
    while (blobRequests().some((q) => !q.done)) await new Promise((res) => setTimeout(res, 20));
    bytes.push(relay.sent() - before);
    ms.push(r.ms);
    if (r.size !== file.size) throw new Error(`${file.path}: read ${r.size} bytes, listed ${file.size}`);
  }
  const viewRequests = blobRequests().length - requests;
  const requestLog = blobRequests().slice(requests).map((r) => `${r.method} ${r.range ?? 'whole'} ${r.bytes}`);
  await page.evaluate((id) => window.strataBench.close(id), open.imageId);
  return {
    first, recordMs, count: rest.length, bytesMedian: median(bytes), bytesP95: quantile(bytes, 0.95), bytesMax: Math.max(...bytes),
    msMedian: median(ms), msP95: quantile(ms, 0.95), requestsPerView: viewRequests / Math.max(1, rest.length), blobBytes: blob.bytes, requestLog,
  };
}

export async function runBrowserBench(blobs: readonly BenchBlob[], options: { filePath?: string; profile?: boolean; fileViews?: number; abRounds?: number; log: (line: string) => void }): Promise<BrowserReport> {
  const { log } = options;
  await buildWeb();
  const stack = await startBenchStack(WEB_DIR, { flags: [`--strata-bench=${process.pid}`], relay: (r) => startCountingRelay(new URL(r.url)) });
  const { registry, server, browser } = stack;
  const relay = stack.relay!;
  try {
    for (const blob of blobs) {
      const t = performance.now();
      await pushBlobImage(registry.host, `bench/${repoName(blob)}`, blob);
      log(`pushed ${blob.name} to ${registry.host}/bench/${repoName(blob)} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const big = blobs[0]!;
    const blobPath = `/v2/bench/${repoName(big)}/blobs/${big.digest}`;
    await readRate(`${registry.url}${blobPath}`); // warm the page cache
    const direct: number[] = [];
    const proxied: number[] = [];
    for (let i = 0; i < 3; i++) {
      direct.push(await readRate(`${registry.url}${blobPath}`));
      proxied.push(await readRate(`${server.url}proxy/${registry.host}${blobPath}`));
    }
    const proxy = { directMBps: median(direct), proxiedMBps: median(proxied), ratio: median(proxied) / median(direct), blobBytes: big.bytes };
    log(`blob reads: direct ${proxy.directMBps.toFixed(0)} MB/s, through strata serve's proxy ${proxy.proxiedMBps.toFixed(0)} MB/s (${(proxy.ratio * 100).toFixed(1)} %)`);
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    const heap = await WorkerHeap.attach(page);
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'strata-bench-ready');
    await page.evaluate(() => window.strataBench.clearCache());
    for (let i = 0; i < 50 && !heap.attached; i++) await new Promise((r) => setTimeout(r, 100));
    const cases: BrowserCase[] = [];
    for (const blob of blobs) {
      log(`chromium: ${blob.name} …`);
      const c = await measureCase(page, heap, `${registry.host}/bench/${repoName(blob)}:latest`, blob, blob === big ? options.filePath : undefined, options.profile === true);
      log(`  ${c.secs.toFixed(1)} s, ${c.mbpsIn.toFixed(1)} MB/s in, ${c.mbpsOut.toFixed(1)} MB/s out, ${c.entries} entries (${c.status}), peak worker heap ${(c.peakWorkerHeapBytes / 1e6).toFixed(0)} MB`);
      if (options.fileViews && blob.compression === 'gzip' && blob === big) {
        const v = await measureFileViews(page, relay, `${relay.host}/bench/${repoName(blob)}:latest`, blob, options.fileViews);
        log(`  file views: first ${(v.first.bytes / 1e6).toFixed(1)} MB in ${v.first.ms.toFixed(0)} ms (${v.first.bytes < v.blobBytes / 2 ? 'checkpoints recorded during the load' : `checkpoints recorded ${(v.recordMs / 1000).toFixed(1)} s after it`}); then ${v.count} views: median ${(v.bytesMedian / 1e6).toFixed(2)} MB, p95 ${(v.bytesP95 / 1e6).toFixed(2)} MB, max ${(v.bytesMax / 1e6).toFixed(2)} MB fetched, ${v.msMedian.toFixed(0)}/${v.msP95.toFixed(0)} ms median/p95, ${v.requestsPerView.toFixed(2)} requests each`);
        cases.push({ ...c, fileViews: v });
      } else cases.push(c);
    }
    const ab: AbRun[] = [];
    for (let round = 0; round < (options.abRounds ?? 0); round++) {
      for (const mode of ['in-thread', 'hash-workers'] as const) {
        const p = await browser.newPage();
        await p.goto(`${server.url}${mode === 'in-thread' ? '?in-thread-hash' : ''}`);
        await p.waitForFunction(() => document.title === 'strata-bench-ready');
        await p.evaluate(() => window.strataBench.clearCache());
        const load = (await import('node:os')).loadavg()[0]!;
        const cpuBefore = readThreadCpu(`--strata-bench=${process.pid}`);
        const open = await p.evaluate((ref) => window.strataBench.openImage(ref), `${registry.host}/bench/${repoName(big)}:latest`) as OpenTiming;
        const threads = diffThreadCpu(cpuBefore, readThreadCpu(`--strata-bench=${process.pid}`)).slice(0, 6).map((t) => `${t.comm} ${t.secs.toFixed(1)}`);
        const secs = open.doneMs / 1000;
        ab.push({ round, mode, secs, mbpsOut: big.tarBytes / secs / 1e6, status: open.layers[0]?.status ?? '?', load1: load, threads });
        log(`A/B round ${round + 1} ${mode}: ${secs.toFixed(1)} s, ${(big.tarBytes / secs / 1e6).toFixed(1)} MB/s out (${open.layers[0]?.status}), load ${load.toFixed(1)}; CPU s by thread: ${threads.join(', ')}`);
        await p.close();
      }
    }
    return { chromium: browser.version(), cases, proxy, ab };
  } finally {
    await stack.close();
  }
}

function repoName(blob: BenchBlob): string {
  return blob.name.replace(/\.tar\./, '-').replace(/[^a-z0-9-]/g, '-');
}
