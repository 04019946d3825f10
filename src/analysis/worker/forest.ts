// The two trees a row view walks (worker side), behind one interface: the union as of a layer (read from the
// union tree's version chains, so any earlier layer is answered without restacking) and one layer's own entries.
// Node ids are parents-first in both, which the flattening relies on.
import { FLAG, type LayerIndex } from '../../core/layers/layer-index.ts';
import type { NamePool } from '../../core/layers/name-pool.ts';
import { KIND, type KindCode } from '../../core/layers/tar-header.ts';
import { DIFF, type UnionTree } from '../../core/tree/union-tree.ts';

export type NodeAttrs = {
  readonly kind: KindCode;
  readonly size: number;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly link: string | undefined;
  readonly badLink: boolean;
  /** image layer the version comes from */
  readonly layer: number;
};

export type Forest = {
  readonly count: number;
  readonly parent: Int32Array;
  readonly firstChild: Int32Array;
  readonly nextSibling: Int32Array;
  present(n: number): boolean;
  isDir(n: number): boolean;
  name(n: number): string;
  nameRank(n: number): number;
  /** the stored name nameRank orders by (a whiteout's keeps its .wh. prefix) */
  rankedName(n: number): string;
  /** own bytes for files, cumulative regular-file bytes for directories */
  size(n: number): number;
  diff(n: number): number;
  attrs(n: number): NodeAttrs;
  /** image layers whose versions of this node are hidden by the shown one, newest first */
  shadows(n: number): number[];
  /** tree position and entry id of the shown version (pos -1 when the layer is not stacked) */
  entryOf(n: number): { readonly pos: number; readonly entry: number };
};

const rankCache = new WeakMap<NamePool, { count: number; ranks: Int32Array }>();

