// Image efficiency as dive computes it (dive/filetree/efficiency.go, dive/image/analysis.go), and Strata's
// reclaimable bytes: what a rebuild could drop (superseded copies and whited-out bytes still shipped). Pure.
import { FLAG, type LayerIndex } from '../layers/layer-index.ts';
import { KIND } from '../layers/tar-header.ts';
import { UnionTree } from './union-tree.ts';

export type Inefficiency = { readonly path: string; readonly count: number; readonly cumulativeSize: number };
export type ReclaimablePath = { readonly path: string; readonly copies: number; readonly bytes: number };

export type ImageMetrics = {
  /** dive: Σ minimum size / Σ cumulative size over every leaf path; 1 when nothing was seen */
  readonly efficiencyScore: number;
  /** dive: Σ cumulative size of paths seen in two or more layers (counts every copy, the kept one too) */
  readonly wastedBytes: number;
  /** dive: Σ layer sizes (file bytes per layer, as dive's tree.FileSize) */
  readonly sizeBytes: number;
  /** dive: layer sizes without the first layer */
  readonly userSizeBytes: number;
  /** dive: wastedBytes / userSizeBytes (0 when there are no user bytes) */
  readonly userWastedPercent: number;
  /** dive: inefficient paths, biggest cumulative size first */
  readonly inefficiencies: readonly Inefficiency[];
  /** Strata: bytes shipped in some layer but not visible in the final tree */
  readonly reclaimableBytes: number;
  readonly reclaimableByLayer: readonly number[];
  readonly reclaimablePaths: readonly ReclaimablePath[];
};

/** dive's layer size: the sum of the tar header sizes of its entries (regular files). */
export function layerFileBytes(ix: LayerIndex): number {
  return ix.fileBytes;
}

export function computeMetrics(layers: readonly LayerIndex[]): { metrics: ImageMetrics; tree: UnionTree } {
  const tree = new UnionTree();
  const cum = new PathSizes();
  const deadBytes = new Float64Array(layers.length);
  const deadByNode = new Map<number, { copies: number; bytes: number }>();
  const observer = {
    onDead(layer: number, entry: number, _by: number, node: number) {
      const ix = layers[layer]!;
      if (ix.kind[entry] !== KIND.file) return;
      const size = ix.sizeOf(entry);
      deadBytes[layer]! += size;
      const d = deadByNode.get(node) ?? { copies: 0, bytes: 0 };
      d.copies++;
      d.bytes += size;
      deadByNode.set(node, d);
    },
  };
  for (let L = 0; L < layers.length; L++) {
    const ix = layers[L]!;
    // Whiteout sizes come from the tree as of the layer below (dive stacks layers 0..L-1).
    const whiteoutSize = whiteoutSizes(ix, (path) => {
      const node = tree.lookup(path);
      return { size: node >= 0 && tree.kindOf(node) === KIND.dir ? subtreeBytes(tree, node) : 0, key: node >= 0 ? node : path };
    });
    tree.stack(ix, observer);
    recordLeaves(cum, ix, tree.nodeOfEntry[L]!, whiteoutSize);
  }
  return { tree, metrics: summarize(layers, tree, cum, deadBytes, deadByNode) };
}

/**
 * The same metrics as computeMetrics, read from a tree that already has every layer stacked (the worker's), without
 * stacking a second one: lower trees are read from the version chains, dead file versions are the records that a
 * newer record of their node follows. A tree with a provisional layer on top is restacked instead.
 */
export function computeMetricsOfTree(tree: UnionTree): ImageMetrics {
  const layers = tree.layers;
  if (tree.provisional) return computeMetrics(layers).metrics;
  const cum = new PathSizes(Math.max(1024, tree.count));
  for (let L = 0; L < layers.length; L++) {
    const ix = layers[L]!;
    const whiteoutSize = whiteoutSizes(ix, (path) => {
      const node = lookupAsOf(tree, path, L - 1);
      return { size: node >= 0 && kindAsOf(tree, node, L - 1) === KIND.dir ? subtreeBytesAsOf(tree, node, L - 1) : 0, key: node >= 0 ? node : path };
    });
    recordLeaves(cum, ix, tree.nodeOfEntry[L]!, whiteoutSize);
  }
  const deadBytes = new Float64Array(layers.length);
  const deadByNode = new Map<number, { copies: number; bytes: number }>();
  const { verLayer, verEntry, verPrev } = tree;
  for (let node = 1; node < tree.count; node++) {
    const head = tree.version[node]!;
    if (head < 0) continue;
    for (let v = verPrev[head]!; v >= 0; v = verPrev[v]!) {
      const e = verEntry[v]!;
      if (e < 0) continue;
      const ix = layers[verLayer[v]!]!;
      if (ix.kind[e] !== KIND.file) continue;
      const size = ix.sizeOf(e);
      deadBytes[verLayer[v]!]! += size;
      const d = deadByNode.get(node) ?? { copies: 0, bytes: 0 };
      d.copies++;
      d.bytes += size;
      deadByNode.set(node, d);
    }
  }
  return summarize(layers, tree, cum, deadBytes, deadByNode);
}

