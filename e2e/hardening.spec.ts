// Browser hardening cases (hardening.md §2.5 B1–B7) and the failing-layer rule, each named by its id, against a
// `strata serve` started here (allowing a streaming test registry and a second origin) in Debian's Chromium.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { createProxy } from '../server/proxy/create-proxy.ts';
import { deriveImageEntryBudget } from '../src/analysis/heap-entry-budget.ts';
import { DEFAULT_DIST_DIR, startServer, type RunningServer } from '../server/serve.ts';
import { noiseBytes } from '../src/testing/image-fixture.ts';
import { generatedManyEntries, generatedPlainTar, gzipLayer, HardeningRegistry, type ServedBlob } from './hardening-registry.ts';
import { expect, layerOption, test, treeRow, waitForReady } from './journey.ts';

/** B1's layer: 5 files of 128 MiB in a plain tar (640 MiB: the matrix's 3 GB would take minutes in CI here). */
const BIG_FILES = 5;
const BIG_FILE_BYTES = 128 * 1024 * 1024;

let reg: HardeningRegistry;
let strata: RunningServer;
let second: Server;
let secondOrigin = '';
let bareProxy: Server;
let bareProxyUrl = '';
let bigBlob: ServedBlob;
/** B2's opt-in layer: more entries than the 5,000,000-entry cap of a layer (README Limits). */
const MANY_ENTRIES = 5_001_000;
/** B2: the V8 flag that gives the test's own Chromium a small heap (old space 160 MB → jsHeapSizeLimit 256 MiB). */
const SMALL_HEAP_FLAG = '--js-flags=--max-old-space-size=160';

function listen(server: Server): Promise<string> {
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  reg = await HardeningRegistry.start();
  second = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>another site</title><p>second origin</p>');
  });
  secondOrigin = await listen(second);
  // The same proxy with the expose list removed (a test-only option): B7 must then fail to read the headers.
  const proxy = createProxy({ allowHosts: [reg.host], allowedOrigins: [secondOrigin], exposeHeaders: false });
  bareProxy = createServer((req, res) => proxy.handle(req, res));
  bareProxyUrl = await listen(bareProxy);
  bigBlob = generatedPlainTar(BIG_FILES, BIG_FILE_BYTES);
  strata = await startServer({ port: 0, host: '127.0.0.1', demoDir: false, allowHosts: [reg.host], allowOrigins: [secondOrigin], log: () => undefined });
});

test.afterAll(async () => {
  await strata?.close();
  await reg?.close();
  for (const s of [second, bareProxy]) {
    s?.closeAllConnections();
    await new Promise<void>((ok) => (s ? s.close(() => ok()) : ok()));
  }
});

async function openImage(page: Page, reference: string): Promise<void> {
  await page.goto(strata.url);
  await page.getByRole('combobox', { name: 'Registry', exact: true }).selectOption({ label: 'Custom host' });
  await page.getByRole('combobox', { name: 'Image reference' }).fill(`${reg.host}/${reference}`);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
}


/**
 * Samples the analysis worker's memory over CDP every 200 ms: V8 heap plus ArrayBuffer backing stores (which live
 * outside the heap, hardening §1.6), so one big ArrayBuffer of the blob would show. Returns the peak and sample count.
 */
/** The tree after a failed middle layer: /etc of the layers below and above is browsable, `absent` (the failed layer's) is not. */
async function expectOtherLayersBrowsable(page: Page, absent: string): Promise<void> {
  await treeRow(page, '/etc').click();
  await page.keyboard.press('ArrowRight');
  await expect(treeRow(page, '/etc/lower.txt')).toBeVisible();
  await expect(treeRow(page, '/etc/upper.txt')).toBeVisible();
  await expect(treeRow(page, absent)).toHaveCount(0);
}

