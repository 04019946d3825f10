// A pool of layer workers (analysis worker side): a layer's inflate, tar walk and hashes run on another core while
// this thread keeps fetching its blob (auth, Range resume) and sends the bytes over as acknowledged chunk batches
// (bounded in flight). Results come back with the index encoded; failures keep the in-thread pipeline's shapes, a
// crashed worker fails only its layers (LAYER_WORKER_FAILED) and is replaced by the next one spawned.
import { deserializeLayerIndex } from '../core/layers/layer-index-codec.ts';
import { LayerIndexBuilder } from '../core/layers/layer-index-builder.ts';
import { digestAlgorithm, formatDigest, type DiffId } from '../core/oci/digest.ts';
import { LayerError } from './layer-error.ts';
import type { LayerJob, LayerLimits, LayerProgress, LayerResult } from './layer-pipeline.ts';
import type { LayerWorkerReply, LayerWorkerRequest } from './layer-worker-protocol.ts';
import { NestedWorkerSlots, type NestedWorker, type WorkerSlot } from './nested-worker.ts';

/** What the pool needs of a Worker (tests pass a fake over a MessageChannel). */
export type LayerPort = NestedWorker;

/** A batch of fetched chunks is posted once it holds this many bytes (or the fetch pauses at the end). */
export const LAYER_BATCH_BYTES = 256 * 1024;
/** Fetching waits while more than this many bytes are posted to a layer worker but not yet read by its pipeline. */
export const LAYER_MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;

export type RemoteAnalyzeOptions = {
  signal: AbortSignal; limits?: LayerLimits | undefined; onProgress?: (p: LayerProgress) => void;
  /** runs the layer on this thread instead, when its worker could not start (no reply before it failed) */
  fallback?: () => Promise<LayerResult>;
};

/** Layers on other threads, as the load loop sees them (src/analysis/worker/load-layers.ts). */
export type LayerWorkers = {
  /** true when a worker can take a layer now (one is idle, or another can be started) */
  available(): boolean;
  analyze(job: LayerJob, options: RemoteAnalyzeOptions): Promise<LayerResult>;
  terminate(): void;
};

/**
 * The default pool size for a machine: none on 2 cores or fewer (measured, bench/layer-workers-bench.ts: a layer on a
 * layer worker hashes in its own thread, while the hash workers already give the analysis thread's layer the second
 * core — the remote path was not faster there); else one core stays with the analysis thread, at most 3 workers.
 */
export function layerWorkersFor(hardwareConcurrency: number | undefined): number {
  const cores = hardwareConcurrency ?? 2;
  return cores <= 2 ? 0 : Math.min(cores - 1, 3);
}

type Run = { receive(reply: LayerWorkerReply): void; crash(why: string, started: boolean): void };
type Slot = WorkerSlot<Run>;

export class LayerWorkerPool implements LayerWorkers {
  private readonly workers: NestedWorkerSlots<Run, LayerWorkerReply>;
  private nextId = 1;
  private disabled = false;

  constructor(create: () => LayerPort, size: number) {
    this.workers = new NestedWorkerSlots(create, size, (run, reply) => run.receive(reply), (runs, why, started) => {
      // A worker that failed before it ever answered did not load (no nested module workers): stop using the pool.
      if (!started) this.disabled = true;
      for (const r of runs) r.crash(why, started);
    });
  }

  available(): boolean {
    if (this.disabled || this.workers.size < 1) return false;
    if (this.workers.hasIdle()) return true;
    if (!this.workers.canGrow()) return false;
    try {
      this.workers.spawn();
      return true;
    } catch {
      // No nested workers here (the constructor throws): every layer runs on the analysis thread, as before.
      this.disabled = true;
      return false;
    }
  }

  terminate(): void {
    this.workers.terminate('the layer worker was stopped');
  }

  analyze(job: LayerJob, options: RemoteAnalyzeOptions): Promise<LayerResult> {
    return this.run(this.workers.pick(), this.nextId++, job, options);
  }