/** Sort rank of every name in a pool (UTF-16 order, as JavaScript compares strings); cached per pool size. */
export function nameRanks(pool: NamePool): Int32Array {
  const hit = rankCache.get(pool);
  if (hit && hit.count === pool.count) return hit.ranks;
  const names = new Array<string>(pool.count);
  for (let i = 0; i < pool.count; i++) names[i] = pool.name(i);
  const order = Array.from({ length: pool.count }, (_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const ranks = new Int32Array(pool.count);
  order.forEach((id, r) => { ranks[id] = r; });
  rankCache.set(pool, { count: pool.count, ranks });
  return ranks;
}

function attrsOf(ix: LayerIndex, e: number, layer: number): NodeAttrs {
  return {
    kind: ix.kind[e] as KindCode, size: ix.sizeOf(e), mode: ix.mode[e]!, uid: ix.uid[e]!, gid: ix.gid[e]!,
    link: ix.linkOf(e), badLink: (ix.flags[e]! & FLAG.badLink) !== 0, layer,
  };
}

/** Image layers of the present versions older than record `v` in a node's version chain. */
function olderLayers(tree: UnionTree, v: number, stacked: readonly number[]): number[] {
  const out: number[] = [];
  for (let r = v >= 0 ? tree.verPrev[v]! : -1; r >= 0; r = tree.verPrev[r]!) if (tree.verEntry[r]! >= 0) out.push(stacked[tree.verLayer[r]!]!);
  return out;
}

/**
 * The union as of tree position `pos`. A node's visible version is the newest record at or below pos. Nodes
 * the layer at `changesOf` removed stay visible as 'removed' (with their last attributes), as dive shows them.
 */
export function createMergedForest(tree: UnionTree, stacked: readonly number[], pos: number, changesOf: number): Forest {
  const count = tree.count;
  const ver = new Int32Array(count).fill(-1);
  const diff = new Uint8Array(count);
  const changes = changesOf >= 0 ? tree.diffs[changesOf] : undefined;
  const { verLayer, verEntry, verPrev } = tree;
  for (let n = 1; n < count && pos >= 0; n++) {
    let v = tree.version[n]!;
    while (v >= 0 && verLayer[v]! > pos) v = verPrev[v]!;
    if (v < 0) continue;
    const e = verEntry[v]!;
    const changed = changes !== undefined && verLayer[v] === changesOf;
    if (e >= 0) {
      ver[n] = v;
      if (changed) diff[n] = changes[e]!;
    } else if (changed && verPrev[v]! >= 0 && verEntry[verPrev[v]!]! >= 0) {
      ver[n] = verPrev[v]!;
      diff[n] = DIFF.removed;
    }
  }
  const kindOf = (n: number) => (n === 0 ? KIND.dir : tree.layers[verLayer[ver[n]!]!]!.kind[verEntry[ver[n]!]!]!);
  let sizes: Float64Array | undefined;
  const cumulative = (): Float64Array => {
    if (sizes) return sizes;
    sizes = new Float64Array(count);
    for (let n = count - 1; n > 0; n--) {
      const v = ver[n]!;
      if (v < 0) continue;
      const ix = tree.layers[verLayer[v]!]!;
      const e = verEntry[v]!;
      if (ix.kind[e] === KIND.file) sizes[n]! += ix.sizeOf(e);
      const p = tree.parent[n]!;
      // Removed nodes add up among themselves, never into a present parent.
      if (diff[n] !== DIFF.removed || (p > 0 && diff[p] === DIFF.removed)) sizes[p]! += sizes[n]!;
    }
    return sizes;
  };
  // Ranks sort every name of the pool: computed only when a view sorts a big directory (see flattenView).
  let ranks: Int32Array | undefined;
  return {
    count, parent: tree.parent, firstChild: tree.firstChild, nextSibling: tree.nextSibling,
    present: (n) => n === 0 || ver[n]! >= 0,
    isDir: (n) => kindOf(n) === KIND.dir,
    name: (n) => tree.nameOf(n),
    nameRank: (n) => (ranks ??= nameRanks(tree.names))[tree.name[n]!]!,
    rankedName: (n) => tree.nameOf(n),
    size: (n) => cumulative()[n]!,
    diff: (n) => diff[n]!,
    attrs: (n) => (n === 0 ? { kind: KIND.dir, size: 0, mode: 0o755, uid: 0, gid: 0, link: undefined, badLink: false, layer: -1 }
      : attrsOf(tree.layers[verLayer[ver[n]!]!]!, verEntry[ver[n]!]!, stacked[verLayer[ver[n]!]!]!)),
    shadows: (n) => olderLayers(tree, ver[n]!, stacked),
    entryOf: (n) => (n === 0 || ver[n]! < 0 ? { pos: -1, entry: 0 } : { pos: verLayer[ver[n]!]!, entry: verEntry[ver[n]!]! }),
  };
}

/** One layer's own entries; whiteouts and opaque markers show as 'removed', diffs come from the tree once stacked. */
export function createLayerForest(ix: LayerIndex, layer: number, tree: UnionTree, pos: number, stacked: readonly number[]): Forest {
  const count = ix.count;
  const firstChild = new Int32Array(count).fill(-1);
  const nextSibling = new Int32Array(count).fill(-1);
  for (let e = count - 1; e > 0; e--) {
    const p = ix.parent[e]!;
    nextSibling[e] = firstChild[p]!;
    firstChild[p] = e;
  }
  const diffs = pos >= 0 ? tree.diffs[pos] : undefined;
  const sizes = new Float64Array(count);
  for (let e = count - 1; e > 0; e--) {
    if (ix.kind[e] === KIND.file) sizes[e]! += ix.sizeOf(e);
    sizes[ix.parent[e]!]! += sizes[e]!;
  }
  let ranks: Int32Array | undefined;
  const removedKind = (e: number) => ix.kind[e] === KIND.whiteout || ix.kind[e] === KIND.opaque;
  return {
    count, parent: ix.parent, firstChild, nextSibling,
    present: () => true,
    isDir: (e) => ix.kind[e] === KIND.dir,
    name: (e) => (ix.kind[e] === KIND.whiteout ? ix.nameOf(e).slice(4) : ix.nameOf(e)),
    nameRank: (e) => (ranks ??= nameRanks(ix.names))[ix.name[e]!]!,
    rankedName: (e) => ix.nameOf(e),
    size: (e) => sizes[e]!,
    diff: (e) => (removedKind(e) ? DIFF.removed : diffs ? diffs[e]! : DIFF.added),
    attrs: (e) => attrsOf(ix, e, layer),
    shadows: (e) => {
      const node = pos >= 0 ? tree.nodeOfEntry[pos]![e]! : -1;
      if (node < 0) return [];
      let v = tree.version[node]!;
      while (v >= 0 && !(tree.verLayer[v] === pos && (tree.verEntry[v] === e || tree.verEntry[v]! < 0))) v = tree.verPrev[v]!;
      return olderLayers(tree, v, stacked);
    },
    entryOf: (e) => ({ pos, entry: e }),
  };
}
