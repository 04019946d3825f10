// The analysis worker's entry (bundled by Vite from worker-bridge.ts): wires onmessage to the request handler with
// the browser codecs (hashing on nested hash workers) and the IndexedDB layer cache. Worker side; logic lives in src/analysis.
import type { Codecs } from '../src/analysis/codecs.ts';
import { createWebCodecs } from '../src/analysis/codecs/web-codecs.ts';
import { LayerWorkerPool, layerWorkersFor } from '../src/analysis/layer-workers.ts';
import { createAnalysisHandler } from '../src/analysis/worker/handler.ts';
import { createIndexedDbLayerCache } from '../src/analysis/worker/layer-cache.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

// layer-workers hook: layers other than the next one to stack run on layer workers (other cores). The pool size is
// `?layer-workers=N` on the worker URL, else layerWorkersFor(cores) (0 on 2 cores); 0 keeps every layer on this thread.
function withLayerWorkers(codecs: Codecs): Codecs {
  const asked = new URL(scope.location.href).searchParams.get('layer-workers');
  const size = asked !== null && /^\d+$/.test(asked) ? Number(asked) : layerWorkersFor(scope.navigator.hardwareConcurrency);
  if (size < 1) return codecs;
  const pool = new LayerWorkerPool(() => new Worker(new URL('./layer.worker.ts', import.meta.url), { type: 'module', name: 'strata-layer' }), size);
  return { ...codecs, layerWorkers: pool };
}

const handler = createAnalysisHandler({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  // Digest and diffId are hashed on hash workers (second core) while this thread inflates and walks the tar.
  // `?in-thread-hash` on the worker URL keeps them here: the benchmark's A/B switch (bench/bench-browser.ts --ab).
  codecs: withLayerWorkers(new URL(scope.location.href).searchParams.has('in-thread-hash') ? createWebCodecs()
    : createWebCodecs({ createHashWorker: () => new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'strata-hash' }) })),
  cache: createIndexedDbLayerCache(),
  origin: scope.location.origin,
});

scope.onmessage = (event: MessageEvent<unknown>) => {
  void handler.handle(event.data);
};
