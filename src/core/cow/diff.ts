// `docker diff` of a simulated container (drivers.md §2.5): moby's naive ChangesDirs (container fs vs its init
// layer; statDifferent ignores dir size/mtime; a deleted dir is reported once) or aufs' walk of the rw branch. Pure.
import { comparePaths, joinPath } from './paths.ts';
import { listChildren, lstatNode, type Node } from './container-lookup.ts';
import type { ContainerState } from './container-state.ts';
import type { LayerEntry } from './lower-view.ts';

export type DiffKind = 'A' | 'C' | 'D';
export type DiffChange = { readonly kind: DiffKind; readonly path: string };

export function diffContainer(state: ContainerState): DiffChange[] {
  return state.driver.changesMethod === 'aufs' ? aufsChanges(state) : naiveChanges(state);
}

/** The container's parent as Changes sees it: image plus init layer, no container layer. */
function oldEntry(state: ContainerState, path: string): LayerEntry | undefined {
  const init = state.init.get(path);
  if (init) return init;
  const hit = state.view.lookup(path);
  return hit.kind === 'found' ? hit.entry : undefined;
}

function oldChildNames(state: ContainerState, dir: string): string[] {
  const names = new Set((state.view.listDir(dir) ?? []).map((c) => c.name));
  for (const p of state.init.keys()) if (p.startsWith(dir === '/' ? '/' : `${dir}/`) && !p.slice(dir.length + 1).includes('/') && p !== dir) names.add(p.slice(p.lastIndexOf('/') + 1));
  return [...names];
}

type Stat = { type: string; mode: number; uid: number; gid: number; size: number; mtime: number };
const statOf = (n: Node): Stat => (n.where === 'lower' ? { ...n.entry, type: n.entry.type === 'hardlink' ? 'file' : n.entry.type } : n.inode);
const statOfOld = (e: LayerEntry): Stat => ({ ...e, type: e.type === 'hardlink' ? 'file' : e.type });

/** moby changes_unix.go statDifferent: mode (with type), uid, gid, and size/mtime for non-directories only. */
function statDifferent(a: Stat, b: Stat): boolean {
  if (a.type !== b.type || a.mode !== b.mode || a.uid !== b.uid || a.gid !== b.gid) return true;
  return a.type !== 'dir' && (a.size !== b.size || a.mtime !== b.mtime);
}

export function naiveChanges(state: ContainerState): DiffChange[] {
  const dirty = new Set<string>();
  for (const p of state.upper.keys()) for (let q = p; q !== '/' && !dirty.has(q); q = q.slice(0, Math.max(1, q.lastIndexOf('/')))) dirty.add(q);
  const changes: DiffChange[] = [];
  const walk = (path: string, n: Node, old: LayerEntry | undefined, reported: boolean): void => {
    const at = changes.length;
    let added = reported;
    if (!old) { changes.push({ kind: 'A', path }); added = true; }
    if (statOf(n).type === 'dir') {
      const slot = state.upper.get(path);
      const full = !old || old.type !== 'dir' || (slot?.kind === 'object' && (slot.opaque || slot.redirect !== undefined));
      const fresh = listChildren(state, path, true);
      const names = new Set<string>([...fresh.keys()].filter((k) => full || dirty.has(joinPath(path, k))));
      if (old?.type === 'dir') for (const k of oldChildNames(state, path)) if (full || dirty.has(joinPath(path, k))) names.add(k);
      for (const name of [...names].sort()) {
        const cp = joinPath(path, name);
        const nc = fresh.get(name);
        const oc = old?.type === 'dir' ? oldEntry(state, cp) : undefined;
        if (nc) {
          const modified = oc !== undefined && statDifferent(statOfOld(oc), statOf(nc));
          if (modified) changes.push({ kind: 'C', path: cp });
          walk(cp, nc, oc, modified);
        } else if (oc) changes.push({ kind: 'D', path: cp });
      }
      if (changes.length > at && !added && path !== '/') changes.splice(at, 0, { kind: 'C', path });
    }
  };
  const root = lstatNode(state, '/', true);
  if (root) walk('/', root, oldEntry(state, '/') ?? { path: '/', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 }, true);
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** moby changes.go with aufs callbacks: `.wh.x` → D x (so an opaque marker shows as D <dir>/.wh..opq, derived);
 *  anything else A, or C if it exists below; dirs with the same mode and mtime as below are skipped. */
export function aufsChanges(state: ContainerState): DiffChange[] {
  const out: DiffChange[] = [];
  for (const [path, slot] of [...state.upper].sort((a, b) => comparePaths(a[0], b[0]))) {
    if (slot.kind === 'whiteout') { out.push({ kind: 'D', path }); continue; }
    if (slot.pseudoLink) continue;
    const old = oldEntry(state, slot.redirect ?? path);
    const i = slot.inode;
    if (!old) out.push({ kind: 'A', path });
    else if (!(old.type === 'dir' && i.type === 'dir' && old.mode === i.mode && old.mtime === i.mtime)) out.push({ kind: 'C', path });
    if (slot.opaque) out.push({ kind: 'D', path: `${path}/.wh..opq` });
  }
  return out;
}
