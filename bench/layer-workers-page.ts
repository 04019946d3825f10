// Page of the layer-workers benchmark (browser main thread; bundled by bench/layer-workers-bench.ts): opens an image
// through the app's worker bridge with the page's own query (`?layer-workers=N`) passed on to the analysis worker,
// and times the open until the image's metrics arrive.
import { createWorkerBridge } from '../src/worker-client/worker-bridge.ts';

const bridge = createWorkerBridge({
  createWorker: () => new Worker(`/analysis.worker.js${location.search}`, { type: 'module', name: 'strata-analysis' }),
  idleMs: 3_600_000,
});

export type LayerWorkersTiming = { imageId: string; doneMs: number; statuses: string[]; entries: number[] };

async function openImage(reference: string): Promise<LayerWorkersTiming> {
  const t0 = performance.now();
  const statuses: string[] = [];
  const entries: number[] = [];
  const id = await bridge.open({ kind: 'registry', reference }, {
    onImage: () => undefined,
    onLayer: (s) => { statuses[s.index] = s.error ? `${s.status} ${s.error.code}: ${s.error.message}` : s.status; entries[s.index] = s.entries; },
    onMetrics: () => undefined,
  }, new AbortController().signal);
  return { imageId: id, doneMs: performance.now() - t0, statuses, entries };
}

declare global {
  interface Window {
    layerWorkersBench: { openImage: typeof openImage; close(id: string): void; clearCache(): Promise<void> };
  }
}

window.layerWorkersBench = { openImage, close: (id) => bridge.close(id), clearCache: () => bridge.clearCache() };
document.title = 'layer-workers-ready';
