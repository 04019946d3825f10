// Turns a window of a flattened view into protocol rows (worker side): paths, types, sizes (cumulative for
// directories), modes, hardlinks resolved to their target within the same tree, diff kind, layer and shadows.
import { KIND } from '../../core/layers/tar-header.ts';
import { DIFF_NAMES } from '../../core/tree/union-tree.ts';
import { formatMode } from '../../core/tree/tree-rows.ts';
import type { TreeRowOut } from '../../protocol/messages.ts';
import { hasVisibleChildren, type FlatView } from './flatten-view.ts';
import type { Forest } from './forest.ts';

const TYPE_OF: readonly TreeRowOut['type'][] = ['file', 'dir', 'symlink', 'file', 'char', 'block', 'fifo', 'whiteout', 'whiteout'];
const MAX_LINK_HOPS = 8;

export function pathOf(f: Forest, n: number): string {
  const parts: string[] = [];
  for (let i = n; i > 0; i = f.parent[i]!) parts.push(f.name(i));
  return `/${parts.reverse().join('/')}`;
}

/** Resolves "/a/b" (or "a/b") among present nodes without following symlinks; -1 when absent. */
export function lookupPath(f: Forest, path: string): number {
  let node = 0;
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    let found = -1;
    for (let c = f.firstChild[node]!; c >= 0; c = f.nextSibling[c]!) {
      if (f.present(c) && f.name(c) === seg) {
        found = c;
        break;
      }
    }
    if (found < 0) return -1;
    node = found;
  }
  return node;
}

/** The regular file a hardlink names, following hardlink chains (bounded); -1 when broken. */
export function resolveHardlinkNode(f: Forest, n: number): number {
  let node = n;
  for (let hops = 0; hops < MAX_LINK_HOPS; hops++) {
    const a = f.attrs(node);
    if (a.kind === KIND.file) return node;
    if (a.kind !== KIND.hardlink || a.badLink || a.link === undefined) return -1;
    node = lookupPath(f, a.link);
    if (node <= 0) return -1;
  }
  return -1;
}

export function describeRow(f: Forest, view: FlatView, row: number): TreeRowOut {
  const n = view.rows[row]!;
  const a = f.attrs(n);
  const isDir = a.kind === KIND.dir;
  let { size, mode, uid, gid } = a;
  let link: string | null = null;
  if (a.kind === KIND.symlink) link = a.link ?? '';
  else if (a.kind === KIND.hardlink) {
    link = `/${a.link ?? ''}`;
    const target = resolveHardlinkNode(f, n);
    if (target > 0) ({ size, mode, uid, gid } = f.attrs(target));
    else size = 0;
  } else if (isDir) size = f.size(n);
  else if (a.kind !== KIND.file) size = 0;
  return {
    path: pathOf(f, n),
    name: f.name(n),
    depth: view.depth[row]!,
    type: TYPE_OF[a.kind] ?? 'file',
    size, mode: formatMode(mode), uid, gid, link,
    diff: DIFF_NAMES[f.diff(n)] ?? 'unmodified',
    layer: a.layer,
    shadows: f.shadows(n),
    hasChildren: isDir && hasVisibleChildren(f, view.keep, n),
    expanded: view.open[row] === 1,
  };
}

export function windowRows(f: Forest, view: FlatView, start: number, count: number): TreeRowOut[] {
  const from = Math.max(0, Math.floor(start));
  const to = Math.min(view.total, from + Math.max(0, Math.floor(count)));
  const out: TreeRowOut[] = [];
  for (let i = from; i < to; i++) out.push(describeRow(f, view, i));
  return out;
}
