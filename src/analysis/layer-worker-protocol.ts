// Messages between the analysis worker and its layer workers (both worker side), and the layer worker's handler:
// the analysis worker fetches a layer blob and sends its bytes as acknowledged chunk batches; the layer worker runs
// the layer pipeline on them (hashing in its own thread) and answers with progress and the result, index encoded.
import { serializeLayerIndex } from '../core/layers/layer-index-codec.ts';
import type { DiffId, Digest } from '../core/oci/digest.ts';
import type { Codecs } from './codecs.ts';
import { analyzeLayer, type LayerLimits, type LayerResult } from './layer-pipeline.ts';

/** A LayerJob without its byte source (the bytes follow as `chunks`). */
export type RemoteJob = {
  readonly index: number; readonly mediaType: string; readonly digest: Digest | undefined; readonly size: number | undefined; readonly diffId: DiffId | undefined;
};

export type LayerWorkerRequest =
  | { readonly op: 'start'; readonly id: number; readonly job: RemoteJob; readonly limits: LayerLimits | undefined }
  | { readonly op: 'chunks'; readonly id: number; readonly chunks: readonly Uint8Array[] }
  | { readonly op: 'end'; readonly id: number }
  /** the blob's source failed (network, registry): the pipeline sees this error where it reads the next bytes */
  | { readonly op: 'fail'; readonly id: number; readonly code: string | undefined; readonly message: string }
  | { readonly op: 'abort'; readonly id: number };

export type LayerWorkerReply =
  | { readonly op: 'ack'; readonly id: number; readonly bytes: number }
  | { readonly op: 'progress'; readonly id: number; readonly compressedBytes: number; readonly uncompressedBytes: number; readonly entries: number }
  /** the pipeline stopped reading the source early: the sender stops fetching */
  | { readonly op: 'close'; readonly id: number }
  | { readonly op: 'done'; readonly id: number; readonly result: Omit<LayerResult, 'layer'>; readonly index: ArrayBuffer }
  /** analyzeLayer threw (an abort, or a bug) */
  | { readonly op: 'error'; readonly id: number; readonly code: string | undefined; readonly message: string };

type Source = {
  readonly queue: Uint8Array[];
  ended: boolean;
  failure: Error | undefined;
  wake: (() => void) | undefined;
  readonly controller: AbortController;
};

/** The layer worker's side: one pipeline per id; replies go through `post` (with the buffers to transfer). */
export function createLayerWorkerHandler(codecs: Codecs, post: (reply: LayerWorkerReply, transfer?: Transferable[]) => void): (request: LayerWorkerRequest) => void {
  const runs = new Map<number, Source>();
  const wake = (s: Source) => {
    const w = s.wake;
    s.wake = undefined;
    w?.();
  };
  return (request) => {
    const { id } = request;
    if (request.op === 'start') {
      const source: Source = { queue: [], ended: false, failure: undefined, wake: undefined, controller: new AbortController() };
      runs.set(id, source);
      void run(id, request.job, request.limits, source);
      return;
    }
    const s = runs.get(id);
    if (!s) return;
    if (request.op === 'chunks') s.queue.push(...request.chunks);
    else if (request.op === 'end') s.ended = true;
    else if (request.op === 'fail') s.failure = Object.assign(new Error(request.message), request.code !== undefined ? { code: request.code } : {});
    else {
      runs.delete(id);
      // the waiting pipeline wakes below and sees the abort
      s.controller.abort(Object.assign(new Error('cancelled'), { code: 'ABORTED' }));
    }
    wake(s);
  };

  async function run(id: number, job: RemoteJob, limits: LayerLimits | undefined, s: Source): Promise<void> {
    const { signal } = s.controller;
    let failed = false;
    const next = async (): Promise<IteratorResult<Uint8Array>> => {
      for (;;) {
        signal.throwIfAborted();
        const chunk = s.queue.shift();
        if (chunk) {
          post({ op: 'ack', id, bytes: chunk.byteLength });
          return { done: false, value: chunk };
        }
        // Like an async generator that threw: the error once, then done.
        if (s.failure && !failed) {
          failed = true;
          throw s.failure;
        }
        if (s.ended || failed) return { done: true, value: undefined };
        await new Promise<void>((resolve) => { s.wake = resolve; });
      }
    };
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next,
        return: async () => {
          if (!s.ended && !failed) post({ op: 'close', id });
          s.ended = true;
          s.queue.length = 0;
          return { done: true, value: undefined };
        },
      }),
    };
    try {
      const result = await analyzeLayer({ ...job, open: () => source }, codecs, {
        signal, ...(limits ? { limits } : {}),
        onProgress: (p) => post({ op: 'progress', id, compressedBytes: p.compressedBytes, uncompressedBytes: p.uncompressedBytes, entries: p.entries }),
      });
      const { layer, ...rest } = result;
      const index = serializeLayerIndex(layer);
      // The gzip checkpoints' windows (one buffer each) move with the index, not copied.
      const windows = rest.checkpoints?.checkpoints.map((c) => c.window.buffer as ArrayBuffer) ?? [];
      if (runs.get(id) === s) post({ op: 'done', id, result: rest, index }, [index, ...windows]);
    } catch (e) {
      const err = e as { code?: unknown; message?: unknown };
      if (runs.get(id) === s) post({ op: 'error', id, code: typeof err.code === 'string' ? err.code : undefined, message: String(err.message ?? e) });
    } finally {
      if (runs.get(id) === s) runs.delete(id);
    }
  }
}
