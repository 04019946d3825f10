// The incremental stack of one image (worker side). Layers finish out of order (three download at once), but
// a union tree is only exact when every layer below is known, so layer k is stacked once layers 0..k-1 have all
// finished; a failed layer is finished but never stacked (its files are not shown and the view is partial).
// While the layer right above the finished prefix streams, what has arrived of it is stacked provisionally (and
// rolled back before anything exact is stacked), so its rows show while its bytes arrive.
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import { KIND } from '../../core/layers/tar-header.ts';
import { snapshotLayerIndex } from '../../core/tree/layer-snapshot.ts';
import { deserializeUnionTree, serializeUnionTree } from '../../core/tree/union-tree-codec.ts';
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
  /** set when the answer includes a layer still streaming: which one, and how many of its entries it shows */
  readonly loading?: { readonly layer: number; readonly entries: number };
};

/** A provisional view is refreshed at most this often, and never more often than 4× its own cost (≤ 20 % of the time). */
export const PROVISIONAL_MIN_INTERVAL_MS = 500;
const PROVISIONAL_COST_FACTOR = 4;

export class LayerStack {
  tree = new UnionTree();
  /** tree position → image layer index (exact positions only; see `positions` for the provisional one) */
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
  /** live (still growing) indexes of layers that are streaming */
  private readonly partials: (LayerIndex | undefined)[];
  /** the streaming layer stacked provisionally on top of the tree, if any */
  private shown: { layer: number; entries: number; at: number; costMs: number } | undefined;
  private positionsCache: { generation: number; positions: readonly number[] } | undefined;
  /** a stacked tree restored from the cache: each layer that arrives as expected takes its place without restacking */
  private adopted: { readonly layerCounts: readonly number[]; readonly stacked: readonly number[]; readonly reclaimable: readonly number[] } | undefined;
  /** every layer took its place from the adopted tree (its stored metrics stand) */
  private adoptedWhole = false;

  constructor(readonly layerCount: number, private readonly now: () => number = () => Date.now()) {
    this.positionOf = new Int32Array(layerCount).fill(-1);
    this.results = new Array<LayerResult | undefined>(layerCount).fill(undefined);
    this.partials = new Array<LayerIndex | undefined>(layerCount).fill(undefined);
    this.reclaimable = new Float64Array(layerCount);
  }

  /** Records the live index of a streaming layer (its builder's; it keeps growing until the layer finishes). */
  setPartial(layer: number, index: LayerIndex): void {
    if (this.results[layer] === undefined) this.partials[layer] = index;
  }

  /** The live index of a layer still streaming, if it has sent one. */
  partialOf(layer: number): LayerIndex | undefined {
    return this.results[layer] === undefined ? this.partials[layer] : undefined;
  }

  /** Records a finished layer and stacks every layer the finished prefix now reaches; returns those indexes. */
  complete(result: LayerResult): number[] {
    this.results[result.index] = result;
    this.partials[result.index] = undefined;
    const added: number[] = [];
    if (this.shown !== undefined && result.index <= this.shown.layer) this.dropProvisional();
    while (this.finished < this.layerCount) {
      const r = this.results[this.finished];
      if (!r) break;
      if (r.status !== 'failed') {
        this.dropProvisional();
        this.positionOf[this.finished] = this.stacked.length;
        this.stacked.push(this.finished);
        this.stackLayer(r.layer);
        added.push(this.finished);
      } else if (this.adopted !== undefined) this.abandonAdopted();
      this.finished++;
    }
    if (added.length > 0) this.generation++;
    return added;
  }

  private stackLayer(ix: LayerIndex): void {
    const a = this.adopted;
    const pos = this.stacked.length - 1;
    if (a !== undefined) {
      if (a.stacked[pos] === this.stacked[pos] && a.layerCounts[pos] === ix.count) {
        this.tree.layers.push(ix);
        this.reclaimable[this.stacked[pos]!] = a.reclaimable[this.stacked[pos]!] ?? 0;
        if (this.tree.layers.length === a.layerCounts.length) {
          this.adopted = undefined;
          this.adoptedWhole = true;
        }
        return;
      }
      this.abandonAdopted();
      return;
    }
    this.tree.stack(ix, {
      onDead: (p, entry) => {
        const lx = this.tree.layers[p]!;
        if (lx.kind[entry] === KIND.file) this.reclaimable[this.stacked[p]!]! += lx.sizeOf(entry);
      },
    });
  }

  /**
   * Starts from a stacked tree stored by an earlier open of the same layers (see serializeStack): layers that then
   * finish as expected take their place without being stacked again. Anything else (a failed layer, other entry
   * counts) drops it and stacks from scratch. Only before any layer is stacked; returns whether it was taken.
   */
  adopt(bytes: ArrayBuffer, meta: { readonly stacked: readonly number[]; readonly reclaimable: readonly number[] }): boolean {
    if (this.stacked.length > 0 || this.shown !== undefined || meta.stacked.length !== this.layerCount) return false;
    const restored = deserializeUnionTree(bytes);
    if (!restored.ok || restored.value.layerCounts.length !== meta.stacked.length) return false;
    this.tree = restored.value.tree;
    this.adopted = { layerCounts: restored.value.layerCounts, stacked: meta.stacked, reclaimable: meta.reclaimable };
    return true;
  }