type WhiteoutSize = { size: number; key: number | string };

/** Size and key of what each whiteout of `ix` hides, from `measure(path)` on the tree below the layer. */
function whiteoutSizes(ix: LayerIndex, measure: (path: string) => WhiteoutSize): Map<number, WhiteoutSize> {
  const out = new Map<number, WhiteoutSize>();
  for (let e = 1; e < ix.count; e++) {
    if (ix.kind[e] !== KIND.whiteout) continue;
    const dir = ix.pathOf(ix.parent[e]!);
    out.set(e, measure(`${dir === '/' ? '' : dir}/${ix.nameOf(e).slice(4)}`));
  }
  return out;
}

/** Records the leaf paths a stacked layer touches (dive counts explicit leaves and whiteouts). */
function recordLeaves(cum: PathSizes, ix: LayerIndex, nodes: Int32Array, whiteoutSize: Map<number, WhiteoutSize>): void {
  const n = ix.count;
  const hasChild = new Uint8Array(n);
  for (let e = 1; e < n; e++) if (ix.kind[e] !== KIND.opaque) hasChild[ix.parent[e]!] = 1;
  for (let e = 1; e < n; e++) {
    const kind = ix.kind[e]!;
    if (hasChild[e] || kind === KIND.opaque || !(ix.flags[e]! & FLAG.explicit)) continue;
    if (kind === KIND.whiteout) {
      const w = whiteoutSize.get(e)!;
      cum.record(w.key, w.size);
    } else if (nodes[e]! >= 0) {
      cum.record(nodes[e]!, kind === KIND.file ? ix.sizeOf(e) : 0);
    }
  }
}

function summarize(
  layers: readonly LayerIndex[], tree: UnionTree, cum: PathSizes, deadBytes: Float64Array, deadByNode: Map<number, { copies: number; bytes: number }>,
): ImageMetrics {
  let minSum = 0;
  let cumSum = 0;
  let wasted = 0;
  const inefficiencies: Inefficiency[] = [];
  cum.forEach((key, d) => {
    minSum += d.min;
    cumSum += d.cum;
    if (d.count >= 2) {
      wasted += d.cum;
      inefficiencies.push({ path: typeof key === 'number' ? tree.pathOf(key) : key, count: d.count, cumulativeSize: d.cum });
    }
  });
  inefficiencies.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const sizes = layers.map(layerFileBytes);
  const sizeBytes = sizes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (sizes[0] ?? 0);
  const reclaimablePaths = [...deadByNode].map(([node, d]) => ({ path: tree.pathOf(node), copies: d.copies, bytes: d.bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  return {
    efficiencyScore: cumSum === 0 ? 1 : minSum / cumSum,
    wastedBytes: wasted,
    sizeBytes,
    userSizeBytes,
    userWastedPercent: userSizeBytes === 0 ? 0 : wasted / userSizeBytes,
    inefficiencies,
    reclaimableBytes: Array.from(deadBytes).reduce((a, b) => a + b, 0),
    reclaimableByLayer: Array.from(deadBytes),
    reclaimablePaths,
  };
}

/** Newest version record of `node` from layers 0..pos, or -1. */
function versionAsOf(tree: UnionTree, node: number, pos: number): number {
  let v = tree.version[node]!;
  while (v >= 0 && tree.verLayer[v]! > pos) v = tree.verPrev[v]!;
  return v;
}

function presentAsOf(tree: UnionTree, node: number, pos: number): boolean {
  if (node === 0) return true;
  const v = versionAsOf(tree, node, pos);
  return v >= 0 && tree.verEntry[v]! >= 0;
}

function kindAsOf(tree: UnionTree, node: number, pos: number): number {
  if (node === 0) return KIND.dir;
  const v = versionAsOf(tree, node, pos);
  return tree.layers[tree.verLayer[v]!]!.kind[tree.verEntry[v]!]!;
}

/** UnionTree.lookup on the tree as it stood with layers 0..pos stacked. */
function lookupAsOf(tree: UnionTree, path: string, pos: number): number {
  let node = 0;
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    node = tree.childNode(node, seg);
    if (node < 0 || !presentAsOf(tree, node, pos)) return -1;
  }
  return node;
}

/** subtreeBytes on the tree as it stood with layers 0..pos stacked. */
function subtreeBytesAsOf(tree: UnionTree, node: number, pos: number): number {
  let total = 0;
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n !== 0) {
      const v = versionAsOf(tree, n, pos);
      const ix = tree.layers[tree.verLayer[v]!]!;
      const e = tree.verEntry[v]!;
      if (ix.kind[e] === KIND.file) total += ix.sizeOf(e);
    }
    for (let c = tree.firstChild[n]!; c >= 0; c = tree.nextSibling[c]!) if (presentAsOf(tree, c, pos)) stack.push(c);
  }
  return total;
}

