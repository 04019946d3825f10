// The page-side bridge wired to the real request handler through a fake Worker (messages structured-cloned,
// ArrayBuffers transferred, as postMessage does): lazy start, ids, progress, cancel, errors, idle shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { webCodecs } from '../analysis/codecs/web-codecs.ts';
import { createAnalysisHandler } from '../analysis/worker/handler.ts';
import type { ImageInfo, LayerState, Metrics, Request } from '../protocol/messages.ts';
import { AnalysisError, createWorkerBridge, readPageMemory, type WorkerPort } from './worker-bridge.ts';

const dir = resolve(import.meta.dirname, '../../../shared/fixtures/dive');
const fixture = (name: string) => new File([readFileSync(`${dir}/${name}`)], name);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function workers() {
  const started: (WorkerPort & { requests: Request[]; terminated: boolean })[] = [];
  const createWorker = () => {
    const handler = createAnalysisHandler({
      codecs: webCodecs,
      post: (m, transfer) => {
        const data: unknown = structuredClone(m, transfer ? { transfer } : undefined);
        setTimeout(() => port.onmessage?.({ data } as MessageEvent), 0);
      },
    });
    const port = {
      requests: [] as Request[], terminated: false, onmessage: null, onerror: null,
      postMessage(req: Request) {
        port.requests.push(req);
        void handler.handle(req);
      },
      terminate() {
        port.terminated = true;
      },
    } as WorkerPort & { requests: Request[]; terminated: boolean };
    started.push(port);
    return port;
  };
  return { started, createWorker };
}

const handlers = () => {
  const seen = { image: [] as ImageInfo[], layers: [] as LayerState[], metrics: [] as Metrics[] };
  return { seen, on: { onImage: (i: ImageInfo) => void seen.image.push(i), onLayer: (s: LayerState) => void seen.layers.push(s), onMetrics: (m: Metrics) => void seen.metrics.push(m) } };
};

test('the worker starts on the first request; open resolves with the image id after image, layer and metrics events', async () => {
  const w = workers();
  const client = createWorkerBridge({ createWorker: w.createWorker });
  assert.equal(client.running, false);
  const h = handlers();
  const imageId = await client.open({ kind: 'file', file: fixture('test-docker-image.tar') }, h.on, new AbortController().signal);
  assert.equal(w.started.length, 1);
  assert.equal(h.seen.image[0]?.imageId, imageId);
  assert.equal(h.seen.layers.filter((s) => s.status === 'verified').length >= 14, true);
  assert.equal(h.seen.metrics[0]?.partial, false);
  const rows = await client.rows(imageId, { mode: 'merged', layer: 13, expanded: [], kinds: [], search: '', sort: 'name' }, 0, 3);
  assert.deepEqual(rows.rows.map((r) => r.path), ['/bin', '/dev', '/etc']);
  assert.equal(rows.partial, false);
  const file = await client.file(imageId, '/root/saved.txt', 13, 8);
  assert.ok(file.bytes instanceof Uint8Array);
  assert.deepEqual({ size: file.size, truncated: file.truncated, text: new TextDecoder().decode(file.bytes) }, { size: 6405, truncated: true, text: '# dive\n[' });
  assert.equal((await client.whiteouts(imageId, 9))[0]?.path, '/root/example');
  assert.equal(await client.clearCache(), undefined);
  client.dispose();
});

test('B2 each open carries what the page knows about memory, for the worker\'s entry budget', async () => {
  const w = workers();
  const client = createWorkerBridge({ createWorker: w.createWorker, readMemory: () => ({ jsHeapSizeLimit: 269_000_000, deviceMemoryGiB: 8 }) });
  await client.open({ kind: 'file', file: fixture('test-docker-image.tar') }, handlers().on, new AbortController().signal);
  const open = w.started[0]!.requests[0] as Extract<Request, { type: 'open' }>;
  assert.deepEqual(open.memory, { jsHeapSizeLimit: 269_000_000, deviceMemoryGiB: 8 });
  client.dispose();
  // Node has neither performance.memory nor navigator.deviceMemory: the default reader sends an empty report.
  assert.deepEqual(readPageMemory(), {});
});

test('worker errors reject with an AnalysisError carrying the code', async () => {
  const w = workers();
  const client = createWorkerBridge({ createWorker: w.createWorker });
  const e = await client.rows('image-404', { mode: 'merged', layer: 0, expanded: [], kinds: [], search: '', sort: 'name' }, 0, 10).catch((x: unknown) => x);
  assert.ok(e instanceof AnalysisError);
  assert.equal(e.code, 'IMAGE_UNKNOWN');
  client.dispose();
});

test('aborting an open sends cancel to the worker and rejects at once; an aborted signal sends nothing', async () => {
  const w = workers();
  const client = createWorkerBridge({ createWorker: w.createWorker });
  const ctl = new AbortController();
  const opening = client.open({ kind: 'file', file: fixture('test-docker-image.tar') }, handlers().on, ctl.signal);
  ctl.abort();
  const e = await opening.catch((x: unknown) => x);
  assert.equal((e as Error).name, 'AbortError');
  const port = w.started[0]!;
  assert.deepEqual(port.requests.map((r) => r.type), ['open', 'cancel']);
  assert.equal((port.requests[1] as Extract<Request, { type: 'cancel' }>).target, port.requests[0]!.id);
  const before = port.requests.length;
  const already = await client.whiteouts('image-1', 0, AbortSignal.abort()).catch((x: unknown) => x);
  assert.equal((already as Error).name, 'AbortError');
  assert.equal(port.requests.length, before);
  client.dispose();
});

test('the worker shuts down when idle with no open image, and stays up while one is open', async () => {
  const w = workers();
  const client = createWorkerBridge({ createWorker: w.createWorker, idleMs: 30 });
  const imageId = await client.open({ kind: 'file', file: fixture('test-oci-gzip-image.tar') }, handlers().on, new AbortController().signal);
  await sleep(80);
  assert.equal(w.started[0]!.terminated, false, 'an open image keeps the worker');
  client.close(imageId);
  await sleep(80);
  assert.equal(w.started[0]!.terminated, true);
  assert.equal(client.running, false);
  await client.open({ kind: 'file', file: fixture('test-oci-gzip-image.tar') }, handlers().on, new AbortController().signal);
  assert.equal(w.started.length, 2, 'a new request starts a new worker');
  client.dispose();
});

test('a crashed worker fails every pending request with WORKER_FAILED', async () => {
  const client = createWorkerBridge({
    createWorker: () => {
      const port: WorkerPort = { onmessage: null, onerror: null, postMessage: () => setTimeout(() => port.onerror?.({ message: 'boom' } as ErrorEvent), 0), terminate: () => undefined };
      return port;
    },
  });
  const e = await client.whiteouts('image-1', 0).catch((x: unknown) => x);
  assert.ok(e instanceof AnalysisError);
  assert.equal(e.code, 'WORKER_FAILED');
  assert.match(e.message, /boom/);
  assert.equal(client.running, false);
});
