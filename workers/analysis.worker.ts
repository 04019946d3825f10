// The analysis worker's entry (bundled by Vite from worker-bridge.ts): wires onmessage to the request handler with
// the browser codecs (hashing on nested hash workers) and the IndexedDB layer cache. Worker side; logic lives in src/analysis.
import { createWebCodecs } from '../src/analysis/codecs/web-codecs.ts';
import { createAnalysisHandler } from '../src/analysis/worker/handler.ts';
import { createIndexedDbLayerCache } from '../src/analysis/worker/layer-cache.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const handler = createAnalysisHandler({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  // Digest and diffId are hashed on hash workers (second core) while this thread inflates and walks the tar.
  // `?in-thread-hash` on the worker URL keeps them here: the benchmark's A/B switch (bench/bench-browser.ts --ab).
  codecs: new URL(scope.location.href).searchParams.has('in-thread-hash') ? createWebCodecs()
    : createWebCodecs({ createHashWorker: () => new Worker(new URL('./hash.worker.ts', import.meta.url), { type: 'module', name: 'strata-hash' }) }),
  cache: createIndexedDbLayerCache(),
  origin: scope.location.origin,
});

scope.onmessage = (event: MessageEvent<unknown>) => {
  void handler.handle(event.data);
};
