// The incremental stack of one image (worker side). Layers finish out of order (three download at once), but
// a union tree is only exact when every layer below is known, so layer k is stacked once layers 0..k-1 have all
// finished; a failed layer is finished but never stacked (its files are not shown and the view is partial).
import { KIND } from '../../core/layers/tar-header.ts';
import { DIFF, UnionTree } from '../../core/tree/union-tree.ts';
import type { LayerState } from '../../protocol/messages.ts';
import type { LayerResult } from '../layer-pipeline.ts';

/** Which stacked tree answers a question about image layer L, and whether that answer is partial. */
export type AsOf = {
  /** tree position (index into tree.layers) of the newest layer the answer includes; -1 for the empty tree */
  readonly pos: number;
  /** tree position whose changes are marked (added/modified/removed), or -1 when L itself is not stacked */
  readonly changesOf: number;
  /** the image layer the answer is really as of (-1 for the empty tree) */
  readonly asOfLayer: number;
  readonly partial: boolean;
};

export class LayerStack {
  readonly tree = new UnionTree();
  /** tree position → image layer index */
  readonly stacked: number[] = [];
  /** image layer index → tree position, -1 while not stacked (or failed) */
  readonly positionOf: Int32Array;
  readonly results: (LayerResult | undefined)[];
  /** file bytes of each image layer hidden by layers stacked above it so far */
  readonly reclaimable: Float64Array;
  /** layers [0, finished) have all finished loading */
  finished = 0;
  /** bumped whenever the tree changes, so cached views are recomputed */
  generation = 0;

  constructor(readonly layerCount: number) {
    this.positionOf = new Int32Array(layerCount).fill(-1);
    this.results = new Array<LayerResult | undefined>(layerCount).fill(undefined);
    this.reclaimable = new Float64Array(layerCount);
  }

  /** Records a finished layer and stacks every layer the finished prefix now reaches; returns those indexes. */
  complete(result: LayerResult): number[] {
    this.results[result.index] = result;
    const added: number[] = [];
    while (this.finished < this.layerCount) {
      const r = this.results[this.finished];
      if (!r) break;
      if (r.status !== 'failed') {
        this.positionOf[this.finished] = this.stacked.length;
        this.stacked.push(this.finished);
        this.tree.stack(r.layer, {
          onDead: (pos, entry) => {
            const ix = this.tree.layers[pos]!;
            if (ix.kind[entry] === KIND.file) this.reclaimable[this.stacked[pos]!]! += ix.sizeOf(entry);
          },
        });
        added.push(this.finished);
      }
      this.finished++;
    }
    if (added.length > 0) this.generation++;
    return added;
  }

  get allFinished(): boolean {
    return this.finished === this.layerCount;
  }

  failedAtOrBelow(layer: number): boolean {
    for (let i = 0; i <= layer && i < this.layerCount; i++) if (this.results[i]?.status === 'failed') return true;
    return false;
  }

  /**
   * The partial-stacking rule: a question about layer L is answered from the newest stacked layer ≤ L. That is
   * exact when L is stacked and no layer below failed; otherwise (L still loading, L or a lower layer failed)
   * the answer is marked partial and `asOfLayer` says which layer it really describes.
   */
  asOf(layer: number): AsOf {
    let pos = -1;
    for (let p = this.stacked.length - 1; p >= 0; p--) {
      if (this.stacked[p]! <= layer) {
        pos = p;
        break;
      }
    }
    const exact = this.positionOf[layer] === pos && pos >= 0;
    return { pos, changesOf: exact ? pos : -1, asOfLayer: pos >= 0 ? this.stacked[pos]! : -1, partial: !exact || this.failedAtOrBelow(layer) };
  }

  /** Per-layer statistics once the layer is stacked: its diff kinds against the tree below, its bytes. */
  statsOf(layer: number): LayerState['stats'] {
    const pos = this.positionOf[layer]!;
    if (pos < 0) return null;
    const ix = this.tree.layers[pos]!;
    const diff = this.tree.diffs[pos]!;
    let added = 0;
    let modified = 0;
    let removed = 0;
    for (let e = 1; e < ix.count; e++) {
      if (ix.kind[e] === KIND.opaque) continue;
      const d = diff[e];
      if (d === DIFF.added) added++;
      else if (d === DIFF.modified) modified++;
      else if (d === DIFF.removed) removed++;
    }
    return { added, modified, removed, fileBytes: ix.fileBytes, reclaimableBytes: this.reclaimable[layer]! };
  }
}