async function watchWorkerMemory(page: Page): Promise<{ stop(): Promise<{ peak: number; samples: number }> }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  let worker: { targetId: string } | undefined;
  for (let i = 0; i < 50 && !worker; i++) {
    worker = (await cdp.send('Target.getTargets')).targetInfos.find((t) => t.type === 'worker' && t.title === 'strata-analysis');
    if (!worker) await page.waitForTimeout(100);
  }
  if (!worker) throw new Error('the analysis worker did not start');
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false });
  let id = 0;
  let peak = 0;
  let samples = 0;
  const pending = new Map<number, () => void>();
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message) as { id?: number; result?: { usedSize: number; backingStorageSize?: number } };
    if (m.id === undefined || !m.result) return;
    peak = Math.max(peak, m.result.usedSize + (m.result.backingStorageSize ?? 0));
    samples++;
    pending.get(m.id)?.();
    pending.delete(m.id);
  });
  let running = true;
  const loop = (async () => {
    while (running) {
      const n = ++id;
      const answered = new Promise<void>((ok) => pending.set(n, ok));
      await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method: 'Runtime.getHeapUsage' }) }).catch(() => undefined);
      await Promise.race([answered, new Promise((ok) => setTimeout(ok, 1000))]);
      await new Promise((ok) => setTimeout(ok, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await cdp.detach().catch(() => undefined);
      return { peak, samples };
    },
  };
}

/** IndexedDB keys of the layer cache, read in the page (same origin as the worker). */
function cachedKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => new Promise<string[]>((ok, fail) => {
    const req = indexedDB.open('strata-layer-cache', 1);
    req.onupgradeneeded = () => { if (!req.result.objectStoreNames.contains('layers')) req.result.createObjectStore('layers'); };
    req.onerror = () => fail(req.error);
    req.onsuccess = () => {
      const keys = req.result.transaction('layers', 'readonly').objectStore('layers').getAllKeys();
      keys.onsuccess = () => { ok((keys.result as string[]).sort()); req.result.close(); };
      keys.onerror = () => fail(keys.error);
    };
  }));
}

const noisyLayer = (name: string, bytes: number, seed: number): ServedBlob => gzipLayer([{ name, body: noiseBytes(bytes, seed) }]);

test('B1 a 640 MiB layer streams through the worker without ever being one ArrayBuffer', async ({ page }) => {
  test.setTimeout(90_000);
  const base = gzipLayer([{ name: 'etc/os-release', body: 'ID=test\n' }]);
  reg.addImage('b1/big', 'latest', [base, bigBlob]);
  await openImage(page, 'b1/big:latest');
  await expect(layerOption(page, 1)).toBeVisible();
  const memory = await watchWorkerMemory(page);
  await expect(page.locator('.overall')).toContainText('Ready', { timeout: 75_000 });
  const { peak, samples } = await memory.stop();
  await expect(layerOption(page, 1)).toContainText('verified');
  expect(bigBlob.size).toBeGreaterThan(600 * 1024 ** 2);
  expect(reg.connectionsTo([bigBlob.digest]).some((c) => c.finished && c.sent === bigBlob.size)).toBe(true);
  expect(samples, 'the worker was sampled while the layer streamed').toBeGreaterThan(5);
  // Buffering the blob (response.arrayBuffer(), or collecting its chunks) would hold ≥ 1 GiB here.
  console.log(`B1: peak worker memory ${(peak / 2 ** 20).toFixed(1)} MiB over ${samples} samples for a ${(bigBlob.size / 2 ** 20).toFixed(0)} MiB blob`);
  expect(peak, `peak worker memory ${peak} bytes for a ${bigBlob.size}-byte blob`).toBeLessThan(bigBlob.size / 4);
  await treeRow(page, '/big').click();
  await page.keyboard.press('ArrowRight');
  await expect(treeRow(page, `/big/file-${BIG_FILES - 1}.bin`)).toBeVisible();
});

