// The on-disk layout a driver model shows: a tree of named nodes (real names and file formats) whose layer
// directories are filled on demand from the LowerView, plus a plain-text renderer used by tests. Pure.
import type { LayerEntry, LowerView } from '../cow/lower-view.ts';
import { comparePaths } from '../cow/paths.ts';
import type { DriverName, WhiteoutForm } from './driver-model.ts';

export type LayoutNode = {
  readonly name: string;
  readonly type: 'dir' | 'file' | 'symlink' | 'char' | 'block' | 'fifo';
  readonly size?: number;
  readonly mode?: number;
  /** Content of a small metadata file (cache-id, link, lower, diff …). */
  readonly text?: string;
  /** symlink target */
  readonly target?: string;
  /** Other names of the same inode (hardlinks), relative to the section root. */
  readonly linkedWith?: string;
  readonly device?: string;
  readonly xattrs?: Readonly<Record<string, string>>;
  readonly note?: string;
  readonly children?: readonly LayoutNode[];
  /** A directory whose children are an image layer's files, expanded by `expandLayoutNode`. */
  readonly contents?: LayoutContents;
};

/** `changes`: only that layer's records, whiteouts in the driver's form; `rootfs`: the full tree as of that layer. */
export type LayoutContents =
  | { readonly kind: 'changes'; readonly layerIndex: number; readonly form: WhiteoutForm }
  | { readonly kind: 'rootfs'; readonly layerIndex: number; readonly extraEntries?: readonly LayerEntry[]; readonly hardlinkedFromParent?: boolean };

export type LayoutSection = { readonly title: string; readonly root: LayoutNode; readonly note?: string };

export type DriverLayout = {
  readonly driver: DriverName;
  readonly sections: readonly LayoutSection[];
  /** Ids are derived from ChainIDs, not random as in Docker: say so in the UI. */
  readonly idsIllustrative: true;
  readonly notes: readonly string[];
};

export const dir = (name: string, children: readonly LayoutNode[] = [], extra: Partial<LayoutNode> = {}): LayoutNode => ({ name, type: 'dir', children, ...extra });
export const textFile = (name: string, text: string, note?: string): LayoutNode => ({ name, type: 'file', text, size: text.length, ...(note ? { note } : {}) });

type Flat = { path: string; node: Omit<LayoutNode, 'name' | 'children'> };