  private run(slot: Slot, id: number, job: LayerJob, options: RemoteAnalyzeOptions): Promise<LayerResult> {
    const { signal } = options;
    const send = (m: LayerWorkerRequest, transfer: Transferable[] = []) => { if (!slot.failed) slot.port.postMessage(m, transfer); };
    const local = new AbortController();
    let inFlight = 0;
    let resume: (() => void) | undefined;
    const wakeFetch = () => {
      const r = resume;
      resume = undefined;
      r?.();
    };
    return new Promise<LayerResult>((resolve, reject) => {
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        slot.jobs.delete(id);
        signal.removeEventListener('abort', onAbort);
        local.abort(new LayerError('ABORTED', 'cancelled'));
        wakeFetch();
        f();
      };
      const onAbort = () => {
        send({ op: 'abort', id });
        settle(() => reject(signal.reason instanceof Error ? signal.reason : new LayerError('ABORTED', 'cancelled')));
      };
      slot.jobs.set(id, {
        receive: (reply) => {
          if (reply.op === 'ack') {
            inFlight -= reply.bytes;
            if (inFlight <= LAYER_MAX_IN_FLIGHT_BYTES / 2) wakeFetch();
          } else if (reply.op === 'progress') {
            options.onProgress?.({ layer: job.index, compressedBytes: reply.compressedBytes, uncompressedBytes: reply.uncompressedBytes, entries: reply.entries });
          } else if (reply.op === 'close') {
            local.abort(new LayerError('ABORTED', 'closed by the layer worker'));
            wakeFetch();
          } else if (reply.op === 'done') {
            const ix = deserializeLayerIndex(reply.index);
            settle(() => resolve(ix.ok ? { ...reply.result, layer: ix.value }
              : crashed(job, `its index could not be decoded (${ix.error.message})`)));
          } else {
            const reason = Object.assign(new Error(reply.message), reply.code !== undefined ? { code: reply.code } : {});
            settle(() => reject(signal.aborted && signal.reason instanceof Error ? signal.reason : reason));
          }
        },
        crash: (why, started) => settle(() => {
          if (!started && options.fallback && !signal.aborted) options.fallback().then(resolve, reject);
          else resolve(crashed(job, why));
        }),
      });
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      send({ op: 'start', id, job: { index: job.index, mediaType: job.mediaType, digest: job.digest, size: job.size, diffId: job.diffId }, limits: options.limits });
      void pump();
    });

    async function pump(): Promise<void> {
      const fetchSignal = AbortSignal.any([signal, local.signal]);
      let batch: Uint8Array[] = [];
      let batchBytes = 0;
      const flush = () => {
        if (batch.length === 0) return;
        const transfer = batch.map((c) => c.buffer as ArrayBuffer);
        inFlight += batchBytes;
        send({ op: 'chunks', id, chunks: batch }, transfer);
        batch = [];
        batchBytes = 0;
      };
      try {
        for await (const chunk of job.open(fetchSignal)) {
          if (local.signal.aborted) break;
          if (chunk.byteLength === 0) continue;
          // A chunk that owns its whole buffer is transferred; one that views part of a buffer is copied first.
          const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength && chunk.buffer instanceof ArrayBuffer;
          batch.push(owned && !batch.some((c) => c.buffer === chunk.buffer) ? chunk : new Uint8Array(chunk));
          batchBytes += chunk.byteLength;
          if (batchBytes >= LAYER_BATCH_BYTES) flush();
          if (inFlight > LAYER_MAX_IN_FLIGHT_BYTES) await new Promise<void>((r) => { resume = r; });
        }
        if (local.signal.aborted) return;
        flush();
        send({ op: 'end', id });
      } catch (e) {
        if (local.signal.aborted || signal.aborted) return;
        flush();
        const err = e as { code?: unknown; message?: unknown };
        send({ op: 'fail', id, code: typeof err.code === 'string' ? err.code : undefined, message: String(err.message ?? e) });
      }
    }
  }
}

/** The failed result of a layer whose worker died: no entries are shown, the message says what happened. */
function crashed(job: LayerJob, why: string): LayerResult {
  const algorithm = job.digest ? digestAlgorithm(job.digest) : 'sha256';
  return {
    index: job.index, status: 'failed', layer: new LayerIndexBuilder(undefined).finish(0), compression: 'none',
    digest: job.digest ?? formatDigest(algorithm, ''), diffId: '' as DiffId, compressedBytes: 0, uncompressedBytes: 0, warnings: [],
    error: { code: 'LAYER_WORKER_FAILED', message: `layer ${job.index}: the layer worker failed: ${why}; open the image again` },
  };
}
