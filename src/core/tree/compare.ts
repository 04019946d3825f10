// Comparing two images: the layers they share (by digest, and by diffId so a recompressed layer still counts),
// the first layer where they differ, and a file-level diff of their merged trees sorted by size impact. Pure.
import { KIND } from '../layers/tar-header.ts';
import { describeNode, type TreeRow } from './tree-rows.ts';
import type { UnionTree } from './union-tree.ts';

export type ComparedImage = {
  readonly layers: readonly { readonly digest: string; readonly diffId: string }[];
  readonly tree: UnionTree;
  /** tree layer position → image layer index (when some layers were not stacked) */
  readonly stacked?: readonly number[];
};

export type FileChange = {
  readonly path: string;
  readonly change: 'added' | 'removed' | 'modified';
  readonly sizeA: number | null;
  readonly sizeB: number | null;
  readonly typeA: string | null;
  readonly typeB: string | null;
  /** image layer that holds the visible version on each side */
  readonly layerA: number | null;
  readonly layerB: number | null;
};

export type ImageComparison = {
  readonly shared: readonly string[];
  /** layers shared by diffId but stored with different digests (recompressed) */
  readonly sharedByDiffId: readonly { readonly diffId: string; readonly digestA: string; readonly digestB: string }[];
  readonly onlyA: readonly string[];
  readonly onlyB: readonly string[];
  /** index of the first layer where the stacks differ (by diffId); null when identical */
  readonly firstDifference: number | null;
  readonly files: readonly FileChange[];
  readonly sizeDelta: number;
};

function rowsByPath(tree: UnionTree): Map<string, { row: TreeRow; hash: string }> {
  const out = new Map<string, { row: TreeRow; hash: string }>();
  const walk = (node: number, prefix: string) => {
    for (const c of tree.childrenOf(node)) {
      const path = `${prefix}/${tree.nameOf(c)}`;
      const ix = tree.layers[tree.layer[c]!]!;
      const e = tree.entry[c]!;
      out.set(path, { row: describeNode(tree, c, path), hash: `${ix.hashHi[e]}:${ix.hashLo[e]}` });
      if (tree.kindOf(c) === KIND.dir) walk(c, path);
    }
  };
  walk(0, '');
  return out;
}

export function compareImages(a: ComparedImage, b: ComparedImage): ImageComparison {
  const digestsB = new Set(b.layers.map((l) => l.digest));
  const digestsA = new Set(a.layers.map((l) => l.digest));
  const diffB = new Map(b.layers.map((l) => [l.diffId, l.digest]));
  const shared = a.layers.filter((l) => digestsB.has(l.digest)).map((l) => l.digest);
  const sharedByDiffId = a.layers.filter((l) => !digestsB.has(l.digest) && diffB.has(l.diffId)).map((l) => ({ diffId: l.diffId, digestA: l.digest, digestB: diffB.get(l.diffId)! }));
  const recompressedA = new Set(sharedByDiffId.map((s) => s.digestA));
  const recompressedB = new Set(sharedByDiffId.map((s) => s.digestB));
  let firstDifference: number | null = null;
  const n = Math.max(a.layers.length, b.layers.length);
  for (let i = 0; i < n; i++) {
    if (a.layers[i]?.diffId !== b.layers[i]?.diffId) { firstDifference = i; break; }
  }
  const ra = rowsByPath(a.tree);
  const rb = rowsByPath(b.tree);
  const layerOf = (img: ComparedImage, l: number) => img.stacked?.[l] ?? l;
  const files: FileChange[] = [];
  for (const [path, x] of ra) {
    const y = rb.get(path);
    if (!y) files.push({ path, change: 'removed', sizeA: x.row.size, sizeB: null, typeA: x.row.type, typeB: null, layerA: layerOf(a, x.row.layer), layerB: null });
    else if (x.row.type !== y.row.type || x.row.size !== y.row.size || x.row.mode !== y.row.mode || x.row.uid !== y.row.uid || x.row.gid !== y.row.gid || x.row.link !== y.row.link || (x.row.type === 'file' && x.row.link === undefined && x.hash !== y.hash)) {
      files.push({ path, change: 'modified', sizeA: x.row.size, sizeB: y.row.size, typeA: x.row.type, typeB: y.row.type, layerA: layerOf(a, x.row.layer), layerB: layerOf(b, y.row.layer) });
    }
  }
  for (const [path, y] of rb) {
    if (!ra.has(path)) files.push({ path, change: 'added', sizeA: null, sizeB: y.row.size, typeA: null, typeB: y.row.type, layerA: null, layerB: layerOf(b, y.row.layer) });
  }
  const impact = (f: FileChange) => Math.abs((f.sizeB ?? 0) - (f.sizeA ?? 0));
  files.sort((x, y) => impact(y) - impact(x) || (x.path < y.path ? -1 : 1));
  const sizeDelta = files.reduce((s, f) => s + (f.sizeB ?? 0) - (f.sizeA ?? 0), 0);
  return {
    shared, sharedByDiffId,
    onlyA: a.layers.filter((l) => !digestsB.has(l.digest) && !recompressedA.has(l.digest)).map((l) => l.digest),
    onlyB: b.layers.filter((l) => !digestsA.has(l.digest) && !recompressedB.has(l.digest)).map((l) => l.digest),
    firstDifference, files, sizeDelta,
  };
}
