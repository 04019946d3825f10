// A layer worker (spawned by the analysis worker): runs one or more layers' pipelines — inflate, tar walk, digest and
// diffId hashing all in this thread — on the blob bytes the analysis worker sends. Worker side; the logic lives in
// src/analysis/layer-worker-protocol.ts.
import { webCodecs } from '../src/analysis/codecs/web-codecs.ts';
import { createLayerWorkerHandler, type LayerWorkerRequest } from '../src/analysis/layer-worker-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createLayerWorkerHandler(webCodecs, (reply, transfer) => scope.postMessage(reply, transfer ?? []));

scope.onmessage = (event: MessageEvent<LayerWorkerRequest>) => handle(event.data);
