// Flattens a forest into the rows a virtualized list shows (worker side): children of open directories, sorted
// by name or by size, filtered by diff kind and search. Computed once per view into typed arrays, so any window
// of rows afterwards costs only its own rows, whatever the tree size.
import { DIFF } from '../../core/tree/union-tree.ts';
import type { Forest } from './forest.ts';

export type FlatView = {
  readonly total: number;
  /** node id per row */
  readonly rows: Int32Array;
  readonly depth: Uint16Array;
  /** 1 when the row is a directory shown open */
  readonly open: Uint8Array;
  /** per node: 1 = selected by the filters, 2 = has a selected descendant; undefined when nothing filters */
  readonly keep: Uint8Array | undefined;
};

export type FlattenOptions = {
  /** open directories by path ("/a/b"), or every directory */
  readonly expanded: ReadonlySet<string> | 'all';
  /** search on the full path; when set, matches and their ancestors are shown, the ancestors open */
  readonly match: ((path: string) => boolean) | undefined;
  /** diff codes to show; undefined shows every kind */
  readonly kinds: ReadonlySet<number> | undefined;
  readonly sort: 'name' | 'size';
};

/** Marks selected nodes (bit 1) and their ancestors (bit 2); parents have smaller ids than their children. */
function computeKeep(f: Forest, options: FlattenOptions): Uint8Array | undefined {
  const { match, kinds } = options;
  if (!match && !kinds) return undefined;
  const keep = new Uint8Array(f.count);
  const kindOk = (n: number) => !kinds || kinds.has(f.diff(n));
  if (match) {
    // Depth-first with path prefixes, so each node's path is built once from its parent's.
    const nodes: number[] = [0];
    const prefixes: string[] = [''];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      const prefix = prefixes.pop()!;
      for (let c = f.firstChild[n]!; c >= 0; c = f.nextSibling[c]!) {
        if (!f.present(c)) continue;
        const path = `${prefix}/${f.name(c)}`;
        if (match(path) && kindOk(c)) keep[c] = 1;
        if (f.firstChild[c]! >= 0) {
          nodes.push(c);
          prefixes.push(path);
        }
      }
    }
  } else {
    for (let n = 1; n < f.count; n++) if (f.present(n) && kindOk(n)) keep[n] = 1;
  }
  for (let n = f.count - 1; n > 0; n--) if (keep[n] && f.present(n)) keep[f.parent[n]!]! |= 2;
  return keep;
}

export function flattenView(f: Forest, options: FlattenOptions): FlatView {
  const keep = computeKeep(f, options);
  const byName = (a: number, b: number) => f.nameRank(a) - f.nameRank(b) || a - b;
  const bySize = (a: number, b: number) => f.size(b) - f.size(a) || byName(a, b);
  const compare = options.sort === 'size' ? bySize : byName;
  const { expanded } = options;
  const searching = options.match !== undefined;
  let rows = new Int32Array(1024);
  let depth = new Uint16Array(1024);
  let open = new Uint8Array(1024);
  let total = 0;
  const push = (n: number, d: number, isOpen: boolean) => {
    if (total === rows.length) {
      const grow = <T extends Int32Array | Uint16Array | Uint8Array>(a: T, b: T): T => { b.set(a); return b; };
      rows = grow(rows, new Int32Array(total * 2));
      depth = grow(depth, new Uint16Array(total * 2));
      open = grow(open, new Uint8Array(total * 2));
    }
    rows[total] = n;
    depth[total] = d;
    open[total] = isOpen ? 1 : 0;
    total++;
  };
  const kids: number[] = [];
  // Stack of nodes to emit (children pushed in reverse sorted order); paths kept only for expansion checks.
  const stackNode: number[] = [];
  const stackDepth: number[] = [];
  const stackPath: string[] = [];
  const pushChildren = (n: number, d: number, path: string) => {
    kids.length = 0;
    for (let c = f.firstChild[n]!; c >= 0; c = f.nextSibling[c]!) if (f.present(c) && (!keep || keep[c])) kids.push(c);
    if (kids.length <= SMALL_DIR) sortSmall(f, kids, options.sort);
    else kids.sort(compare);
    for (let i = kids.length - 1; i >= 0; i--) {
      stackNode.push(kids[i]!);
      stackDepth.push(d);
      stackPath.push(path);
    }
  };
  const needPaths = !searching && expanded !== 'all';
  pushChildren(0, 0, '');
  while (stackNode.length > 0) {
    const n = stackNode.pop()!;
    const d = stackDepth.pop()!;
    const parentPath = stackPath.pop()!;
    let isOpen = false;
    let path = '';
    if (f.isDir(n) && f.firstChild[n]! >= 0) {
      if (searching) isOpen = keep !== undefined && (keep[n]! & 2) !== 0;
      else if (expanded === 'all') isOpen = true;
      else {
        path = `${parentPath}/${f.name(n)}`;
        isOpen = expanded.has(path);
      }
    }
    push(n, d, isOpen);
    if (isOpen) pushChildren(n, d + 1, needPaths ? path : '');
  }
  return { total, rows, depth, open, keep };
}

/**
 * Directories up to this size sort on their names directly; bigger ones use the pool-wide name ranks. Both give the
 * same order (ranks are string order), but ranking sorts every name of the pool, which the first rows of a freshly
 * opened million-entry tree should not wait for.
 */
const SMALL_DIR = 256;

function sortSmall(f: Forest, kids: number[], sort: 'name' | 'size'): void {
  if (kids.length < 2) return;
  const items = kids.map((n) => ({ n, name: f.rankedName(n), size: sort === 'size' ? f.size(n) : 0 }));
  items.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : a.name > b.name ? 1 : a.n - b.n));
  for (let i = 0; i < items.length; i++) kids[i] = items[i]!.n;
}

/** Whether a directory row has a child this view would show (checked per visible row only). */
export function hasVisibleChildren(f: Forest, keep: Uint8Array | undefined, n: number): boolean {
  for (let c = f.firstChild[n]!; c >= 0; c = f.nextSibling[c]!) if (f.present(c) && (!keep || keep[c])) return true;
  return false;
}

/** Diff names as the protocol spells them, to codes. */
export const DIFF_CODES: Readonly<Record<string, number>> = { unmodified: DIFF.unmodified, added: DIFF.added, modified: DIFF.modified, removed: DIFF.removed };