test('B2 on a small heap the image entry budget follows it: the layer crossing it fails with the budget message, the tab survives, the other layers stay usable', async ({}, testInfo) => { // eslint-disable-line no-empty-pattern
  test.setTimeout(90_000);
  // A Chromium of its own with a 160 MB old space: the page's jsHeapSizeLimit drops from 4.4 GB to 268 MB (Chromium
  // 156 here), and the analysis worker's heap with it (an allocation loop in a worker dies at ~150 MB, taking the tab;
  // the worker itself has no performance.memory, so the page sends the figure with `open`).
  const launch = testInfo.project.use.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), SMALL_HEAP_FLAG] });
  try {
    const page = await browser.newPage({ viewport: testInfo.project.use.viewport ?? null });
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    await page.goto(strata.url);
    const heapLimit = await page.evaluate(() => (performance as unknown as { memory: { jsHeapSizeLimit: number } }).memory.jsHeapSizeLimit);
    expect(heapLimit, 'the flag lowers the heap limit the page reports').toBeLessThan(400e6);
    const budget = deriveImageEntryBudget({ bytes: heapLimit, source: 'js-heap-size-limit' });
    expect(budget).toBeLessThan(500_000);
    // Two layers that each fit but together do not: the smaller one finishes first and is kept, the larger crosses.
    const [kept, crossing] = await Promise.all([generatedManyEntries(Math.floor(budget * 0.3), 'a/'), generatedManyEntries(Math.floor(budget * 0.8), 'b/')]);
    const lower = gzipLayer([{ name: 'etc/lower.txt', body: 'below' }]);
    const upper = gzipLayer([{ name: 'etc/upper.txt', body: 'above' }]);
    reg.addImage('b2/heap', 'latest', [lower, kept, crossing, upper]);
    await openImage(page, 'b2/heap:latest');
    await expect(page.locator('.overall')).toContainText('Ready: 4 layers, 1 failed', { timeout: 75_000 });
    await expect(layerOption(page, 2)).toContainText('failed ✗');
    await expect(layerOption(page, 2)).toContainText(`image has more than ${budget} entries across its layers; layer 3`);
    await expect(layerOption(page, 2)).toContainText(`this browser lets the analysis worker use about ${Math.round(heapLimit / 1e6)} MB of JavaScript heap (performance.memory.jsHeapSizeLimit), which holds about ${budget} entries`);
    await expect(layerOption(page, 2)).toContainText(/use the CLI \(`strata tree <image>`.*\(IMAGE_ENTRY_LIMIT\)/);
    for (const i of [0, 1, 3]) await expect(layerOption(page, i)).toContainText('verified');
    // The tab survived and answers; the other layers are browsable and nothing of the failed layer is shown.
    expect(crashed).toBe(false);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    await expectOtherLayersBrowsable(page, '/b');
    await treeRow(page, '/a').click();
    await page.keyboard.press('ArrowRight');
    await expect(treeRow(page, '/a/d0')).toBeVisible();
  } finally {
    await browser.close();
  }
});

test('B2 at the default heap a 5,001,000-entry layer stops at its entry cap, min(5,000,000, derived budget); the tab survives and other layers stay usable', async ({ page }) => {
  // Opt-in (STRATA_E2E_SLOW=1): indexing 5M entries in the worker takes over a minute (1.1 min on 2026-11-28, load ~6).
  // It checks the caps at full scale (a 4.4 GB heap derives 5,494,538, so the 5,000,000 per-layer cap stops this
  // layer with ENTRY_LIMIT; a smaller heap would stop it with IMAGE_ENTRY_LIMIT); the test above checks the mechanism.
  test.skip(process.env.STRATA_E2E_SLOW !== '1', 'slow: set STRATA_E2E_SLOW=1');
  test.setTimeout(600_000);
  const manyBlob = await generatedManyEntries(MANY_ENTRIES);
  const lower = gzipLayer([{ name: 'etc/lower.txt', body: 'below' }]);
  const upper = gzipLayer([{ name: 'etc/upper.txt', body: 'above' }]);
  reg.addImage('b2/many', 'latest', [lower, manyBlob, upper]);
  await openImage(page, 'b2/many:latest');
  await expect(page.locator('.overall')).toContainText('Ready: 3 layers, 1 failed', { timeout: 540_000 });
  await expect(layerOption(page, 1)).toContainText('failed');
  // The budget is below the 5,000,000 per-layer cap unless the heap exceeds 4 GB; either way the layer is cut off.
  await expect(layerOption(page, 1)).toContainText(/more than \d+ entries.*(IMAGE_ENTRY_LIMIT|ENTRY_LIMIT)/);
  await expect(layerOption(page, 0)).toContainText('verified');
  await expect(layerOption(page, 2)).toContainText('verified');
  // The page still answers: the tree of the other layers is browsable and nothing of the failed layer is in it.
  await expectOtherLayersBrowsable(page, '/d0');
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
});

