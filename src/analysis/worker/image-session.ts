// One open image in the worker: its resolved source, per-layer progress, the incremental stack, cached row
// views, and the requests answered from them (rows, whiteouts, file contents, metrics). Worker side.
import { computeMetricsOfTree } from '../../core/tree/efficiency.ts';
import { err, ok, type Result } from '../../core/result.ts';
import type { LayerState, Metrics, TreeView, WhiteoutRow } from '../../protocol/messages.ts';
import type { Codecs } from '../codecs.ts';
import type { LayerLimits, LayerResult } from '../layer-pipeline.ts';
import { answerFromPreview, createPreview, PREVIEW_ROWS, previewView, readPreview, type FirstPagePreview } from './first-page-preview.ts';
import { hasDuplicate, isSparse, locateFile, readLayerFile, type ExtractedFile } from './extract-file.ts';
import type { OpenedImage } from './file-source.ts';
import { stackKeyOf, type LayerCache } from './layer-cache.ts';
import { LayerProgress } from './layer-progress.ts';
import { LayerStack } from './layer-stack.ts';
import { loadLayers } from './load-layers.ts';
import { TreeViews, type RowsAnswer } from './tree-views.ts';
import { reportWhiteouts } from './whiteout-report.ts';

export const MAX_LISTED_PATHS = 1000;
/** How long a reopen waits for the stored preview before reading the tree and the layers without it. */
const PREVIEW_WAIT_MS = 250;

/** The value of `p`, or undefined once `ms` have passed. */
function firstOf<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export type LoadOptions = {
  readonly codecs: Codecs;
  readonly cache: LayerCache | undefined;
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly limits?: LayerLimits | undefined;
  readonly now: () => number;
  readonly onLayer: (state: LayerState) => void;
};

export class ImageSession {
  readonly stack: LayerStack;
  readonly views: TreeViews;
  readonly progress: LayerProgress[];
  /** aborted by close(): stops downloads of this image */
  readonly controller = new AbortController();
  metrics: Metrics | undefined;
  /** the stored first page of the default view, answered from while a stored tree is read and adopted */
  private preview: FirstPagePreview | undefined;
  private stackPending = false;

  constructor(readonly imageId: string, readonly opened: OpenedImage, private readonly codecs: Codecs, now: () => number) {
    const jobs = opened.image.layers;
    this.stack = new LayerStack(jobs.length, now);
    this.views = new TreeViews(this.stack);
    this.progress = jobs.map((j) => new LayerProgress(j.index, j.size ?? null, now));
  }

  /** Loads every layer, stacking as the finished prefix grows; resolves with the image metrics. */
  async load(options: LoadOptions): Promise<Metrics> {
    const signal = AbortSignal.any([options.signal, this.controller.signal]);
    const emit = (i: number) => options.onLayer(this.progress[i]!.snapshot());
    for (const p of this.progress) options.onLayer(p.snapshot());
    const finished = (r: LayerResult) => {
      const stacked = this.stack.complete(r);
      for (const i of stacked) this.progress[i]!.setStats(this.stack.statsOf(i));
      if (!stacked.includes(r.index)) emit(r.index);
      for (const i of stacked) emit(i);
    };
    // A reopened image starts from its stored union tree: its layers then take their places without restacking.
    // The tree is read while the layers are (both from IndexedDB); layers that finish first wait for it.
    const stackKey = stackKeyOf(this.opened.image.layers.map((j) => j.digest ?? j.diffId));
    let cachedMetrics: Metrics | undefined;
    let waiting: LayerResult[] | undefined;
    let stored: Promise<void> = Promise.resolve();
    if (stackKey !== undefined && options.cache?.getStack) {
      const queue: LayerResult[] = [];
      waiting = queue;
      this.stackPending = true;
      // The preview is a small record, read before the tree and the layer indexes: their values are decoded on this
      // thread when they arrive (hundreds of ms at 1M entries), and the first rows should not wait behind them.
      if (options.cache.getPreview) {
        const value = await firstOf(options.cache.getPreview(stackKey).catch(() => undefined), PREVIEW_WAIT_MS);
        this.preview = readPreview(value, this.stack.layerCount);
        signal.throwIfAborted();
      }
      stored = options.cache.getStack(stackKey).catch(() => undefined).then((hit) => {
        if (hit !== undefined && !signal.aborted && this.stack.adopt(hit.bytes, hit.meta)) cachedMetrics = hit.meta.metrics;
        else this.preview = undefined;
        this.stackPending = false;
        waiting = undefined;
        for (const r of queue) finished(r);
      });
    }
    await loadLayers(this.opened.image.layers, {
      codecs: options.codecs, cache: options.cache, concurrency: options.concurrency, signal, limits: options.limits,
      progress: this.progress, emit,
      partial: (i, ix) => this.stack.setPartial(i, ix),
      finished: (r) => (waiting !== undefined ? void waiting.push(r) : finished(r)),
    });
    await stored;
    signal.throwIfAborted();
    // Let row requests that queued up while the last layers stacked go first: metrics take a while on big images.
    await new Promise((resolve) => setTimeout(resolve, 0));
    signal.throwIfAborted();
    // Reclaimable bytes grow as later layers stack: send every stacked layer's final numbers once.
    for (const i of this.stack.stacked) {
      this.progress[i]!.setStats(this.stack.statsOf(i));
      emit(i);
    }
    this.metrics = this.stack.fromCache && cachedMetrics !== undefined ? cachedMetrics : this.computeMetrics();
    if (stackKey !== undefined && !this.stack.fromCache) this.storeStack(options.cache, stackKey, this.metrics);
    return this.metrics;
  }

