// The image-wide entry budget (hardening B2), shared by the worker's layer loader and the CLI's analyzeImage: the
// per-layer entry cap bounds one layer, this bounds the sum over an image's layers so a many-layer image cannot grow
// the indexes past memory (the budget is derived from the heap: heap-entry-budget.ts). The layer that crosses it
// fails with IMAGE_ENTRY_LIMIT and is never stacked. Shell side.
import { shortDigest } from '../core/oci/digest.ts';
import { describeHeapBudget } from './heap-entry-budget.ts';
import { DEFAULT_LIMITS, type LayerLimits, type LayerResult } from './layer-pipeline.ts';

export const IMAGE_ENTRY_LIMIT = 'IMAGE_ENTRY_LIMIT';
/** Default when the limits table leaves it out (no heap known): four full-size layers (about 1.1 GiB of index). */
export const DEFAULT_MAX_IMAGE_ENTRIES = 20_000_000;

export class ImageEntryBudget {
  /** Entries of the layers accepted so far (cache hits included). */
  private used = 0;
  readonly max: number;
  readonly limits: LayerLimits;

  constructor(limits: LayerLimits = DEFAULT_LIMITS) {
    this.limits = limits;
    this.max = limits.maxImageEntries ?? DEFAULT_MAX_IMAGE_ENTRIES;
  }

  get entries(): number {
    return this.used;
  }

  /**
   * Limits for the next layer: its entry cap lowered to what is left of the image budget (+1 for the root), so a
   * layer stops indexing as soon as it crosses the budget instead of growing to the per-layer cap.
   */
  limitsFor(): LayerLimits {
    const cap = Math.max(1, this.max - this.used) + 1;
    return cap < this.limits.maxEntries ? { ...this.limits, maxEntries: cap } : this.limits;
  }

  /**
   * Charges a finished layer (`applied` = the limits it ran with). A layer stopped by a lowered cap, or by a
   * per-layer cap that is the image budget itself (a small heap), or one that (run alongside others) finished past
   * the budget, fails with IMAGE_ENTRY_LIMIT; an accepted one is charged.
   */
  settle(result: LayerResult, applied: LayerLimits = this.limits): LayerResult {
    if (result.status === 'failed') {
      const byBudget = result.error?.code === 'ENTRY_LIMIT' && (applied.maxEntries < this.limits.maxEntries || this.limits.maxEntries >= this.max);
      return byBudget ? this.fail(result) : result;
    }
    const entries = Math.max(0, result.layer.count - 1);
    if (this.used + entries > this.max) return this.fail(result);
    this.used += entries;
    return result;
  }

  private fail(result: LayerResult): LayerResult {
    const id = /:[0-9a-f]+$/.test(result.digest) ? ` (${shortDigest(result.digest)})` : '';
    const why = this.limits.heap ? describeHeapBudget(this.limits.heap, this.max)
      : 'this bounds memory — raise maxImageEntries only for a trusted image on a machine with memory to spare';
    const message = `image has more than ${this.max} entries across its layers; layer ${result.index + 1}${id} crosses that budget after ${this.used} entries in the layers accepted before it, so its files are not shown (the layers within the budget are); ${why}`;
    return { ...result, status: 'failed', error: { code: IMAGE_ENTRY_LIMIT, message } };
  }
}
