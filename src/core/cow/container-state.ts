// Mutable state of one simulated container (owned by a single simulation run): the upper/rw layer as path slots
// over the image and the init layer, inodes, volume mounts and open fds. Pure (no I/O); never shared across runs.
import type { DriverModel } from '../drivers/driver-model.ts';
import { deriveContainerIds } from '../drivers/layer-ids.ts';
import type { EntryType, LayerEntry, LowerView } from './lower-view.ts';
import type { SimulatorOptions } from './options.ts';
import { baseName, joinPath, parentPath } from './paths.ts';

export type FileType = Exclude<EntryType, 'hardlink'>;
export type LayerRef = { readonly kind: 'image'; readonly index: number } | { readonly kind: 'init' } | { readonly kind: 'container' } | { readonly kind: 'mount'; readonly mount: string };

export type Inode = {
  readonly id: number;
  type: FileType;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkTarget: string | undefined;
  /** Known bytes, kept only while every byte of the file is known. */
  content: Uint8Array | undefined;
  /** Bumped on every data change; an fd that still reads an older inode is stale. */
  version: number;
  /** Where the data bytes are read from while untouched. */
  origin: LayerRef;
  /** Lower path this inode was copied up / materialized from. */
  lowerKey: string | undefined;
  /** Leading bytes still shared with the image (snapshot blocks, reflinked extents). */
  sharedBytes: number;
  /** Allocation units the container layer owns privately: unit index → bytes it occupies. */
  privateUnits: Map<number, number>;
  /** overlay metacopy: metadata copied up, data still in the lower file. */
  metacopy: boolean;
};

export type Slot =
  | { readonly kind: 'object'; readonly inode: Inode; opaque: boolean; redirect: string | undefined; pseudoLink: boolean }
  | { readonly kind: 'whiteout' };

export type OpenFile = { readonly path: string; readonly inode: Inode | undefined; readonly lowerKey: string | undefined; readonly write: boolean; readonly append: boolean; offset: number };

export type Mount = { readonly path: string; readonly kind: 'volume' | 'bind-file' };

export const CONTAINER_EPOCH = 1_800_000_000;

export type ContainerState = {
  readonly view: LowerView;
  readonly driver: DriverModel;
  readonly options: SimulatorOptions;
  readonly ids: { readonly containerId: string; readonly mountId: string; readonly initId: string };
  readonly init: Map<string, LayerEntry>;
  readonly upper: Map<string, Slot>;
  readonly upperChildren: Map<string, Set<string>>;
  readonly mounts: readonly Mount[];
  readonly mounted: Map<string, Inode>;
  /** Inodes made for image objects (shared by their hardlink names where the driver keeps links). */
  readonly lowerInodes: Map<string, Inode>;
  readonly fds: Map<number, OpenFile>;
  /** Visible (non-pseudo-link) names per inode id in the upper layer. */
  readonly links: Map<number, number>;
  clock: number;
  nextInode: number;
};

/** Files Docker bind-mounts from containers/<id>/ over the rootfs (container_unix.go). */
export const BIND_FILES = ['/etc/hostname', '/etc/hosts', '/etc/resolv.conf'];

