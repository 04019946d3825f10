// Row windows for one image (worker side): resolves a TreeView to a forest (merged as of a layer, or one layer's
// own entries), flattens it once per view key and caches both, so scrolling costs only the rows shown. While a
// layer streams, views of it are answered from what has arrived (refreshed at a bounded cadence, marked loading).
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import { err, ok, type Result } from '../../core/result.ts';
import { snapshotLayerIndex } from '../../core/tree/layer-snapshot.ts';
import type { TreeRowOut, TreeView } from '../../protocol/messages.ts';
import { DIFF_CODES, flattenView, type FlatView } from './flatten-view.ts';
import { createLayerForest, createMergedForest, type Forest } from './forest.ts';
import type { AsOf, LayerStack } from './layer-stack.ts';
import { windowRows } from './row-window.ts';
import { compileSearch } from './search-pattern.ts';

export type RowsAnswer = {
  readonly total: number; readonly start: number; readonly rows: readonly TreeRowOut[]; readonly partial: boolean; readonly asOfLayer: number;
  /** the rows include a layer still streaming: which one and how many of its entries so far */
  readonly loading?: { readonly layer: number; readonly entries: number };
};

const LAYER_SNAPSHOT_MS = 1000;

/** A small least-recently-used map. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const value = make();
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
    return value;
  }
  clear(): void {
    this.map.clear();
  }
}

export class TreeViews {
  private readonly forests = new Lru<Forest>(4);
  private readonly views = new Lru<FlatView>(8);
  private readonly snapshots = new Map<number, { ix: LayerIndex; at: number }>();
  private generation = -1;

  constructor(private readonly stack: LayerStack) {}

  /** The union as of an AsOf answer (cached per tree generation). */
  merged(asOf: AsOf): Forest {
    const s = this.stack;
    return this.forests.get(`m|${s.generation}|${asOf.pos}|${asOf.changesOf}`, () => createMergedForest(s.tree, s.positions, asOf.pos, asOf.changesOf));
  }

  /** A streaming layer's own entries so far: a snapshot of its live index, refreshed at most every second. */
  private loadingLayer(layer: number, live: LayerIndex): { ix: LayerIndex; entries: number } {
    const t = Date.now();
    let snap = this.snapshots.get(layer);
    if (snap === undefined || (live.count > snap.ix.count && t - snap.at >= LAYER_SNAPSHOT_MS)) {
      snap = { ix: snapshotLayerIndex(live), at: t };
      this.snapshots.set(layer, snap);
    }
    return { ix: snap.ix, entries: snap.ix.count - 1 };
  }

  rows(view: TreeView, start: number, count: number): Result<RowsAnswer> {
    const s = this.stack;
    const layer = view.layer;
    if (!Number.isInteger(layer) || layer < 0 || layer >= s.layerCount) {
      return err('LAYER_INVALID', `layer ${layer} does not exist; the image has ${s.layerCount} layers (0–${s.layerCount - 1})`);
    }
    const match = compileSearch(view.search);
    if (!match.ok) return match;
    const codes = new Set(view.kinds.map((k) => DIFF_CODES[k]).filter((c): c is number => c !== undefined));
    // Every kind (or none named) means no kind filter.
    const kinds = codes.size === 0 || codes.size === 4 ? undefined : codes;
    const expanded = view.expanded.includes('*') ? 'all' as const : new Set(view.expanded.map((p) => (p.length > 1 ? p.replace(/\/+$/, '') : p)));
    const viewKey = `${view.sort}|${[...(kinds ?? [])].sort().join(',')}|${view.search}|${expanded === 'all' ? '*' : [...expanded].sort().join('\n')}`;
    const t0 = performance.now();
    const refreshed = s.refreshProvisional();
    if (s.generation !== this.generation) {
      // Cached views may hold a provisional tree or a streaming layer's buffers: let them go.
      this.generation = s.generation;
      this.clear();
    }
    let forest: Forest;
    let key: string;
    let partial: boolean;
    let asOfLayer: number;
    let loading: RowsAnswer['loading'];
    if (view.mode === 'merged') {
      const asOf = s.asOf(layer, { provisional: true });
      forest = this.merged(asOf);
      key = `m|${s.generation}|${asOf.pos}|${asOf.changesOf}|${viewKey}`;
      ({ partial, asOfLayer, loading } = asOf);
    } else {
      const result = s.results[layer];
      const live = s.partialOf(layer);
      if (result) {
        const pos = s.positionOf[layer]!;
        forest = this.forests.get(`l|${layer}|${pos}`, () => createLayerForest(result.layer, layer, s.tree, pos, s.stacked));
        key = `l|${layer}|${pos}|${viewKey}`;
        partial = pos < 0;
      } else if (live !== undefined) {
        // Diff kinds need the layers below: exact only for the layer shown provisionally on the finished prefix.
        const shown = s.provisional?.layer === layer;
        const snap = shown ? { ix: s.tree.layers[s.stacked.length]!, entries: s.provisional!.entries } : this.loadingLayer(layer, live);
        const pos = shown ? s.stacked.length : -1;
        forest = this.forests.get(`p|${layer}|${s.generation}|${snap.entries}`, () => createLayerForest(snap.ix, layer, s.tree, pos, s.positions));
        key = `p|${layer}|${s.generation}|${snap.entries}|${viewKey}`;
        partial = true;
        loading = { layer, entries: snap.entries };
      } else return ok({ total: 0, start, rows: [], partial: true, asOfLayer: -1 });
      asOfLayer = layer;
    }
    const flat = this.views.get(key, () => flattenView(forest, { expanded, match: match.value, kinds, sort: view.sort }));
    const rows = windowRows(forest, flat, start, count);
    if (refreshed) s.noteProvisionalCost(performance.now() - t0);
    return ok({ total: flat.total, start, rows, partial, asOfLayer, ...(loading !== undefined ? { loading } : {}) });
  }

  clear(): void {
    this.forests.clear();
    this.views.clear();
    this.snapshots.clear();
  }
}
