// A focused program (not a test): time from the first layer byte to the first rows of the Files tree, and from a
// cached reopen to the first rows, in headless Debian Chromium running the app's real worker behind strata serve's
// proxy and a local docker-registry, on the benchmark's blobs (bench/bench-inputs.ts: the 1M-entry small-file layer
// and the 1.6 GB system-files layer). Faster than the full `npm run bench` (no native baselines, no proxy rates).
// Run: node --import tsx bench/first-rows-bench.ts [--blobs small.tar.gz,big.tar.gz] [--reopens 3]
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import type { Digest } from '../src/core/oci/digest.ts';
import { MEDIA } from '../src/core/oci/media-types.ts';
import { pushBlob, pushBlobStream, pushManifest } from '../src/registry/push.ts';
import { createTestClient } from '../src/testing/registry-test-kit.ts';
import { startBenchStack } from './bench-stack.ts';
import { OUT_DIR, prepareInputs, type BenchBlob } from './bench-inputs.ts';
import type { FirstRowsTiming } from './first-rows-page.ts';

const args = process.argv.slice(2);
const blobNames = (args.includes('--blobs') ? args[args.indexOf('--blobs') + 1]! : 'small.tar.gz,big.tar.gz').split(',');
const reopens = Number(args.includes('--reopens') ? args[args.indexOf('--reopens') + 1] : 3);
const WEB_DIR = resolve(OUT_DIR, 'first-rows-web');

async function buildWeb(): Promise<void> {
  mkdirSync(WEB_DIR, { recursive: true });
  const common = { bundle: true, format: 'esm', target: 'chrome120', minify: true, logLevel: 'warning', sourcemap: false } as const;
  await build({ ...common, entryPoints: [resolve(import.meta.dirname, '..', 'workers', 'analysis.worker.ts')], outfile: resolve(WEB_DIR, 'analysis.worker.js') });
  await build({ ...common, entryPoints: [resolve(import.meta.dirname, 'first-rows-page.ts')], outfile: resolve(WEB_DIR, 'first-rows-page.js') });
  writeFileSync(resolve(WEB_DIR, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>first rows</title><script type="module" src="/first-rows-page.js"></script></head><body></body></html>');
}

async function pushImage(host: string, repo: string, blob: BenchBlob): Promise<void> {
  const client = createTestClient(host);
  const chunks = (async function* () {
    for await (const c of createReadStream(blob.path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) yield new Uint8Array(c.buffer, c.byteOffset, c.length);
  })();
  await pushBlobStream(client, repo, chunks, { expectedDigest: blob.digest as Digest, chunkSize: 64 << 20 });
  const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [blob.diffId] }, history: [{ created_by: blob.name }] }));
  const cfg = await pushBlob(client, repo, config);
  const manifest = {
    schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: config.byteLength },
    layers: [{ mediaType: blob.compression === 'zstd' ? 'application/vnd.oci.image.layer.v1.tar+zstd' : MEDIA.ociLayerGzip, digest: blob.digest, size: blob.bytes }],
  };
  await pushManifest(client, repo, 'latest', new TextEncoder().encode(JSON.stringify(manifest)), MEDIA.ociManifest);
}

const fmt = (n: number | null): string => (n === null ? '—' : n.toFixed(0));

async function main(): Promise<void> {
  const load = loadavg();
  const blobs = (await prepareInputs()).filter((b) => blobNames.includes(b.name));
  await buildWeb();
  const stack = await startBenchStack(WEB_DIR);
  const { registry, server, browser } = stack;
  const report: unknown[] = [];
  try {
    for (const b of blobs) await pushImage(registry.host, `bench/${b.name.replace(/[^a-z0-9]+/g, '-')}`, b);
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'first-rows-ready');
    for (const b of blobs) {
      const ref = `${registry.host}/bench/${b.name.replace(/[^a-z0-9]+/g, '-')}:latest`;
      await page.evaluate(() => window.firstRowsBench.clearCache());
      const cold = await page.evaluate((r) => window.firstRowsBench.openImage(r), ref) as FirstRowsTiming;
      await page.evaluate((id) => window.firstRowsBench.close(id), cold.imageId);
      const byteToRows = cold.firstByteMs === null ? null : cold.firstRowsMs - cold.firstByteMs;
      console.log(`${b.name}: ${cold.entries} entries (${cold.status}); open→done ${fmt(cold.doneMs)} ms; first byte ${fmt(cold.firstByteMs)} ms → first rows ${fmt(cold.firstRowsMs)} ms = ${fmt(byteToRows)} ms (${cold.firstRowsTotal} rows${cold.firstRowsLoading !== null ? `, while loading: ${cold.firstRowsLoading} entries so far` : ''}); main-thread tasks > 50 ms: ${cold.longTasks.length} (max ${fmt(Math.max(0, ...cold.longTasks))} ms)`);
      const warm: FirstRowsTiming[] = [];
      for (let i = 0; i < reopens; i++) {
        const again = await page.evaluate((r) => window.firstRowsBench.openImage(r), ref) as FirstRowsTiming;
        await page.evaluate((id) => window.firstRowsBench.close(id), again.imageId);
        warm.push(again);
        console.log(`  cached reopen ${i + 1}: first rows ${fmt(again.firstRowsMs)} ms, done ${fmt(again.doneMs)} ms (${again.status}); main-thread tasks > 50 ms: ${again.longTasks.length}`);
      }
      report.push({ blob: b.name, entries: cold.entries, doneMs: cold.doneMs, firstByteToFirstRowsMs: byteToRows, firstRowsWhileLoading: cold.firstRowsLoading, longTasks: cold.longTasks, reopenFirstRowsMs: warm.map((w) => w.firstRowsMs), reopenDoneMs: warm.map((w) => w.doneMs) });
    }
  } finally {
    await stack.close();
  }
  writeFileSync(resolve(OUT_DIR, 'first-rows.json'), JSON.stringify({ loadavgBefore: load, loadavgAfter: loadavg(), report }, null, 2));
  console.log(`load average before ${load.map((l) => l.toFixed(1)).join(' ')}, after ${loadavg().map((l) => l.toFixed(1)).join(' ')} (2 CPUs shared: numbers are lower bounds)`);
}

await main();