/** Starts a container: the init layer (initlayer/setup_unix.go) over the image, mounts, no changes yet. */
export function createContainerState(view: LowerView, driver: DriverModel, options: SimulatorOptions): ContainerState {
  const top = view.layers[view.layers.length - 1]?.chainId ?? 'sha256:empty';
  const state: ContainerState = {
    view, driver, options, ids: deriveContainerIds(top, driver.name), init: new Map(), upper: new Map(), upperChildren: new Map(),
    mounts: [...options.volumes.map((path) => ({ path, kind: 'volume' as const })), ...BIND_FILES.map((path) => ({ path, kind: 'bind-file' as const }))],
    mounted: new Map(), lowerInodes: new Map(), fds: new Map(), links: new Map(), clock: CONTAINER_EPOCH, nextInode: 1_000_000,
  };
  const t = CONTAINER_EPOCH - 1;
  const dir = (path: string): LayerEntry => ({ path, type: 'dir', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: t });
  const add = (entry: LayerEntry): void => {
    for (let p = parentPath(entry.path); p !== '/'; p = parentPath(p)) if (!existsBelow(state, p)) state.init.set(p, dir(p));
    if (!existsBelow(state, entry.path)) state.init.set(entry.path, entry);
  };
  for (const p of ['/dev/pts', '/dev/shm', '/proc', '/sys']) add(dir(p));
  for (const p of ['/.dockerenv', '/etc/resolv.conf', '/etc/hosts', '/etc/hostname', '/dev/console']) add({ path: p, type: 'file', size: 0, mode: 0o755, uid: 0, gid: 0, mtime: t });
  add({ path: '/etc/mtab', type: 'symlink', size: 0, mode: 0o777, uid: 0, gid: 0, mtime: t, linkTarget: '/proc/mounts' });
  for (const m of state.mounts) {
    state.mounted.set(m.path, newInode(state, m.kind === 'volume' ? 'dir' : 'file', { kind: 'mount', mount: m.path }, m.kind === 'volume' ? 0o755 : 0o644));
    if (m.kind === 'volume' && !existsBelow(state, m.path)) {
      // Docker creates a missing mount point in the container's rw layer (derived).
      setSlot(state, m.path, { kind: 'object', inode: newInode(state, 'dir', { kind: 'container' }, 0o755), opaque: false, redirect: undefined, pseudoLink: false });
    }
  }
  return state;
}

function existsBelow(state: ContainerState, path: string): boolean {
  return state.init.has(path) || state.view.lookup(path).kind === 'found';
}

export function newInode(state: ContainerState, type: FileType, origin: LayerRef, mode: number): Inode {
  return {
    id: state.nextInode++, type, size: 0, mode, uid: 0, gid: 0, mtime: state.clock, linkTarget: undefined, content: type === 'file' ? new Uint8Array(0) : undefined,
    version: 0, origin, lowerKey: undefined, sharedBytes: 0, privateUnits: new Map(), metacopy: false,
  };
}

/** An inode for an image/init object, with its attributes; data is still below (shared). */
export function inodeFromEntry(state: ContainerState, entry: LayerEntry, origin: LayerRef, lowerKey: string): Inode {
  const type: FileType = entry.type === 'hardlink' ? 'file' : entry.type;
  return {
    id: state.nextInode++, type, size: entry.size, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime,
    linkTarget: entry.type === 'symlink' ? entry.linkTarget : undefined, content: entry.size === 0 && type === 'file' ? new Uint8Array(0) : undefined,
    version: 0, origin, lowerKey, sharedBytes: type === 'file' ? entry.size : 0, privateUnits: new Map(), metacopy: false,
  };
}

function countLink(state: ContainerState, slot: Slot | undefined, delta: number): void {
  if (slot?.kind !== 'object' || slot.pseudoLink) return;
  state.links.set(slot.inode.id, (state.links.get(slot.inode.id) ?? 0) + delta);
}

/** How many visible names the container layer gives this inode. */
export function linkCount(state: ContainerState, inode: Inode): number {
  return state.links.get(inode.id) ?? 0;
}

export function setSlot(state: ContainerState, path: string, slot: Slot): void {
  countLink(state, state.upper.get(path), -1);
  countLink(state, slot, 1);
  state.upper.set(path, slot);
  const dir = parentPath(path);
  const names = state.upperChildren.get(dir) ?? new Set<string>();
  names.add(baseName(path));
  state.upperChildren.set(dir, names);
}

export function deleteSlot(state: ContainerState, path: string): void {
  countLink(state, state.upper.get(path), -1);
  state.upper.delete(path);
  state.upperChildren.get(parentPath(path))?.delete(baseName(path));
}

/** Upper paths strictly below `dir`, deepest first. */
export function upperDescendants(state: ContainerState, dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const name of state.upperChildren.get(d) ?? []) {
      const p = joinPath(d, name);
      visit(p);
      out.push(p);
    }
  };
  visit(dir);
  return out;
}

/** The mount a path lies in (volume or bind-mounted file), if any. */
export function mountOf(state: ContainerState, path: string): Mount | undefined {
  return state.mounts.find((m) => path === m.path || (m.kind === 'volume' && path.startsWith(`${m.path}/`)));
}

export function layerName(ref: LayerRef): string {
  switch (ref.kind) {
    case 'image': return `L${ref.index}`;
    case 'init': return 'init';
    case 'container': return 'container';
    case 'mount': return `mount:${ref.mount}`;
  }
}
