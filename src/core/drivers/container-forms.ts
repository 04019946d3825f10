// The container layer in each driver's on-disk form (drivers.md §3): overlay upper dirs (char 0/0 whiteouts,
// trusted.overlay.* xattrs), aufs rw branches (.wh. files hardlinked to .wh..wh.aufs), and the changed paths of a
// full-filesystem driver. Pure.
import type { ContainerDelta, DeltaObject } from '../cow/container-delta.ts';
import { baseName, parentPath } from '../cow/paths.ts';
import { nodesFromPaths, type LayoutNode } from './layout-tree.ts';

type Flat = { path: string; node: Omit<LayoutNode, 'name' | 'children'> };

function objectNode(o: DeltaObject, xattrs: Record<string, string>): Flat['node'] {
  const base = { type: o.type as LayoutNode['type'], mode: o.mode, ...(Object.keys(xattrs).length > 0 ? { xattrs } : {}) };
  if (o.type === 'file') return { ...base, size: o.size };
  if (o.type === 'symlink') return { ...base, target: o.linkTarget ?? '' };
  return base;
}

function hardlinkNotes(objects: readonly DeltaObject[]): Map<DeltaObject, string> {
  const first = new Map<number, string>();
  const out = new Map<DeltaObject, string>();
  for (const o of objects) {
    if (o.type === 'dir') continue;
    const f = first.get(o.inode);
    if (f === undefined) first.set(o.inode, o.path);
    else out.set(o, f);
  }
  return out;
}

/** overlay/overlay2 upperdir: whiteouts are char devices 0/0; opaque dirs carry trusted.overlay.opaque=y. */
export function renderOverlayUpper(delta: ContainerDelta): LayoutNode[] {
  const objects = delta.entries.filter((e): e is DeltaObject => e.kind === 'object' && !e.pseudoLink);
  const links = hardlinkNotes(objects);
  const flat: Flat[] = [];
  for (const e of delta.entries) {
    if (e.kind === 'whiteout') { flat.push({ path: e.path, node: { type: 'char', device: '0/0', mode: 0, note: 'whiteout' } }); continue; }
    if (e.pseudoLink) continue;
    const x: Record<string, string> = {};
    if (e.opaque) x['trusted.overlay.opaque'] = 'y';
    if (e.redirect !== undefined) x['trusted.overlay.redirect'] = e.redirect;
    if (e.metacopy) x['trusted.overlay.metacopy'] = '';
    if (e.overLower && e.type !== 'dir' && !e.opaque) x['trusted.overlay.origin'] = '<lower file handle>';
    const node = objectNode(e, x);
    const peer = links.get(e);
    flat.push({ path: e.path, node: peer ? { ...node, linkedWith: peer } : node });
  }
  return nodesFromPaths(flat);
}

/** aufs rw branch: `.wh.<name>` whiteouts hardlinked to `.wh..wh.aufs`, `.wh..wh..opq` in opaque dirs, and the
 *  branch's own metadata entries at its root (aufs design 02struct.txt). */
export function renderAufsBranch(delta: ContainerDelta): LayoutNode[] {
  const flat: Flat[] = [
    { path: '/.wh..wh.aufs', node: { type: 'file', size: 0, mode: 0o444, note: 'whiteout base: every whiteout is a hardlink of it' } },
    { path: '/.wh..wh.orph', node: { type: 'dir', note: 'step-parent dir for orphaned copy-ups' } },
    { path: '/.wh..wh.plnk', node: { type: 'dir', note: 'pseudo-links that keep hardlinks coherent after copy-up' } },
  ];
  const objects = delta.entries.filter((e): e is DeltaObject => e.kind === 'object' && !e.pseudoLink);
  const links = hardlinkNotes(objects);
  for (const e of delta.entries) {
    if (e.kind === 'whiteout') {
      flat.push({ path: aufsWhiteoutPath(e.path), node: { type: 'file', size: 0, mode: 0o444, linkedWith: '/.wh..wh.aufs', note: 'whiteout' } });
      continue;
    }
    if (e.pseudoLink) continue;
    const peer = links.get(e);
    const node = objectNode(e, {});
    flat.push({ path: e.path, node: peer ? { ...node, linkedWith: peer } : node });
    if (e.opaque) flat.push({ path: `${e.path}/.wh..wh..opq`, node: { type: 'file', size: 0, mode: 0o444, note: 'opaque marker' } });
  }
  return nodesFromPaths(flat);
}

export function aufsWhiteoutPath(path: string): string {
  const dir = parentPath(path);
  return `${dir === '/' ? '' : dir}/.wh.${baseName(path)}`;
}

/** Full-filesystem drivers: deletions are real, so the layer shows only the changed objects (the rest is shared). */
export function renderChangedObjects(delta: ContainerDelta): LayoutNode[] {
  const flat: Flat[] = [];
  for (const e of delta.entries) {
    if (e.kind === 'object') flat.push({ path: e.path, node: objectNode(e, {}) });
  }
  return nodesFromPaths(flat);
}