test('B3 cancelling 5 concurrent layer downloads aborts every fetch and body, and the worker settles', async ({ page }) => {
  const layers = [1, 2, 3, 4, 5].map((i) => ({ ...noisyLayer(`f${i}.bin`, 2 * 1024 * 1024, i), stallAfter: 64 * 1024 }));
  reg.addImage('b3/five', 'latest', layers);
  const digests = layers.map((l) => l.digest);
  await page.goto(strata.url);
  // Drive the real analysis worker bundle directly: the page opens at most 3 layers at once, the protocol allows 5.
  const workerFile = readdirSync(join(DEFAULT_DIST_DIR, 'assets')).find((f) => /^analysis\.worker-.*\.js$/.test(f));
  expect(workerFile).toBeDefined();
  await page.evaluate(({ file, reference }) => {
    const w = new Worker(`/assets/${file}`, { type: 'module', name: 'b3-worker' });
    const seen: unknown[] = [];
    (window as unknown as { b3: { w: Worker; seen: unknown[] } }).b3 = { w, seen };
    w.onmessage = (e) => seen.push(e.data);
    w.postMessage({ type: 'open', id: 1, source: { kind: 'registry', reference }, proxyBase: '/proxy', concurrency: 5 });
  }, { file: workerFile!, reference: `${reg.host}/b3/five:latest` });
  await expect.poll(() => reg.connectionsTo(digests).filter((c) => c.sent > 0).length, { timeout: 15_000 }).toBe(5);
  expect(reg.connectionsTo(digests).every((c) => !c.closedByClient && !c.finished)).toBe(true);
  await page.evaluate(() => (window as unknown as { b3: { w: Worker } }).b3.w.postMessage({ type: 'cancel', id: 2, target: 1 }));
  // The worker settles: the open request ends with one ABORTED error, and nothing is left loading.
  await expect.poll(() => page.evaluate(() => (window as unknown as { b3: { seen: { type: string; id: number; code?: string }[] } }).b3.seen
    .filter((m) => m.id === 1 && (m.type === 'error' || m.type === 'done')).map((m) => `${m.type}:${m.code ?? ''}`)), { timeout: 10_000 }).toEqual(['error:ABORTED']);
  // Every body was aborted: the proxy hung up on all 5 registry connections.
  await expect.poll(() => reg.connectionsTo(digests).filter((c) => c.closedByClient).length, { timeout: 10_000 }).toBe(5);
  expect(reg.connectionsTo(digests)).toHaveLength(5);
  await page.waitForTimeout(500);
  expect(reg.connectionsTo(digests), 'nothing was re-requested after the cancel').toHaveLength(5);
});

test('B3 closing the image in the UI closes every running layer download', async ({ page }) => {
  const layers = [11, 12, 13, 14, 15].map((i) => ({ ...noisyLayer(`g${i}.bin`, 2 * 1024 * 1024, i), stallAfter: 64 * 1024 }));
  reg.addImage('b3/ui', 'latest', layers);
  const digests = layers.map((l) => l.digest);
  await openImage(page, 'b3/ui:latest');
  await expect.poll(() => reg.connectionsTo(digests).filter((c) => c.sent > 0).length, { timeout: 15_000 }).toBe(3);
  await page.getByRole('button', { name: 'Close image' }).click();
  await expect.poll(() => reg.connectionsTo(digests).filter((c) => c.closedByClient).length, { timeout: 10_000 }).toBe(3);
  await page.waitForTimeout(500);
  expect(reg.connectionsTo(digests), 'the queued layers were never started').toHaveLength(3);
});

