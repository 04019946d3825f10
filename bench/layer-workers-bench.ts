// A focused program (not a test): wall time to open a multi-layer gzip image in headless Debian Chromium with the
// layer workers (`?layer-workers=N`) against all layers on the analysis thread (`?layer-workers=0`), behind strata
// serve's proxy and a local docker-registry. Hash workers are on in both modes, as in the app.
// Run: node --import tsx bench/layer-workers-bench.ts --layers a.tar.gz,b.tar.gz,c.tar.gz [--modes 0,1] [--rounds 2]
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { build } from 'esbuild';
import type { Digest } from '../src/core/oci/digest.ts';
import { MEDIA } from '../src/core/oci/media-types.ts';
import { pushBlob, pushBlobStream, pushManifest } from '../src/registry/push.ts';
import { createTestClient } from '../src/testing/registry-test-kit.ts';
import { startBenchStack } from './bench-stack.ts';
import { OUT_DIR } from './bench-inputs.ts';
import type { LayerWorkersTiming } from './layer-workers-page.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const layerPaths = opt('--layers', '').split(',').filter(Boolean);
const modes = opt('--modes', '0,1').split(',');
const rounds = Number(opt('--rounds', '2'));
const WEB_DIR = resolve(OUT_DIR, 'layer-workers-web');

async function buildWeb(): Promise<void> {
  mkdirSync(WEB_DIR, { recursive: true });
  const common = { bundle: true, format: 'esm', target: 'chrome120', minify: true, logLevel: 'warning', sourcemap: false } as const;
  const root = resolve(import.meta.dirname, '..');
  for (const w of ['analysis', 'hash', 'layer']) await build({ ...common, entryPoints: [resolve(root, 'workers', `${w}.worker.ts`)], outfile: resolve(WEB_DIR, `${w}.worker.js`) });
  // esbuild leaves `new URL('./x.worker.ts', import.meta.url)` as is (Vite rewrites it in the app): point it at the bundles.
  const analysis = resolve(WEB_DIR, 'analysis.worker.js');
  writeFileSync(analysis, readFileSync(analysis, 'utf8').replaceAll('./hash.worker.ts', './hash.worker.js').replaceAll('./layer.worker.ts', './layer.worker.js'));
  await build({ ...common, entryPoints: [resolve(import.meta.dirname, 'layer-workers-page.ts')], outfile: resolve(WEB_DIR, 'page.js') });
  writeFileSync(resolve(WEB_DIR, 'index.html'), '<!doctype html><html><head><meta charset="utf-8"><title>layer workers</title><script type="module" src="/page.js"></script></head><body></body></html>');
}

async function describe(path: string): Promise<{ path: string; bytes: number; digest: string; diffId: string }> {
  const d = createHash('sha256');
  const u = createHash('sha256');
  const gunzip = createGunzip();
  gunzip.on('data', (c: Buffer) => u.update(c));
  const ended = new Promise((r) => gunzip.on('end', r));
  for await (const c of createReadStream(path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    d.update(c);
    if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
  }
  gunzip.end();
  await ended;
  return { path, bytes: statSync(path).size, digest: `sha256:${d.digest('hex')}`, diffId: `sha256:${u.digest('hex')}` };
}

async function main(): Promise<void> {
  const layers = await Promise.all(layerPaths.map(describe));
  await buildWeb();
  const stack = await startBenchStack(WEB_DIR);
  const { registry, server, browser } = stack;
  const report: unknown[] = [];
  try {
    const client = createTestClient(registry.host);
    for (const l of layers) {
      const chunks = (async function* () {
        for await (const c of createReadStream(l.path, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) yield new Uint8Array(c.buffer, c.byteOffset, c.length);
      })();
      await pushBlobStream(client, 'bench/multi', chunks, { expectedDigest: l.digest as Digest, chunkSize: 64 << 20 });
    }
    const config = new TextEncoder().encode(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }));
    const cfg = await pushBlob(client, 'bench/multi', config);
    const manifest = {
      schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: config.byteLength },
      layers: layers.map((l) => ({ mediaType: MEDIA.ociLayerGzip, digest: l.digest, size: l.bytes })),
    };
    await pushManifest(client, 'bench/multi', 'latest', new TextEncoder().encode(JSON.stringify(manifest)), MEDIA.ociManifest);
    const ref = `${registry.host}/bench/multi:latest`;
    console.log(`image: ${layers.map((l) => `${(l.bytes / 1e6).toFixed(0)} MB`).join(' + ')} gzip`);
    for (let round = 0; round < rounds; round++) {
      for (const mode of modes) {
        const page = await browser.newPage();
        page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
        await page.goto(`${server.url}?layer-workers=${mode}`);
        await page.waitForFunction(() => document.title === 'layer-workers-ready');
        await page.evaluate(() => window.layerWorkersBench.clearCache());
        const load = loadavg()[0]!;
        const opening = page.evaluate((r) => window.layerWorkersBench.openImage(r), ref) as Promise<LayerWorkersTiming>;
        // Which workers run 3 s in (nested layer workers show up as their own targets).
        const cdp = await browser.newBrowserCDPSession();
        await new Promise((r) => setTimeout(r, 3000));
        const { targetInfos } = await cdp.send('Target.getTargets') as { targetInfos: { type: string; title: string }[] };
        const workerNames = targetInfos.filter((i) => i.type === 'worker').map((i) => i.title);
        await cdp.detach();
        const t = await opening;
        console.log(`round ${round + 1} layer-workers=${mode}: ${(t.doneMs / 1000).toFixed(2)} s; ${t.statuses.join(', ')}; entries ${t.entries.join('+')}; load1 before ${load.toFixed(2)}; workers at 3 s: ${workerNames.join(' ') || '(none listed)'}`);
        report.push({ round, mode, workerNames, doneMs: t.doneMs, statuses: t.statuses, entries: t.entries, load1Before: load });
        await page.close();
      }
    }
  } finally {
    await stack.close();
  }
  writeFileSync(resolve(OUT_DIR, 'layer-workers.json'), JSON.stringify({ layers, report }, null, 2));
}

await main();
