// Bringing an object into the container layer before a change: union drivers copy it up (parents as directories
// first, then the object: whole data, no data for O_TRUNC, metadata only with metacopy); snapshot drivers and vfs
// modify it in place, keeping hardlinks. kernel overlayfs.rst, copy_up.c; aufs design notes (drivers.md §3). Pure.
import { ancestorsOf } from './paths.ts';
import { lstatNode, type Node } from './container-lookup.ts';
import { inodeFromEntry, setSlot, type ContainerState, type Inode } from './container-state.ts';
import { allocationUnit, chargeDataCopyUp, clonesData } from './cow-accounting.ts';
import { addNote, addUnique, type StepLog } from './step-log.ts';

export type CopyUpReason = 'open-write' | 'open-trunc' | 'setattr' | 'link' | 'rename';

const isUnion = (state: ContainerState): boolean => state.driver.semantics.kind === 'union';
const isOverlay = (state: ContainerState): boolean => state.driver.semantics.kind === 'union' && state.driver.semantics.implementation === 'overlayfs';

/** Union drivers: copy up every ancestor that is still only below, as a directory without its children. */
export function ensureParents(state: ContainerState, log: StepLog, path: string): void {
  if (!isUnion(state)) return;
  for (const a of ancestorsOf(path)) {
    if (state.upper.has(a)) continue;
    const node = lstatNode(state, a);
    if (node?.where !== 'lower') continue;
    setSlot(state, a, { kind: 'object', inode: inodeFromEntry(state, node.entry, node.layer, node.lowerPath), opaque: false, redirect: undefined, pseudoLink: false });
    addUnique(log.parentDirsCopiedUp, a);
    log.rules.add('parent-dirs');
  }
}

/** Makes `node` writable in the container layer for `reason`; returns the inode that now holds it. */
export function makeWritable(state: ContainerState, log: StepLog, node: Node, reason: CopyUpReason): Inode {
  if (node.where === 'mount') return node.inode;
  if (node.where === 'upper') {
    const inode = node.inode;
    if (inode.metacopy && (reason === 'open-write' || reason === 'open-trunc')) {
      // metacopy: the data is copied up at the first open for write (overlayfs.rst).
      log.rules.add('copy-up');
      chargeDataCopyUp(state, log, inode, reason === 'open-trunc' ? 0 : inode.size);
      addUnique(log.copiedUp, node.path);
      addNote(log, 'metacopy file: data copied up at open for write');
    }
    return inode;
  }
  const existing = state.lowerInodes.get(node.lowerPath);
  const inode = existing && !isUnion(state) ? existing : inodeFromEntry(state, node.entry, node.layer, node.lowerPath);
  if (!isUnion(state)) {
    materializeInPlace(state, log, node, inode);
    return inode;
  }
  ensureParents(state, log, node.path);
  const type = inode.type;
  if (type === 'file') {
    const metaOnly = isOverlay(state) && state.options.metacopy && (reason === 'setattr' || reason === 'link' || reason === 'rename');
    if (reason === 'open-trunc' && isOverlay(state)) {
      log.rules.add('copy-up-trunc');
      inode.size = 0;
      inode.sharedBytes = 0;
      inode.content = new Uint8Array(0);
    } else if (metaOnly) {
      log.rules.add('setattr');
      inode.metacopy = true;
      addNote(log, 'metacopy=on: metadata-only copy-up; the data stays in the lower layer until opened for write');
    } else {
      log.rules.add(reason === 'open-trunc' ? 'copy-up-trunc' : reason === 'setattr' ? 'setattr' : reason === 'link' ? 'link' : 'copy-up');
      chargeDataCopyUp(state, log, inode, inode.size);
    }
    inode.origin = inode.metacopy ? inode.origin : { kind: 'container' };
  }
  setSlot(state, node.path, { kind: 'object', inode, opaque: false, redirect: undefined, pseudoLink: false });
  addUnique(log.copiedUp, node.path);
  state.lowerInodes.set(node.lowerPath, inode);
  if (type === 'file') handleHardlinkPeers(state, log, node, inode);
  return inode;
}

/** overlay with index=off (Docker's setting) breaks the link; aufs pseudo-links and overlay index=on keep it. */
function handleHardlinkPeers(state: ContainerState, log: StepLog, node: Extract<Node, { where: 'lower' }>, inode: Inode): void {
  if (node.layer.kind !== 'image') return;
  const peers = state.view.hardlinkPeers(node.lowerPath).filter((p) => !state.upper.has(p));
  if (peers.length === 0) return;
  log.rules.add('hardlinks');
  const keep = state.driver.semantics.kind === 'union' && (state.driver.semantics.implementation === 'aufs' || state.options.index);
  for (const peer of peers) {
    if (keep) setSlot(state, peer, { kind: 'object', inode, opaque: false, redirect: undefined, pseudoLink: true });
    else addUnique(log.brokenHardlinks, peer);
  }
  if (keep) addNote(log, state.driver.name === 'aufs' ? 'hardlink kept through a pseudo-link in .wh..wh.plnk' : 'hardlink kept through the overlay index (index=on)');
  else addNote(log, 'hardlink broken: the other names still see the lower inode (index=off)');
}

/** Snapshot drivers and vfs: the object is changed where it is; every hardlink name shares the inode. */
function materializeInPlace(state: ContainerState, log: StepLog, node: Extract<Node, { where: 'lower' }>, inode: Inode): void {
  if (state.driver.semantics.kind === 'copy' && !clonesData(state) && inode.type === 'file') {
    // vfs made a private copy of everything when the container was created; those blocks are its own.
    inode.sharedBytes = 0;
    for (let i = 0; i < Math.ceil(inode.size / allocationUnit(state)); i++) inode.privateUnits.set(i, allocationUnit(state));
    inode.origin = { kind: 'container' };
  }
  const names = [node.path, ...(node.layer.kind === 'image' ? state.view.hardlinkPeers(node.lowerPath) : [])];
  for (const name of names) {
    if (!state.upper.has(name)) setSlot(state, name, { kind: 'object', inode, opaque: false, redirect: undefined, pseudoLink: false });
  }
  state.lowerInodes.set(node.lowerPath, inode);
  log.rules.add('in-place');
}
