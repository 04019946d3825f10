// Page of the first-rows benchmark (browser main thread; bundled by bench/first-rows-bench.ts): opens an image
// through the app's worker bridge and times the first answer with rows of the Files tree's default view (the top
// level, as the app first shows it) — while the layer streams, and again when it reopens from the layer cache.
import type { TreeView } from '../src/protocol/messages.ts';
import { createWorkerBridge } from '../src/worker-client/worker-bridge.ts';

const bridge = createWorkerBridge({
  // Hashing stays on the worker thread (`?in-thread-hash`): this program times rows, and this bundle has no hash worker.
  createWorker: () => new Worker('/analysis.worker.js?in-thread-hash', { type: 'module', name: 'strata-analysis' }),
  idleMs: 3_600_000,
});

const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push(e.duration);
}).observe({ type: 'longtask', buffered: true });

const DEFAULT_VIEW: TreeView = { mode: 'merged', layer: 0, expanded: [], kinds: [], search: '', sort: 'name' };

export type FirstRowsTiming = {
  imageId: string;
  doneMs: number;
  firstByteMs: number | null;
  firstRowsMs: number;
  firstRowsTotal: number;
  /** the first rows came from a layer still streaming (entries shown so far) */
  firstRowsLoading: number | null;
  status: string;
  entries: number;
  longTasks: number[];
};

async function openImage(reference: string): Promise<FirstRowsTiming> {
  longTasks.splice(0);
  const t0 = performance.now();
  let firstByteMs: number | null = null;
  let status = '?';
  let entries = 0;
  let firstRows: { ms: number; total: number; loading: number | null } | undefined;
  let polling: Promise<void> | undefined;
  const poll = async (id: string): Promise<void> => {
    while (firstRows === undefined) {
      try {
        const r = await bridge.rows(id, DEFAULT_VIEW, 0, 100) as { total: number; loading?: { entries: number } };
        if (r.total > 0) firstRows = { ms: performance.now() - t0, total: r.total, loading: r.loading?.entries ?? null };
      } catch {
        // not open yet
      }
      if (firstRows === undefined) await new Promise((r) => setTimeout(r, 10));
    }
  };
  const id = await bridge.open({ kind: 'registry', reference }, {
    onImage: (info) => { polling = poll(info.imageId); },
    onLayer: (s) => {
      if (firstByteMs === null && s.compressedBytes > 0 && s.status === 'loading') firstByteMs = performance.now() - t0;
      status = s.status;
      entries = s.entries;
    },
    onMetrics: () => undefined,
  }, new AbortController().signal);
  const doneMs = performance.now() - t0;
  await polling;
  return { imageId: id, doneMs, firstByteMs, firstRowsMs: firstRows!.ms, firstRowsTotal: firstRows!.total, firstRowsLoading: firstRows!.loading, status, entries, longTasks: longTasks.splice(0) };
}

declare global {
  interface Window {
    firstRowsBench: { openImage: typeof openImage; close(id: string): void; clearCache(): Promise<void> };
  }
}

window.firstRowsBench = { openImage, close: (id) => bridge.close(id), clearCache: () => bridge.clearCache() };
document.title = 'first-rows-ready';
