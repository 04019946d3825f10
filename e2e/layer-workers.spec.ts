// The layer-worker pool in Chromium: the built analysis worker, started with `?layer-workers=2`, analyses the demo
// image's layers on nested layer workers (all but the next one to stack) and reports exactly what the same worker
// reports with the pool off. The app's default is 0 layer workers on 2 cores (measured slower there; README).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DIST_DIR } from '../server/serve.ts';
import { expect, test } from './journey.ts';

type Seen = { type: string; id: number; state?: { index: number; status: string; entries: number }; metrics?: unknown; rows?: unknown[]; code?: string; message?: string };

async function analyse(page: import('@playwright/test').Page, file: string, layerWorkers: number): Promise<{ statuses: string[]; entries: number[]; metrics: unknown; rows: unknown[] }> {
  return page.evaluate(async ({ url }) => {
    const w = new Worker(url, { type: 'module', name: 'layer-workers-probe' });
    const seen: Seen[] = [];
    const done = new Promise<void>((resolve, reject) => {
      w.onmessage = (e: MessageEvent<Seen>) => {
        seen.push(e.data);
        if (e.data.id === 1 && e.data.type === 'error') reject(new Error(`${e.data.code ?? ''}: ${e.data.message ?? ''}`));
        if (e.data.id === 1 && e.data.type === 'metrics') resolve();
      };
    });
    // Empty the layer cache first, so every layer is really analysed (a cached layer skips the pool).
    w.postMessage({ type: 'clearCache', id: 9 });
    w.postMessage({ type: 'open', id: 1, source: { kind: 'registry', reference: `${location.host}/demo/layers:latest` }, proxyBase: '/proxy', concurrency: 3 });
    await done;
    const imageId = (seen.find((m) => m.type === 'layer') as unknown as { imageId: string }).imageId;
    const rows = new Promise<unknown[]>((resolve) => {
      w.addEventListener('message', (e: MessageEvent<Seen>) => { if (e.data.id === 2) resolve(e.data.rows ?? []); });
    });
    w.postMessage({ type: 'rows', id: 2, imageId, view: { layer: 3, mode: 'merged', expanded: ['*'], kinds: [], search: '', sort: 'name' }, start: 0, count: 200 });
    const firstRows = await rows;
    w.terminate();
    const last = new Map<number, { status: string; entries: number }>();
    for (const m of seen) if (m.type === 'layer' && m.state) last.set(m.state.index, m.state);
    const layers = [...last.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => s);
    return { statuses: layers.map((s) => s.status), entries: layers.map((s) => s.entries), metrics: seen.find((m) => m.type === 'metrics')?.metrics, rows: firstRows };
  }, { url: `/assets/${file}?layer-workers=${layerWorkers}` });
}

test('layers analysed on layer workers give the same layers, rows and metrics as the analysis thread alone', async ({ page }) => {
  const file = readdirSync(join(DEFAULT_DIST_DIR, 'assets')).find((f) => /^analysis\.worker-.*\.js$/.test(f));
  expect(file).toBeDefined();
  await page.goto('/');
  const started: string[] = [];
  page.on('worker', (w) => started.push(w.url()));
  const pooled = await analyse(page, file!, 2);
  expect(started.some((u) => /layer\.worker-.*\.js/.test(u)), `layer workers started: ${started.join(', ')}`).toBe(true);
  const alone = await analyse(page, file!, 0);
  expect(pooled.statuses.length).toBeGreaterThan(2);
  expect(pooled.statuses.every((s) => s === 'verified'), pooled.statuses.join(', ')).toBe(true);
  expect(pooled.statuses).toEqual(alone.statuses);
  expect(pooled.entries).toEqual(alone.entries);
  expect(pooled.metrics).toEqual(alone.metrics);
  expect(pooled.rows.length).toBeGreaterThan(0);
  expect(pooled.rows).toEqual(alone.rows);
});
