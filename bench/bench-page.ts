// The benchmark page (browser main thread; bundled by esbuild in bench/bench-browser.ts): drives the app's real
// analysis worker through the app's worker bridge and exposes timing calls on window.strataBench for playwright.
// Main-thread long tasks are collected with a PerformanceObserver for the whole life of the page.
import type { LayerState, TreeView } from '../src/protocol/messages.ts';
import { createWorkerBridge } from '../src/worker-client/worker-bridge.ts';

const bridge = createWorkerBridge({
  // The page's own `?in-thread-hash` passes on to the worker (the A/B run without hash workers).
  createWorker: () => new Worker(`/analysis.worker.js${location.search.includes('in-thread-hash') ? '?in-thread-hash' : ''}`, { type: 'module', name: 'strata-analysis' }),
  idleMs: 3_600_000,
});

const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push(e.duration);
}).observe({ type: 'longtask', buffered: true });

const VIEW: TreeView = { mode: 'merged', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'name' };
/** What the Files tree asks for first when it opens an image (the bench images have one layer: the top is 0). */
const APP_VIEW: TreeView = { ...VIEW, expanded: [] };

export type OpenTiming = {
  imageId: string;
  /** open() to the 'done' message */
  doneMs: number;
  /** open() to the first progress event that reports downloaded bytes (undefined for a cached open) */
  firstByteMs: number | undefined;
  /** open() to the first rows answer with total > 0 */
  firstRowsMs: number;
  rowsTotal: number;
  layers: LayerState[];
};

/** Opens `reference` and times the first rows of `view`: 'all' = everything expanded, 'app' = the app's first view. */
async function openImage(reference: string, view: 'all' | 'app' = 'all'): Promise<OpenTiming> {
  const polled = view === 'app' ? APP_VIEW : VIEW;
  const t0 = performance.now();
  let firstByteMs: number | undefined;
  let imageId: string | undefined;
  const layers: LayerState[] = [];
  let firstRows: { ms: number; total: number } | undefined;
  let polling: Promise<void> | undefined;
  const poll = async (id: string): Promise<void> => {
    while (firstRows === undefined) {
      try {
        const r = await bridge.rows(id, polled, 0, 100);
        if (r.total > 0) firstRows = { ms: performance.now() - t0, total: r.total };
      } catch {
        // rows before the image is registered; try again
      }
      if (firstRows === undefined) await new Promise((r) => setTimeout(r, 10));
    }
  };
  const id = await bridge.open({ kind: 'registry', reference }, {
    onImage: (info) => {
      imageId = info.imageId;
      polling = poll(info.imageId);
    },
    onLayer: (state) => {
      if (firstByteMs === undefined && state.compressedBytes > 0 && state.status === 'loading') firstByteMs = performance.now() - t0;
      layers[state.index] = state;
    },
    onMetrics: () => undefined,
  }, new AbortController().signal);
  const doneMs = performance.now() - t0;
  await polling;
  return { imageId: imageId ?? id, doneMs, firstByteMs, firstRowsMs: firstRows!.ms, rowsTotal: firstRows!.total, layers };
}

/** The first window (computes the view) and then `n` 100-row windows at spread-out starts, each timed round trip. */
async function rowWindows(imageId: string, n: number): Promise<{ firstMs: number; total: number; ms: number[] }> {
  const t0 = performance.now();
  const first = await bridge.rows(imageId, VIEW, 0, 100);
  const firstMs = performance.now() - t0;
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = Math.floor(((i * 7919 * 104729) % 1_000_003) / 1_000_003 * Math.max(1, first.total - 100));
    const t = performance.now();
    const r = await bridge.rows(imageId, VIEW, start, 100);
    ms.push(performance.now() - t);
    if (r.rows.length !== Math.min(100, first.total - start)) throw new Error(`window at ${start} has ${r.rows.length} rows`);
  }
  return { firstMs, total: first.total, ms };
}

/** Reads one file through the worker's `file` request; returns its size and the time taken. */
async function readFile(imageId: string, path: string): Promise<{ ms: number; size: number; bytes: number }> {
  const t = performance.now();
  const f = await bridge.file(imageId, path, 0, 64 * 1024 * 1024);
  return { ms: performance.now() - t, size: f.size, bytes: f.bytes.byteLength };
}

/** Regular files of the merged view with 0 < size < maxSize, `n` of them spread evenly over the listing. */
async function listFiles(imageId: string, n: number, maxSize: number): Promise<{ path: string; size: number }[]> {
  const all: { path: string; size: number }[] = [];
  const first = await bridge.rows(imageId, VIEW, 0, 1000);
  for (let start = 0; start < first.total; start += 1000) {
    const r = start === 0 ? first : await bridge.rows(imageId, VIEW, start, 1000);
    for (const row of r.rows) if (row.type === 'file' && row.size > 0 && row.size < maxSize) all.push({ path: row.path, size: row.size });
  }
  const step = Math.max(1, Math.floor(all.length / n));
  return all.filter((_, i) => i % step === Math.floor(step / 2)).slice(0, n);
}

declare global {
  interface Window {
    strataBench: {
      openImage: typeof openImage;
      rowWindows: typeof rowWindows;
      readFile: typeof readFile;
      listFiles: typeof listFiles;
      close(imageId: string): void;
      clearCache(): Promise<void>;
      takeLongTasks(): number[];
    };
  }
}

window.strataBench = {
  openImage, rowWindows, readFile, listFiles,
  close: (imageId) => bridge.close(imageId),
  clearCache: () => bridge.clearCache(),
  takeLongTasks: () => longTasks.splice(0),
};
document.title = 'strata-bench-ready';
