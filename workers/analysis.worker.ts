// The analysis worker's entry (bundled by Vite from worker-bridge.ts): wires onmessage to the request handler
// with the browser codecs and the IndexedDB layer cache. Worker side; all logic lives in src/analysis/worker.
import { webCodecs } from '../src/analysis/codecs/web-codecs.ts';
import { createAnalysisHandler } from '../src/analysis/worker/handler.ts';
import { createIndexedDbLayerCache } from '../src/analysis/worker/layer-cache.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const handler = createAnalysisHandler({
  post: (message, transfer) => scope.postMessage(message, transfer ?? []),
  codecs: webCodecs,
  cache: createIndexedDbLayerCache(),
  origin: scope.location.origin,
});

scope.onmessage = (event: MessageEvent<unknown>) => {
  void handler.handle(event.data);
};