/** Sum of file sizes (and dirs/links as 0) of every present node below and including `node`. */
export function subtreeBytes(tree: UnionTree, node: number): number {
  let total = 0;
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n !== 0) {
      const ix = tree.layers[tree.layer[n]!]!;
      const e = tree.entry[n]!;
      if (ix.kind[e] === KIND.file) total += ix.sizeOf(e);
    }
    for (const c of tree.childrenOf(n)) stack.push(c);
  }
  return total;
}

/**
 * Cumulative and minimum size and count per leaf path, keyed by union node (or by path for a whiteout naming
 * nothing): typed columns indexed by node instead of an object per path, visited in first-recorded order.
 */
class PathSizes {
  private cum: Float64Array;
  private min: Float64Array;
  private count: Int32Array;
  /** keys in first-recorded order: a node id, or -(i + 1) for paths[i] */
  private order: Int32Array;
  private size = 0;
  private readonly paths: string[] = [];
  private readonly pathSlot = new Map<string, number>();
  private readonly pathData: { cum: number; min: number; count: number }[] = [];

  /** `nodes`: how many node ids to make room for (more still fit, by growing) */
  constructor(nodes = 1024) {
    this.cum = new Float64Array(nodes);
    this.min = new Float64Array(nodes);
    this.count = new Int32Array(nodes);
    this.order = new Int32Array(nodes);
  }

  record(key: number | string, size: number): void {
    if (typeof key === 'string') {
      const slot = this.pathSlot.get(key);
      if (slot !== undefined) {
        const d = this.pathData[slot]!;
        d.cum += size;
        if (size < d.min) d.min = size;
        d.count++;
        return;
      }
      this.pathSlot.set(key, this.paths.length);
      this.paths.push(key);
      this.pathData.push({ cum: size, min: size, count: 1 });
      this.push(-this.paths.length);
      return;
    }
    if (key >= this.count.length) this.growNodes(key + 1);
    if (this.count[key]! > 0) {
      this.cum[key]! += size;
      if (size < this.min[key]!) this.min[key] = size;
      this.count[key]!++;
      return;
    }
    this.cum[key] = size;
    this.min[key] = size;
    this.count[key] = 1;
    this.push(key);
  }

  forEach(f: (key: number | string, d: { readonly cum: number; readonly min: number; readonly count: number }) => void): void {
    for (let i = 0; i < this.size; i++) {
      const k = this.order[i]!;
      if (k < 0) f(this.paths[-k - 1]!, this.pathData[-k - 1]!);
      else f(k, { cum: this.cum[k]!, min: this.min[k]!, count: this.count[k]! });
    }
  }

  private push(k: number): void {
    if (this.size >= this.order.length) this.order = grown(this.order, new Int32Array(Math.ceil(this.order.length * 1.5) + 16));
    this.order[this.size++] = k;
  }

  private growNodes(need: number): void {
    const n = Math.max(need, Math.ceil(this.count.length * 1.5) + 16);
    this.cum = grown(this.cum, new Float64Array(n));
    this.min = grown(this.min, new Float64Array(n));
    this.count = grown(this.count, new Int32Array(n));
  }
}

function grown<T extends Float64Array | Int32Array>(a: T, b: T): T {
  b.set(a);
  return b;
}