  /** While a stored tree is being adopted it already holds layers that have not arrived: only row views may read it. */
  get adopting(): boolean {
    return this.adopted !== undefined;
  }

  /** Whether the stacked tree came whole from the cache (so its metrics may be reused). */
  get fromCache(): boolean {
    return this.adoptedWhole;
  }

  private abandonAdopted(): void {
    this.adopted = undefined;
    this.adoptedWhole = false;
    this.tree = new UnionTree();
    this.reclaimable.fill(0);
    const stacked = [...this.stacked];
    this.stacked.length = 0;
    for (const layer of stacked) {
      this.stacked.push(layer);
      this.stackLayer(this.results[layer]!.layer);
    }
    this.generation++;
  }

  /** The stacked tree and what a later adopt() needs, once every layer is stacked exactly; else undefined. */
  serializeStack(): { bytes: ArrayBuffer; meta: { stacked: number[]; reclaimable: number[] } } | undefined {
    if (!this.allFinished || this.stacked.length !== this.layerCount || this.adopted !== undefined) return undefined;
    this.dropProvisional();
    return { bytes: serializeUnionTree(this.tree), meta: { stacked: [...this.stacked], reclaimable: Array.from(this.reclaimable) } };
  }

  get allFinished(): boolean {
    return this.finished === this.layerCount;
  }

  /** The streaming layer shown provisionally, if any. */
  get provisional(): { readonly layer: number; readonly entries: number } | undefined {
    return this.shown === undefined ? undefined : { layer: this.shown.layer, entries: this.shown.entries };
  }

  /**
   * Stacks (again) what has arrived of the layer right above the finished prefix, when it has grown and the last
   * refresh is old enough: at most every PROVISIONAL_MIN_INTERVAL_MS and never more often than 4× what the last
   * refresh cost, so the provisional view takes a bounded share of the worker whatever the layer size.
   * Returns whether the tree changed.
   */
  refreshProvisional(): boolean {
    const k = this.finished;
    // An adopted tree already holds every layer's versions: nothing may be stacked on top of it.
    if (this.adopted !== undefined) return false;
    const live = k < this.layerCount ? this.partialOf(k) : undefined;
    if (live === undefined || live.count <= 1) return false;
    const t = this.now();
    const s = this.shown;
    if (s !== undefined && s.layer === k) {
      if (live.count <= s.entries + 1) return false;
      if (t - s.at < Math.max(PROVISIONAL_MIN_INTERVAL_MS, PROVISIONAL_COST_FACTOR * s.costMs)) return false;
    }
    const start = performance.now();
    this.tree.stackProvisional(snapshotLayerIndex(live));
    this.shown = { layer: k, entries: live.count - 1, at: t, costMs: performance.now() - start };
    this.generation++;
    return true;
  }

  /** Adds time spent building views of the provisional tree to its cost (so refreshes slow down accordingly). */
  noteProvisionalCost(ms: number): void {
    if (this.shown !== undefined) this.shown.costMs += ms;
  }

  /** Removes the provisional layer, leaving exactly the stacked prefix (compare and other exact users call this). */
  dropProvisional(): void {
    if (this.shown === undefined) return;
    this.tree.rollback();
    this.shown = undefined;
    this.generation++;
  }

  /** tree position → image layer, including the provisional position when there is one. */
  get positions(): readonly number[] {
    if (this.shown === undefined) return this.stacked;
    const c = this.positionsCache;
    if (c !== undefined && c.generation === this.generation) return c.positions;
    const positions = [...this.stacked, this.shown.layer];
    this.positionsCache = { generation: this.generation, positions };
    return positions;
  }

  failedAtOrBelow(layer: number): boolean {
    for (let i = 0; i <= layer && i < this.layerCount; i++) if (this.results[i]?.status === 'failed') return true;
    return false;
  }

  /**
   * The partial-stacking rule: a question about layer L is answered from the newest stacked layer ≤ L. That is
   * exact when L is stacked and no layer below failed; otherwise (L still loading, L or a lower layer failed)
   * the answer is marked partial and `asOfLayer` says which layer it really describes. With `provisional`, a view
   * at or above the streaming layer shown provisionally includes what has arrived of it (marked `loading`).
   */
  asOf(layer: number, options: { provisional?: boolean } = {}): AsOf {
    const s = this.shown;
    if (options.provisional === true && s !== undefined && layer >= s.layer) {
      const pos = this.stacked.length;
      return { pos, changesOf: layer === s.layer ? pos : -1, asOfLayer: s.layer, partial: true, loading: { layer: s.layer, entries: s.entries } };
    }
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
