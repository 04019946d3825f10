// Loads an image's layers N at a time (worker side): a cached index by digest when there is one, else the layer
// pipeline with throttled progress; verified layers are written to the cache afterwards. A full cache is reported
// once and caching stops for the image (hardening B4); any other cache failure only costs a re-download (B6).
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import type { Codecs } from '../codecs.ts';
import { ImageEntryBudget } from '../image-entry-budget.ts';
import { analyzeLayer, type LayerJob, type LayerLimits, type LayerProgress as PipelineProgress, type LayerResult } from '../layer-pipeline.ts';
import { defaultCheckpointStore, type CheckpointStore } from './checkpoint-store.ts';
import { isQuotaError, type LayerCache } from './layer-cache.ts';
import type { LayerProgress } from './layer-progress.ts';

export type LoadContext = {
  readonly codecs: Codecs;
  readonly cache: LayerCache | undefined;
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly limits?: LayerLimits | undefined;
  readonly progress: readonly LayerProgress[];
  /** sends the layer's current state */
  emit(index: number): void;
  /** a layer finished (verified, unverified, cached or failed) */
  finished(result: LayerResult): void;
  /** the live index of a layer still streaming (sent with progress), to show its rows while its bytes arrive */
  partial?(index: number, layer: LayerIndex): void;
  /** where a verified gzip layer's checkpoints go (default: the worker's store, as the file viewer reads it) */
  readonly checkpoints?: CheckpointStore | undefined;
};

export async function loadLayers(jobs: readonly LayerJob[], ctx: LoadContext): Promise<void> {
  let next = 0;
  const state = { cacheOn: ctx.cache !== undefined, budget: new ImageEntryBudget(ctx.limits), unfinished: new Set(jobs.map((j) => j.index)) };
  const run = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const r = await loadLayer(job, ctx, state);
      state.unfinished.delete(job.index);
      ctx.finished(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(ctx.concurrency, jobs.length)) }, run));
}

async function loadLayer(job: LayerJob, ctx: LoadContext, state: { cacheOn: boolean; budget: ImageEntryBudget; unfinished: Set<number> }): Promise<LayerResult> {
  const p = ctx.progress[job.index]!;
  const key: string | undefined = job.digest ?? job.diffId;
  if (state.cacheOn && ctx.cache && key !== undefined) {
    const hit = await ctx.cache.get(key).catch(() => undefined);
    ctx.signal.throwIfAborted();
    if (hit) {
      const { meta } = hit;
      const warnings = [...meta.warnings];
      if (job.diffId !== undefined && meta.diffId !== job.diffId) {
        warnings.push({ code: 'DIFF_ID_MISMATCH', message: `layer ${job.index}: diff_id mismatch — the config lists ${job.diffId} but the tar hashes to ${meta.diffId}` });
      }
      // A cached index costs the same memory as a fresh one: it is charged to the image budget too (B2).
      const cached = state.budget.settle({
        index: job.index, status: 'verified', layer: hit.layer, compression: meta.compression, digest: meta.digest as LayerResult['digest'],
        diffId: meta.diffId as LayerResult['diffId'], compressedBytes: meta.compressedBytes, uncompressedBytes: meta.uncompressedBytes, warnings,
      });
      p.finish({ status: cached.status === 'failed' ? 'failed' : 'cached', compressedBytes: meta.compressedBytes, uncompressedBytes: meta.uncompressedBytes, entries: hit.layer.count - 1, compression: meta.compression, error: cached.error, warnings });
      return cached;
    }
  }
  let compressed = 0;
  p.update(0);
  ctx.emit(job.index);
  const counted: LayerJob = {
    ...job,
    open: (signal) => (async function* () {
      for await (const chunk of job.open(signal)) {
        compressed += chunk.length;
        if (p.update(compressed)) ctx.emit(job.index);
        yield chunk;
      }
    })(),
  };
  const limits = state.budget.limitsFor();
  const analyzeOptions = {
    signal: ctx.signal, limits,
    onProgress: (pr: PipelineProgress) => {
      if (pr.index !== undefined) ctx.partial?.(job.index, pr.index);
      if (p.update(pr.compressedBytes, pr.uncompressedBytes, pr.entries)) ctx.emit(job.index);
    },
  };
  // layer-workers hook: the layer next in stacking order stays here (its live index shows rows while it streams);
  // the others go to a layer worker when one is free (src/analysis/layer-workers.ts).
  const remote = ctx.codecs.layerWorkers;
  const first = Math.min(...state.unfinished);
  const analyzed = remote !== undefined && job.index !== first && remote.available()
    ? await remote.analyze(counted, { ...analyzeOptions, fallback: () => { compressed = 0; return analyzeLayer(counted, ctx.codecs, analyzeOptions); } })
    : await analyzeLayer(counted, ctx.codecs, analyzeOptions);
  const { checkpoints, ...settled } = state.budget.settle(analyzed, limits);
  const r: LayerResult = settled;
  // Recorded while the layer streamed: stored by blob digest for the file viewer, then dropped (up to 16 MiB).
  if (checkpoints && r.status === 'verified' && job.digest !== undefined) {
    void (ctx.checkpoints ?? defaultCheckpointStore()).put(job.digest, checkpoints).catch(() => undefined);
  }
  p.finish({ status: r.status, compressedBytes: r.compressedBytes, uncompressedBytes: r.uncompressedBytes, entries: r.layer.count - 1, compression: r.compression, error: r.error, warnings: r.warnings });
  // Only digest-verified layers are stored (B5); 'unverified' ones have nothing to key a later hit on safely.
  if (r.status === 'verified' && state.cacheOn && ctx.cache && key !== undefined) {
    try {
      await ctx.cache.put(key, { layer: r.layer, meta: { compression: r.compression, digest: r.digest, diffId: r.diffId, compressedBytes: r.compressedBytes, uncompressedBytes: r.uncompressedBytes, warnings: r.warnings } });
    } catch (e) {
      if (isQuotaError(e)) {
        state.cacheOn = false;
        p.warn('CACHE_FULL', 'browser storage is full: this layer index was not cached and caching is off for this image; it will be downloaded again next time (clear the cache to make room)');
      } else {
        p.warn('CACHE_FAILED', `this layer index could not be cached (${(e as Error).message}); it will be downloaded again next time`);
      }
    }
  }
  return r;
}