  /**
   * Stores the stacked tree for the next open (after the answer is sent), when every layer is verified and was
   * cached: a full or failing store only means the next open stacks again, so its errors are dropped here.
   */
  private storeStack(cache: LayerCache | undefined, key: string, metrics: Metrics): void {
    const cacheable = this.progress.every((p) => {
      const s = p.snapshot();
      return (s.status === 'verified' || s.status === 'cached') && !s.warnings.some((w) => w.code === 'CACHE_FULL' || w.code === 'CACHE_FAILED');
    });
    if (!cache?.putStack || !cacheable || metrics.partial) return;
    setTimeout(() => {
      if (this.controller.signal.aborted) return;
      const stored = this.stack.serializeStack();
      if (stored === undefined) return;
      const top = this.stack.layerCount - 1;
      const first = this.views.rows(previewView(top), 0, PREVIEW_ROWS);
      const preview = first.ok && !first.value.partial && first.value.loading === undefined ? createPreview(top, first.value) : undefined;
      void cache.putStack!(key, { bytes: stored.bytes, meta: { ...stored.meta, metrics }, ...(preview ? { preview } : {}) }).catch(() => undefined);
    }, 0);
  }

  private computeMetrics(): Metrics {
    // Read from the stacked tree: a second tree (restacking every layer) would double the peak heap.
    const metrics = computeMetricsOfTree(this.stack.tree);
    return {
      efficiencyScore: metrics.efficiencyScore,
      wastedBytes: metrics.wastedBytes,
      sizeBytes: metrics.sizeBytes,
      userSizeBytes: metrics.userSizeBytes,
      userWastedPercent: metrics.userWastedPercent,
      reclaimableBytes: metrics.reclaimableBytes,
      inefficiencies: metrics.inefficiencies.slice(0, MAX_LISTED_PATHS),
      reclaimablePaths: metrics.reclaimablePaths.slice(0, MAX_LISTED_PATHS),
      partial: this.stack.stacked.length !== this.stack.layerCount,
    };
  }

  rows(view: TreeView, start: number, count: number): Result<RowsAnswer> {
    // Until a stored tree is adopted whole, its preview answers the default view's first page (the same rows the
    // tree gives: both were stored from one stacking of these very layers, keyed by their digests).
    const s = this.stack;
    if (this.preview !== undefined) {
      if ((this.stackPending || s.adopting) && s.stacked.length < s.layerCount) {
        const answer = answerFromPreview(this.preview, view, start, count);
        if (answer !== undefined) return ok(answer);
      } else if (!this.stackPending) this.preview = undefined;
    }
    return this.views.rows(view, start, count);
  }

  whiteouts(layer: number): Result<{ rows: WhiteoutRow[]; partial: boolean }> {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.stack.layerCount) return err('LAYER_INVALID', `layer ${layer} does not exist; the image has ${this.stack.layerCount} layers`);
    return reportWhiteouts(this.stack, (asOf) => this.views.merged(asOf), layer);
  }

  /** The content of `path` as of `layer`, re-streamed from the layer blob that holds it. */
  async file(path: string, layer: number, maxBytes: number, signal: AbortSignal): Promise<Result<ExtractedFile>> {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.stack.layerCount) return err('LAYER_INVALID', `layer ${layer} does not exist; the image has ${this.stack.layerCount} layers`);
    const asOf = this.stack.asOf(layer);
    const forest = this.views.merged({ ...asOf, changesOf: -1 });
    const located = locateFile(forest, path, asOf.asOfLayer);
    if (!located.ok) return located;
    const { pos, entry } = located.value;
    const ix = this.stack.tree.layers[pos]!;
    const job = this.opened.image.layers[this.stack.stacked[pos]!]!;
    const entryPath = ix.pathOf(entry).slice(1);
    return readLayerFile(job, this.codecs, entryPath, {
      maxBytes, lastWins: hasDuplicate(ix.warnings, entryPath), sparse: isSparse(ix.flags[entry]!),
      headerOffset: ix.headerOffsetOf(entry), size: ix.sizeOf(entry), recordSignal: this.controller.signal,
      signal: AbortSignal.any([signal, this.controller.signal]),
    });
  }

  close(reason: Error): void {
    this.controller.abort(reason);
    this.views.clear();
  }
}
