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
  const cum = new Map<number | string, { cum: number; min: number; count: number }>();
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
  const record = (key: number | string, size: number) => {
    const d = cum.get(key);
    if (d) {
      d.cum += size;
      if (size < d.min) d.min = size;
      d.count++;
    } else cum.set(key, { cum: size, min: size, count: 1 });
  };

  for (let L = 0; L < layers.length; L++) {
    const ix = layers[L]!;
    const n = ix.count;
    const hasChild = new Uint8Array(n);
    for (let e = 1; e < n; e++) if (ix.kind[e] !== KIND.opaque) hasChild[ix.parent[e]!] = 1;
    // Whiteout sizes come from the tree as of the layer below (dive stacks layers 0..L-1).
    const whiteoutSize = new Map<number, { size: number; key: number | string }>();
    for (let e = 1; e < n; e++) {
      if (ix.kind[e] !== KIND.whiteout) continue;
      const dir = ix.pathOf(ix.parent[e]!);
      const path = `${dir === '/' ? '' : dir}/${ix.nameOf(e).slice(4)}`;
      const node = tree.lookup(path);
      whiteoutSize.set(e, { size: node >= 0 && tree.kindOf(node) === KIND.dir ? subtreeBytes(tree, node) : 0, key: node >= 0 ? node : path });
    }
    tree.stack(ix, observer);
    const nodes = tree.nodeOfEntry[L]!;
    for (let e = 1; e < n; e++) {
      const kind = ix.kind[e]!;
      if (hasChild[e] || kind === KIND.opaque || !(ix.flags[e]! & FLAG.explicit)) continue;
      if (kind === KIND.whiteout) {
        const w = whiteoutSize.get(e)!;
        record(w.key, w.size);
      } else if (nodes[e]! >= 0) {
        record(nodes[e]!, kind === KIND.file ? ix.sizeOf(e) : 0);
      }
    }
  }

  let minSum = 0;
  let cumSum = 0;
  let wasted = 0;
  const inefficiencies: Inefficiency[] = [];
  for (const [key, d] of cum) {
    minSum += d.min;
    cumSum += d.cum;
    if (d.count >= 2) {
      wasted += d.cum;
      inefficiencies.push({ path: typeof key === 'number' ? tree.pathOf(key) : key, count: d.count, cumulativeSize: d.cum });
    }
  }
  inefficiencies.sort((a, b) => b.cumulativeSize - a.cumulativeSize || (a.path < b.path ? -1 : 1));
  const sizes = layers.map(layerFileBytes);
  const sizeBytes = sizes.reduce((a, b) => a + b, 0);
  const userSizeBytes = sizeBytes - (sizes[0] ?? 0);
  const reclaimablePaths = [...deadByNode].map(([node, d]) => ({ path: tree.pathOf(node), copies: d.copies, bytes: d.bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
  return {
    tree,
    metrics: {
      efficiencyScore: cumSum === 0 ? 1 : minSum / cumSum,
      wastedBytes: wasted,
      sizeBytes,
      userSizeBytes,
      userWastedPercent: userSizeBytes === 0 ? 0 : wasted / userSizeBytes,
      inefficiencies,
      reclaimableBytes: Array.from(deadBytes).reduce((a, b) => a + b, 0),
      reclaimableByLayer: Array.from(deadBytes),
      reclaimablePaths,
    },
  };
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
