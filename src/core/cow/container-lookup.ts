// Path resolution in a simulated container: mounts, then the upper layer (whiteouts, opaque dirs, redirects), then
// the init layer, then the image; symlink following; merged directory listings; lookup depth per driver. Pure.
import type { LayerEntry } from './lower-view.ts';
import { ancestorsOf, baseName, joinPath, normalizePath } from './paths.ts';
import { mountOf, type ContainerState, type Inode, type LayerRef, type Slot } from './container-state.ts';

export type Node =
  | { readonly where: 'upper'; readonly path: string; readonly inode: Inode; readonly slot: Extract<Slot, { kind: 'object' }> }
  | { readonly where: 'lower'; readonly path: string; readonly lowerPath: string; readonly entry: LayerEntry; readonly layer: LayerRef }
  | { readonly where: 'mount'; readonly path: string; readonly inode: Inode; readonly mount: string };

export type Errno = 'ENOENT' | 'ENOTDIR' | 'ELOOP' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY' | 'EXDEV' | 'EPERM' | 'EINVAL' | 'EBADF' | 'EBUSY';

export const nodeType = (n: Node): string => (n.where === 'lower' ? (n.entry.type === 'hardlink' ? 'file' : n.entry.type) : n.inode.type);
export const nodeSize = (n: Node): number => (n.where === 'lower' ? n.entry.size : n.inode.size);
export const isDir = (n: Node | undefined): boolean => n !== undefined && nodeType(n) === 'dir';

/** Where a path's lower object would be found: opaque ancestors hide it, redirected ancestors move it. */
export function lowerPathOf(state: ContainerState, path: string): string | undefined {
  let hidden = false;
  let map: { from: string; to: string } | undefined;
  for (const a of [...ancestorsOf(path), path]) {
    const s = state.upper.get(a);
    if (s?.kind !== 'object') continue;
    if (s.redirect !== undefined) { hidden = false; map = { from: a, to: s.redirect }; } else if (s.opaque && a !== path) { hidden = true; map = undefined; }
  }
  if (hidden) return undefined;
  return map ? map.to + path.slice(map.from.length) : path;
}

/** lstat without following symlinks; every ancestor is assumed to be a real directory. */
export function lstatNode(state: ContainerState, path: string, layerOnly = false): Node | undefined {
  const mount = layerOnly ? undefined : mountOf(state, path);
  if (mount) {
    const inode = state.mounted.get(path);
    return inode ? { where: 'mount', path, inode, mount: mount.path } : undefined;
  }
  for (const a of ancestorsOf(path)) {
    const s = state.upper.get(a);
    if (s && (s.kind === 'whiteout' || s.inode.type !== 'dir')) return undefined;
  }
  const slot = state.upper.get(path);
  if (slot?.kind === 'object') return { where: 'upper', path, inode: slot.inode, slot };
  if (slot?.kind === 'whiteout') return undefined;
  return lowerNode(state, path);
}

function lowerNode(state: ContainerState, path: string): Node | undefined {
  const lowerPath = lowerPathOf(state, path);
  if (lowerPath === undefined) return undefined;
  const init = state.init.get(lowerPath);
  if (init) return { where: 'lower', path, lowerPath, entry: init, layer: { kind: 'init' } };
  const hit = state.view.lookup(lowerPath);
  if (hit.kind !== 'found') return undefined;
  return { where: 'lower', path, lowerPath, entry: hit.entry, layer: { kind: 'image', index: hit.layerIndex } };
}

export type Resolved = { readonly path: string; readonly node: Node | undefined; readonly errno?: Errno };

/** Resolves symlinks in every component (and the last one when `followLast`), like path_lookupat. */
export function resolvePath(state: ContainerState, input: string, followLast: boolean): Resolved {
  let path = input;
  for (let hops = 0; hops <= 40; hops++) {
    const parts = path === '/' ? [] : path.slice(1).split('/');
    let cur = '/';
    let restarted = false;
    for (let i = 0; i < parts.length; i++) {
      const next = joinPath(cur, parts[i]!);
      const node = lstatNode(state, next);
      const last = i === parts.length - 1;
      if (!node) return last ? { path: next, node: undefined } : { path: next, node: undefined, errno: 'ENOENT' };
      if (nodeType(node) === 'symlink' && (!last || followLast)) {
        const target = node.where === 'lower' ? node.entry.linkTarget ?? '' : node.inode.linkTarget ?? '';
        const joined = normalizePath(`${target.startsWith('/') ? target : `${cur}/${target}`}/${parts.slice(i + 1).join('/')}`);
        if (joined === undefined) return { path: next, node: undefined, errno: 'ENOENT' };
        path = joined;
        restarted = true;
        break;
      }
      if (!last && nodeType(node) !== 'dir') return { path: next, node: undefined, errno: 'ENOTDIR' };
      if (last) return { path: next, node };
      cur = next;
    }
    if (!restarted) return { path: '/', node: lstatNode(state, '/') ?? rootNode(state) };
  }
  return { path, node: undefined, errno: 'ELOOP' };
}

function rootNode(state: ContainerState): Node {
  const hit = state.view.lookup('/');
  const entry: LayerEntry = hit.kind === 'found' ? hit.entry : { path: '/', type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: 0 };
  return { where: 'lower', path: '/', lowerPath: '/', entry, layer: { kind: 'image', index: 0 } };
}

/** Merged children of a directory (names → nodes), as readdir on the container's rootfs would list them. */
export function listChildren(state: ContainerState, dir: string, layerOnly = false): Map<string, Node> {
  const out = new Map<string, Node>();
  const mount = layerOnly ? undefined : mountOf(state, dir);
  if (mount) {
    for (const p of state.mounted.keys()) {
      if (p !== dir && p.startsWith(dir === '/' ? '/' : `${dir}/`) && !p.slice(dir.length + 1).includes('/')) {
        const n = lstatNode(state, p);
        if (n) out.set(baseName(p), n);
      }
    }
    return out;
  }
  for (const name of state.upperChildren.get(dir) ?? []) {
    const n = lstatNode(state, joinPath(dir, name), layerOnly);
    if (n) out.set(name, n);
  }
  const lowerDir = lowerPathOf(state, dir);
  const slot = state.upper.get(dir);
  if (lowerDir === undefined || (slot?.kind === 'object' && slot.opaque)) return out;
  const names = new Set<string>();
  for (const [p] of state.init) if (p !== lowerDir && p.startsWith(lowerDir === '/' ? '/' : `${lowerDir}/`) && !p.slice(lowerDir.length + 1).includes('/')) names.add(baseName(p));
  for (const child of state.view.listDir(lowerDir) ?? []) names.add(child.name);
  for (const name of names) {
    if (out.has(name) || state.upper.has(joinPath(dir, name))) continue;
    const n = lstatNode(state, joinPath(dir, name), layerOnly);
    if (n) out.set(name, n);
  }
  return out;
}

/** How many layers a lookup of `path` crosses under this driver (drivers.md §1b "read", S-1). */
export function lookupDepth(state: ContainerState, path: string, node: Node | undefined): number {
  const sem = state.driver.semantics;
  if (sem.kind !== 'union') return 1;
  if (node?.where === 'mount') return 0;
  if (node?.where === 'upper') return 1;
  const lowerPath = node?.where === 'lower' ? node.lowerPath : lowerPathOf(state, path);
  if (lowerPath === undefined || state.upper.get(path)?.kind === 'whiteout') return 1;
  if (sem.lookup === 'single-lower') return 2;
  if (node?.where === 'lower' && node.layer.kind === 'init') return 2;
  return 2 + state.view.lookup(lowerPath).depth;
}