test('B4 a full IndexedDB quota is caught, the user is told, and the analysis completes without caching', async ({ page }) => {
  const small = gzipLayer([{ name: 'etc/small.txt', body: 'x' }]);
  const wide = gzipLayer(Array.from({ length: 20_000 }, (_, i) => ({ name: `many/file-${i}.txt`, body: '' })));
  reg.addImage('b4/quota', 'latest', [small, wide]);
  await page.goto(strata.url);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(strata.url).origin, quotaSize: 64 * 1024 });
  await openImage(page, 'b4/quota:latest');
  await waitForReady(page);
  await expect(page.locator('.cache-full')).toContainText('Browser storage is full');
  await expect(layerOption(page, 0)).toContainText('verified');
  await expect(layerOption(page, 1)).toContainText('verified');
  const titles = await page.locator('[id^=layer-option-] .status').evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
  expect(titles.some((t) => /browser storage is full/.test(t)), 'the layer whose put failed says why').toBe(true);
  await treeRow(page, '/many').click();
  await page.keyboard.press('ArrowRight');
  await expect(treeRow(page, '/many/file-0.txt')).toBeVisible();
  expect(await cachedKeys(page)).not.toContain(wide.digest);
});

test('B5 nothing caches a 206 or Vary: * response: only parsed indexes of verified layers are stored, by digest', async ({ page }) => {
  const plain = noisyLayer('plain.bin', 64 * 1024, 21);
  const resumed = { ...noisyLayer('resumed.bin', 8 * 1024 * 1024, 22), dropOnceAfter: 4 * 1024 * 1024 };
  const varyStar = { ...noisyLayer('vary.bin', 64 * 1024, 23), headers: { vary: '*' } };
  const good = noisyLayer('corrupt.bin', 64 * 1024, 24);
  const corrupt = { ...good, corruptBytes: flipByte(good.bytes!) };
  reg.addImage('b5/mixed', 'latest', [plain, resumed, varyStar, corrupt]);
  await openImage(page, 'b5/mixed:latest');
  await expect(page.locator('.overall')).toContainText('Ready: 4 layers, 1 failed', { timeout: 20_000 });
  const ranged = reg.connectionsTo([resumed.digest]).filter((c) => c.ranged);
  expect(ranged.length, 'the dropped layer was resumed with Range and answered 206').toBeGreaterThan(0);
  await expect(layerOption(page, 1)).toContainText('verified');
  await expect(layerOption(page, 2)).toContainText('verified');
  // No Cache API use at all (Cache.put would reject a 206 and Vary: *), no service worker to do it either.
  expect(await page.evaluate(() => caches.keys())).toEqual([]);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(0);
  // IndexedDB holds the parsed index of each verified layer under its digest — never the failed one.
  expect(await cachedKeys(page)).toEqual([plain.digest, resumed.digest, varyStar.digest].sort());
});

test('B6 an evicted cache entry is fetched again transparently; the others come from the cache', async ({ page }) => {
  const layers = [31, 32, 33].map((i) => noisyLayer(`h${i}.bin`, 32 * 1024, i));
  reg.addImage('b6/evict', 'latest', layers);
  await openImage(page, 'b6/evict:latest');
  await waitForReady(page);
  await expect.poll(() => cachedKeys(page)).toEqual(layers.map((l) => l.digest).sort());
  const gets = (d: string) => reg.connectionsTo([d]).length;
  expect(layers.map((l) => gets(l.digest))).toEqual([1, 1, 1]);
  // Evict one entry, as the browser would under storage pressure (best-effort storage, Safari's 7-day rule).
  await page.evaluate((key) => new Promise<void>((ok, fail) => {
    const req = indexedDB.open('strata-layer-cache', 1);
    req.onsuccess = () => {
      const tx = req.result.transaction('layers', 'readwrite');
      tx.objectStore('layers').delete(key);
      tx.oncomplete = () => { req.result.close(); ok(); };
      tx.onerror = () => fail(tx.error);
    };
  }), layers[1]!.digest);
  await page.reload();
  await waitForReady(page);
  await expect(layerOption(page, 0)).toContainText('cached');
  await expect(layerOption(page, 1)).toContainText('verified');
  await expect(layerOption(page, 2)).toContainText('cached');
  // Re-fetched: the evicted layer went through the pipeline again ('verified', not 'cached') — from the registry
  // or from the browser's HTTP cache, which may keep immutable digest blobs (S18); the others never left the cache.
  expect(layers.map((l) => gets(l.digest))[0]).toBe(1);
  expect(layers.map((l) => gets(l.digest))[2]).toBe(1);
  await expect.poll(() => cachedKeys(page)).toEqual(layers.map((l) => l.digest).sort());
});

