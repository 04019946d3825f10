// Analyses a resolved image: runs the layer pipeline over every layer (N at a time), stacks the verified
// ones into the union tree and computes dive's metrics and Strata's reclaimable bytes. Shared shell.
import { alignHistory, type HistoryAlignment } from '../core/oci/config.ts';
import { computeMetrics, type ImageMetrics } from '../core/tree/efficiency.ts';
import type { UnionTree } from '../core/tree/union-tree.ts';
import type { LayerIndex } from '../core/layers/layer-index.ts';
import type { Codecs } from './codecs.ts';
import { ImageEntryBudget } from './image-entry-budget.ts';
import { analyzeLayer, type LayerLimits, type LayerProgress, type LayerResult } from './layer-pipeline.ts';
import type { ResolvedImage } from './sources/layout-image.ts';

export type ImageAnalysis = {
  readonly image: ResolvedImage;
  readonly layers: readonly LayerResult[];
  readonly history: HistoryAlignment;
  readonly metrics: ImageMetrics;
  /** the union of every verified layer; failed layers are left out and make the image partial */
  readonly tree: UnionTree;
  /** positions in `layers` of the layer indexes stacked in `tree` (tree layer i = layers[stacked[i]]) */
  readonly stacked: readonly number[];
  readonly partial: boolean;
};

export async function analyzeImage(image: ResolvedImage, codecs: Codecs, options: { signal: AbortSignal; concurrency?: number; limits?: LayerLimits; onProgress?: (p: LayerProgress) => void; onLayerDone?: (r: LayerResult) => void }): Promise<ImageAnalysis> {
  const results: LayerResult[] = new Array<LayerResult>(image.layers.length);
  let next = 0;
  const budget = new ImageEntryBudget(options.limits);
  const worker = async () => {
    while (next < image.layers.length) {
      const job = image.layers[next++]!;
      const limits = budget.limitsFor();
      const r = budget.settle(await analyzeLayer(job, codecs, { signal: options.signal, limits, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }), limits);
      results[job.index] = r;
      options.onLayerDone?.(r);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 3, image.layers.length)) }, worker));
  const stacked: number[] = [];
  const indexes: LayerIndex[] = [];
  results.forEach((r, i) => {
    if (r.status !== 'failed') {
      stacked.push(i);
      indexes.push(r.layer);
    }
  });
  const { metrics, tree } = computeMetrics(indexes);
  return { image, layers: results, history: alignHistory(image.config.history, image.layers.length), metrics, tree, stacked, partial: stacked.length !== results.length };
}