/** Builds nested nodes from flat absolute paths (parents created as plain directories when missing). */
export function nodesFromPaths(flat: readonly Flat[]): LayoutNode[] {
  type Mutable = { name: string; node: Omit<LayoutNode, 'name' | 'children'>; children: Map<string, Mutable> };
  const root: Mutable = { name: '', node: { type: 'dir' }, children: new Map() };
  for (const { path, node } of [...flat].sort((a, b) => comparePaths(a.path, b.path))) {
    let cur = root;
    const parts = path.split('/').filter((p) => p !== '');
    parts.forEach((part, i) => {
      let next = cur.children.get(part);
      if (!next) { next = { name: part, node: { type: 'dir' }, children: new Map() }; cur.children.set(part, next); }
      if (i === parts.length - 1) next.node = node;
      cur = next;
    });
  }
  const build = (m: Mutable): LayoutNode => {
    const kids = [...m.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(build);
    return { name: m.name, ...m.node, ...(m.node.type === 'dir' ? { children: kids } : {}) };
  };
  return build(root).children as LayoutNode[];
}

/** Children of a layer-contents directory, in the driver's on-disk form. */
export function expandContents(view: LowerView, contents: LayoutContents): LayoutNode[] {
  const flat: Flat[] = [];
  if (contents.kind === 'changes') {
    for (const r of view.layerRecords(contents.layerIndex)) {
      if (r.kind === 'entry') flat.push({ path: r.entry.path, node: entryNode(r.entry) });
      else if (contents.form === 'aufs-wh-file' || contents.form === 'deletion') {
        flat.push({ path: r.marker.path, node: { type: 'file', size: 0, mode: r.kind === 'whiteout' ? 0o444 : r.marker.mode } });
      } else if (r.kind === 'whiteout') {
        flat.push({ path: r.path, node: { type: 'char', device: '0/0', mode: 0, note: 'whiteout' } });
      } else {
        flat.push({ path: r.path, node: { type: 'dir', xattrs: { 'trusted.overlay.opaque': 'y' } } });
      }
    }
    return nodesFromPaths(flat);
  }
  const merged = new Map<string, Flat['node']>();
  for (let i = 0; i <= contents.layerIndex; i++) {
    for (const r of view.layerRecords(i)) {
      if (r.kind === 'entry') continue;
      for (const p of [...merged.keys()]) if (r.kind === 'whiteout' ? p === r.path || p.startsWith(`${r.path}/`) : p.startsWith(`${r.path}/`)) merged.delete(p);
    }
    for (const r of view.layerRecords(i)) {
      if (r.kind !== 'entry') continue;
      const node = entryNode(r.entry);
      // Legacy overlay: files a layer did not change are hardlinks of the parent layer's root/ copy.
      const inherited = contents.hardlinkedFromParent && i < contents.layerIndex && node.type !== 'dir';
      merged.set(r.entry.path, inherited ? { ...node, linkedWith: `../<parent>/root${r.entry.path}` } : node);
    }
  }
  for (const e of contents.extraEntries ?? []) merged.set(e.path, entryNode(e));
  return nodesFromPaths([...merged].map(([path, node]) => ({ path, node })));
}

function entryNode(e: { type: string; size: number; mode: number; linkTarget?: string }): Flat['node'] {
  if (e.type === 'hardlink') return { type: 'file', size: e.size, mode: e.mode, linkedWith: e.linkTarget ?? '' };
  const type = e.type as LayoutNode['type'];
  return { type, mode: e.mode, ...(type === 'file' ? { size: e.size } : {}), ...(e.linkTarget !== undefined ? { target: e.linkTarget } : {}) };
}

/** Renders a layout as indented text: `name/` for dirs, `-> target`, `= "text"`, `[xattr=value]`, `(char 0/0)`. */
export function renderLayout(layout: DriverLayout, view: LowerView, options: { readonly expand?: boolean; readonly maxLines?: number } = {}): string {
  const lines: string[] = [];
  const max = options.maxLines ?? 5000;
  const visit = (node: LayoutNode, depth: number): void => {
    if (lines.length >= max) return;
    lines.push(`${'  '.repeat(depth)}${describe(node)}`);
    const kids = node.contents && options.expand !== false ? expandContents(view, node.contents) : node.children ?? [];
    if (node.contents && options.expand === false) lines.push(`${'  '.repeat(depth + 1)}…`);
    for (const k of kids) visit(k, depth + 1);
  };
  for (const s of layout.sections) {
    lines.push(`# ${s.title}`);
    visit(s.root, 0);
  }
  if (lines.length >= max) lines.push('… (truncated)');
  return lines.join('\n');
}

function describe(n: LayoutNode): string {
  let s = n.type === 'dir' ? `${n.name}/` : n.name;
  if (n.type === 'symlink') s += ` -> ${n.target ?? ''}`;
  if (n.type === 'char' || n.type === 'block') s += n.device ? ` (${n.type} ${n.device})` : ` (${n.type} device)`;
  if (n.text !== undefined) s += ` = ${JSON.stringify(n.text)}`;
  else if (n.type === 'file' && n.size !== undefined) s += ` (${n.size} B)`;
  if (n.linkedWith !== undefined) s += ` [hardlink ${n.linkedWith}]`;
  if (n.xattrs) for (const [k, v] of Object.entries(n.xattrs)) s += ` [${k}=${v}]`;
  if (n.note) s += `  # ${n.note}`;
  return s;
}