test('B7 a second allowed origin reads WWW-Authenticate, Docker-Content-Digest and Content-Range only thanks to the expose list', async ({ page }) => {
  const layer = noisyLayer('b7.bin', 4096, 41);
  const manifestDigest = reg.addImage('b7/public', 'latest', [layer]);
  await page.goto(secondOrigin);
  const read = (proxy: string) => page.evaluate(async ({ proxy, host, digest }) => {
    const challenge = await fetch(`${proxy}/proxy/${host}/v2/b7/private/manifests/latest`);
    const manifest = await fetch(`${proxy}/proxy/${host}/v2/b7/public/manifests/latest`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const ranged = await fetch(`${proxy}/proxy/${host}/v2/b7/public/blobs/${digest}`, { headers: { range: 'bytes=100-' } });
    return {
      statuses: [challenge.status, manifest.status, ranged.status],
      wwwAuthenticate: challenge.headers.get('www-authenticate'),
      digest: manifest.headers.get('docker-content-digest'),
      contentRange: ranged.headers.get('content-range'),
    };
  }, { proxy, host: reg.host, digest: layer.digest });
  const exposed = await read(strata.url.replace(/\/$/, ''));
  expect(exposed.statuses).toEqual([401, 200, 206]);
  expect(exposed.wwwAuthenticate).toMatch(/^Bearer realm=/);
  expect(exposed.digest).toBe(manifestDigest);
  expect(exposed.contentRange).toBe(`bytes 100-${layer.size - 1}/${layer.size}`);
  // The same proxy without Access-Control-Expose-Headers: the requests succeed, but the page cannot read them.
  const hidden = await read(bareProxyUrl);
  expect(hidden.statuses).toEqual([401, 200, 206]);
  expect(hidden).toMatchObject({ wwwAuthenticate: null, digest: null, contentRange: null });
});

test('a layer with one corrupted byte is shown failed, never fine; the other layers and the tree stay usable', async ({ page }) => {
  const lower = gzipLayer([{ name: 'etc/lower.txt', body: 'below' }]);
  const good = gzipLayer([{ name: 'etc/middle.txt', body: 'middle' }]);
  const corrupt = { ...good, corruptBytes: flipByte(good.bytes!) };
  const upper = gzipLayer([{ name: 'etc/upper.txt', body: 'above' }]);
  reg.addImage('bad/image', 'latest', [lower, corrupt, upper]);
  await openImage(page, 'bad/image:latest');
  await expect(page.locator('.overall')).toContainText('Ready: 3 layers, 1 failed');
  await expect(layerOption(page, 1)).toContainText('failed ✗');
  await expect(layerOption(page, 1)).not.toContainText('verified');
  await expect(layerOption(page, 1)).toContainText(`layer digest mismatch: expected ${good.digest}`);
  await expect(layerOption(page, 1)).toContainText('DIGEST_MISMATCH');
  await expect(layerOption(page, 1)).toHaveClass(/failed/);
  await expect(layerOption(page, 0)).toContainText('verified');
  await expect(layerOption(page, 2)).toContainText('verified');
  await expectOtherLayersBrowsable(page, '/etc/middle.txt');
});

function flipByte(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes);
  const at = Math.floor(copy.length / 2);
  copy[at] = copy[at]! ^ 0xff;
  return copy;
}
