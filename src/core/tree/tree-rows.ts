// Plain rows describing union-tree nodes (what the CLI prints and the worker sends), with hardlinks resolved
// within the stacked tree, plus a text rendering used by tests to assert whole trees. Pure.
import { FLAG } from '../layers/layer-index.ts';
import { KIND, KIND_NAMES } from '../layers/tar-header.ts';
import type { UnionTree } from './union-tree.ts';

export type NodeType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export type TreeRow = {
  readonly path: string;
  readonly type: NodeType;
  readonly size: number;
  readonly mode: string;
  readonly uid: number;
  readonly gid: number;
  readonly link?: string;
  readonly layer: number;
  /** hardlink whose target is missing, or a directory (OCI forbids hardlinks to directories) */
  readonly brokenLink?: true;
};

export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/** Describes one present node. Hardlinks become files whose link names the target; attributes come from it. */
export function describeNode(tree: UnionTree, node: number, path = tree.pathOf(node)): TreeRow {
  if (node === 0) return { path: '/', type: 'dir', size: 0, mode: '0755', uid: 0, gid: 0, layer: -1 };
  const layer = tree.layer[node]!;
  const ix = tree.layers[layer]!;
  const e = tree.entry[node]!;
  const kind = ix.kind[e]!;
  if (kind === KIND.hardlink) {
    const linkPath = ix.linkOf(e) ?? '';
    const target = (ix.flags[e]! & FLAG.badLink) === 0 ? resolveHardlink(tree, linkPath) : -1;
    const base = { path, type: 'file' as const, link: `/${linkPath}`, layer };
    if (target < 0) return { ...base, size: 0, mode: formatMode(ix.mode[e]!), uid: ix.uid[e]!, gid: ix.gid[e]!, brokenLink: true };
    const tx = tree.layers[tree.layer[target]!]!;
    const te = tree.entry[target]!;
    return { ...base, size: tx.sizeOf(te), mode: formatMode(tx.mode[te]!), uid: tx.uid[te]!, gid: tx.gid[te]! };
  }
  const type = KIND_NAMES[kind] as NodeType;
  const row = { path, type, size: kind === KIND.file ? ix.sizeOf(e) : 0, mode: formatMode(ix.mode[e]!), uid: ix.uid[e]!, gid: ix.gid[e]!, layer };
  return kind === KIND.symlink ? { ...row, link: ix.linkOf(e) ?? '' } : row;
}

/** A hardlink target must be a present regular file (following further hardlinks, bounded). */
export function resolveHardlink(tree: UnionTree, linkPath: string): number {
  let path = linkPath;
  for (let hops = 0; hops < 8; hops++) {
    const node = tree.lookup(path);
    if (node <= 0) return -1;
    const ix = tree.layers[tree.layer[node]!]!;
    const e = tree.entry[node]!;
    const kind = ix.kind[e]!;
    if (kind === KIND.file) return node;
    if (kind !== KIND.hardlink) return -1;
    path = ix.linkOf(e) ?? '';
  }
  return -1;
}

/** Every present node below the root, sorted by path (byte order of the UTF-16 strings). */
export function listRows(tree: UnionTree): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (node: number, prefix: string) => {
    for (const c of tree.childrenOf(node)) {
      const path = `${prefix}/${tree.nameOf(c)}`;
      rows.push(describeNode(tree, c, path));
      if (tree.kindOf(c) === KIND.dir) walk(c, path);
    }
  };
  walk(0, '');
  rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return rows;
}

/** Cumulative bytes of regular files under each present directory node. */
export function directorySizes(tree: UnionTree): Float64Array {
  const sizes = new Float64Array(tree.count);
  const order: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const n = stack.pop()!;
    order.push(n);
    for (const c of tree.childrenOf(n)) stack.push(c);
  }
  for (let i = order.length - 1; i > 0; i--) {
    const n = order[i]!;
    if (tree.kindOf(n) === KIND.file) {
      const ix = tree.layers[tree.layer[n]!]!;
      sizes[n] = ix.sizeOf(tree.entry[n]!);
    }
    sizes[tree.parent[n]!]! += sizes[n]!;
  }
  return sizes;
}

/** Indented text of the tree, children sorted by name: "name/" for dirs, "name -> target" for links. */
export function renderTree(tree: UnionTree, options: { sizes?: boolean; layers?: boolean } = {}): string {
  const lines: string[] = [];
  const walk = (node: number, depth: number) => {
    const kids = tree.childrenOf(node).map((c) => ({ c, name: tree.nameOf(c) })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const { c, name } of kids) {
      const row = describeNode(tree, c);
      let line = `${'  '.repeat(depth)}${name}${row.type === 'dir' ? '/' : ''}`;
      if (row.link !== undefined) line += ` ${row.type === 'symlink' ? '->' : '=>'} ${row.link}${row.brokenLink ? ' (broken)' : ''}`;
      if (options.sizes && row.type === 'file') line += ` ${row.size}`;
      if (options.layers) line += ` @${row.layer}`;
      lines.push(line);
      if (row.type === 'dir') walk(c, depth + 1);
    }
  };
  walk(0, 0);
  return lines.join('\n');
}
