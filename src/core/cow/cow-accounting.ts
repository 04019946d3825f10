// Space accounting for the container layer in each driver's unit: backing-fs blocks for union drivers (whole-file
// copy-up, or reflink clones), thin-pool chunks, btrfs sectors, zfs records, vfs private copies. Pure.
import type { ContainerState, Inode } from './container-state.ts';
import { addNote, type StepLog } from './step-log.ts';

const FS_BLOCK = 4096;

export function allocationUnit(state: ContainerState): number {
  return state.driver.allocationUnit(state.options);
}

/** Bytes a unit occupies: a zfs file smaller than recordsize is one block of its own size (derived, ashift=12). */
function unitSpan(state: ContainerState, inode: Inode, unit: number): number {
  const u = allocationUnit(state);
  if (state.driver.semantics.kind === 'snapshot' && state.driver.semantics.unit === 'zfs-record' && inode.size <= u && unit === 0) {
    return Math.max(FS_BLOCK, Math.ceil(inode.size / FS_BLOCK) * FS_BLOCK);
  }
  return u;
}

/** Whether data copies share extents instead of copying bytes (reflink / FICLONE on the backing fs). */
export function clonesData(state: ContainerState): boolean {
  return state.options.reflink && (state.driver.semantics.kind === 'union' || state.driver.semantics.kind === 'copy');
}

/** A union copy-up of file data: whole file copied (spliced), or cloned on a reflink fs (copy_up.c). */
export function chargeDataCopyUp(state: ContainerState, log: StepLog, inode: Inode, bytes: number): void {
  inode.metacopy = false;
  if (clonesData(state)) {
    inode.sharedBytes = bytes;
    addNote(log, 'copy-up cloned the extents (reflink): no data bytes copied, blocks shared until written');
    return;
  }
  log.copiedBytes += bytes;
  inode.sharedBytes = 0;
  const u = allocationUnit(state);
  for (let i = 0; i < Math.ceil(bytes / u); i++) {
    if (!inode.privateUnits.has(i)) { inode.privateUnits.set(i, u); log.allocatedBytes += u; }
  }
}

/** A write of `length` bytes at `offset` into a container-layer inode: shared units are copied (CoW) unless fully
 *  overwritten, new units are allocated. Extends the file when the write passes its end. */
export function chargeWrite(state: ContainerState, log: StepLog, inode: Inode, offset: number, length: number): void {
  if (length <= 0) return;
  const u = allocationUnit(state);
  const end = offset + length;
  const newSize = Math.max(inode.size, end);
  const probe = { ...inode, size: newSize };
  for (let i = Math.floor(offset / u); i * u < end; i++) {
    if (inode.privateUnits.has(i)) continue;
    const span = unitSpan(state, probe, i);
    const unitStart = i * u;
    const shared = unitStart < inode.sharedBytes;
    const covered = offset <= unitStart && end >= Math.min(unitStart + span, newSize);
    if (shared && !covered) log.copiedBytes += Math.min(span, inode.sharedBytes - unitStart);
    inode.privateUnits.set(i, span);
    log.allocatedBytes += span;
  }
  inode.size = newSize;
  inode.version++;
}

/** Truncation inside the container layer: units past the new end are freed if private; shared ones stay with the
 *  image (metadata-only change for snapshot drivers). */
export function chargeTruncate(state: ContainerState, log: StepLog, inode: Inode, newSize: number): void {
  const u = allocationUnit(state);
  const keep = Math.ceil(newSize / u);
  for (const [i, bytes] of [...inode.privateUnits]) {
    if (i >= keep) { inode.privateUnits.delete(i); log.freedBytes += bytes; }
  }
  inode.sharedBytes = Math.min(inode.sharedBytes, newSize);
  if (newSize > inode.size && inode.content) inode.content = concat(inode.content, new Uint8Array(newSize - inode.size));
  else if (inode.content) inode.content = inode.content.slice(0, newSize);
  inode.size = newSize;
  inode.version++;
}

/** The last name of a container-layer inode is gone: its private units are freed — except on loop-lvm, where
 *  "blocks may not be freed" (device-mapper docs). */
export function chargeRelease(state: ContainerState, log: StepLog, inode: Inode): void {
  let bytes = 0;
  for (const b of inode.privateUnits.values()) bytes += b;
  if (bytes === 0) return;
  if (state.driver.name === 'devicemapper' && state.options.lvm === 'loop') {
    addNote(log, `${bytes} bytes of thin-pool chunks stay allocated: loop-lvm does not pass discards through`);
    log.rules.add('free-space');
    return;
  }
  if (state.driver.name === 'devicemapper') log.rules.add('free-space');
  log.freedBytes += bytes;
  inode.privateUnits.clear();
}

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
