// Sizes of the container layer: what `docker ps -s` reports (apparent size of the rw dir, or the naive ChangesSize
// of A/C files; moby directory.Size / archive.ChangesSize), vfs's private copy of the image, and the ContainerDelta
// export of the upper layer for layouts, diff and commit. Pure.
import { comparePaths } from './paths.ts';
import type { ContainerDelta, DeltaEntry } from './container-delta.ts';
import type { ContainerState } from './container-state.ts';
import { clonesData } from './cow-accounting.ts';
import { naiveChanges, type DiffChange } from './diff.ts';
import { lstatNode } from './container-lookup.ts';

const roundUp = (n: number, u: number): number => Math.ceil(n / u) * u;

/** vfs pays a private copy of the image (and init files) when the container is created, unless it can reflink. */
export function imageCopyBytes(state: ContainerState): number {
  if (state.driver.semantics.kind !== 'copy' || clonesData(state)) return 0;
  const unit = state.driver.allocationUnit(state.options);
  let total = 0;
  const walk = (dir: string): void => {
    for (const child of state.view.listDir(dir) ?? []) {
      if (child.entry.type === 'file') total += roundUp(child.entry.size, unit);
      else if (child.entry.type === 'dir') walk(child.entry.path);
    }
  };
  walk('/');
  return total;
}

/** `docker ps -s` SIZE of the container layer, per the driver's DiffSize (naive changes are computed when needed). */
export function containerLayerBytes(state: ContainerState, known?: readonly DiffChange[]): number {
  const seen = new Set<number>();
  let total = 0;
  if (state.driver.sizeMethod(state.options) === 'diff-dir') {
    for (const slot of state.upper.values()) {
      if (slot.kind !== 'object' || slot.pseudoLink || slot.inode.type === 'dir' || seen.has(slot.inode.id)) continue;
      seen.add(slot.inode.id);
      total += slot.inode.size;
    }
    return total;
  }
  for (const c of known ?? naiveChanges(state)) {
    if (c.kind === 'D') continue;
    const node = lstatNode(state, c.path, true);
    if (!node || node.where === 'mount') continue;
    const type = node.where === 'lower' ? node.entry.type : node.inode.type;
    if (type === 'dir') continue;
    if (node.where === 'upper') {
      if (seen.has(node.inode.id)) continue;
      seen.add(node.inode.id);
      total += node.inode.size;
    } else total += node.entry.size;
  }
  return total;
}

/** The upper layer as plain data (tar-walk order), with the init layer's entries. */
export function containerDelta(state: ContainerState): ContainerDelta {
  const entries: DeltaEntry[] = [];
  for (const [path, slot] of [...state.upper].sort((a, b) => comparePaths(a[0], b[0]))) {
    if (slot.kind === 'whiteout') { entries.push({ kind: 'whiteout', path }); continue; }
    const i = slot.inode;
    entries.push({
      kind: 'object', path, type: i.type, size: i.size, mode: i.mode, uid: i.uid, gid: i.gid, mtime: i.mtime, inode: i.id,
      overLower: i.lowerKey !== undefined, opaque: slot.opaque, metacopy: i.metacopy, pseudoLink: slot.pseudoLink,
      ...(i.linkTarget !== undefined ? { linkTarget: i.linkTarget } : {}),
      ...(slot.redirect !== undefined ? { redirect: slot.redirect } : {}),
      ...(i.content !== undefined && i.content.length === i.size ? { content: i.content } : {}),
    });
  }
  return {
    entries, initEntries: [...state.init.values()].sort((a, b) => comparePaths(a.path, b.path)),
    containerId: state.ids.containerId, mountId: state.ids.mountId, initId: state.ids.initId, volumes: state.options.volumes,
  };
}
