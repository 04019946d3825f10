// A hash worker (spawned by the analysis worker's codecs): SHA-256/512 of the layer streams it is sent, off the
// analysis thread. Worker side; the logic lives in src/analysis/codecs/hash-worker-protocol.ts.
import { createHashWorkerHandler, type HashRequest } from '../src/analysis/codecs/hash-worker-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const handle = createHashWorkerHandler((reply) => scope.postMessage(reply));

scope.onmessage = (event: MessageEvent<HashRequest>) => handle(event.data);
