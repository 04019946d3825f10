// The simulated system calls behind the commands: open (copy-up at open for write or O_TRUNC), read, write,
// truncate, setattr, create (mkdir over a whiteout makes an opaque dir), unlink/rmdir (whiteouts or real deletion),
// link, symlink. Semantics per drivers.md §1b and §3; each one records which rule it applied. Pure.
import { kernelAtLeast } from './options.ts';
import { baseName, parentPath } from './paths.ts';
import { isDir, listChildren, lookupDepth, lowerPathOf, lstatNode, nodeType, resolvePath, type Errno, type Node } from './container-lookup.ts';
import { deleteSlot, linkCount, newInode, setSlot, upperDescendants, type ContainerState, type FileType, type Inode, type LayerRef, type OpenFile } from './container-state.ts';
import { chargeRelease, chargeTruncate, chargeWrite } from './cow-accounting.ts';
import { ensureParents, makeWritable } from './copy-up.ts';
import { addNote, type StepLog } from './step-log.ts';

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: Errno };
export const done = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = (errno: Errno): Outcome<never> => ({ ok: false, errno });

const isUnion = (s: ContainerState): boolean => s.driver.semantics.kind === 'union';

/** True if something of this path exists below the container layer (image or init), i.e. deleting it needs a whiteout. */
export function hasLowerAt(state: ContainerState, path: string): boolean {
  const lp = lowerPathOf(state, path);
  return lp !== undefined && (state.init.has(lp) || state.view.lookup(lp).kind === 'found');
}

/** Where a read of this node gets its bytes (drivers.md §1b "read"). */
export function servedFrom(state: ContainerState, node: Node): LayerRef {
  const kind = state.driver.semantics.kind;
  if (node.where === 'mount') return { kind: 'mount', mount: node.mount };
  if (kind === 'copy') return { kind: 'container' };
  if (node.where === 'lower') return node.layer;
  const inode = node.inode;
  if (kind === 'union') return inode.metacopy ? inode.origin : { kind: 'container' };
  return inode.privateUnits.size === 0 && inode.origin.kind !== 'container' ? inode.origin : { kind: 'container' };
}

export function recordLookup(state: ContainerState, log: StepLog, path: string, node: Node | undefined): void {
  log.lookupDepth = lookupDepth(state, path, node);
  log.rules.add(node?.where === 'mount' ? 'volume' : 'lookup');
}

export type OpenFlags = { readonly write: boolean; readonly trunc: boolean; readonly append: boolean; readonly create: boolean };

export function sysOpen(state: ContainerState, log: StepLog, path: string, flags: OpenFlags): Outcome<OpenFile> {
  const r = resolvePath(state, path, true);
  if (r.errno) return fail(r.errno);
  const node = r.node;
  recordLookup(state, log, r.path, node);
  if (!node) {
    if (!flags.create) return fail('ENOENT');
    const made = createObject(state, log, r.path, 'file', 0o644);
    if (!made.ok) return made;
    return done({ path: r.path, inode: made.value, lowerKey: undefined, write: true, append: flags.append, offset: 0 });
  }
  if (isDir(node) && (flags.write || flags.trunc)) return fail('EISDIR');
  if (!flags.write && !flags.trunc) {
    return done({ path: r.path, inode: node.where === 'lower' ? undefined : node.inode, lowerKey: node.where === 'lower' ? node.lowerPath : undefined, write: false, append: false, offset: 0 });
  }
  if (node.where === 'mount') addNote(log, `${node.mount} is a mount: the write bypasses the container layer`);
  const inode = makeWritable(state, log, node, flags.trunc ? 'open-trunc' : 'open-write');
  if (flags.trunc) {
    if (inode.size > 0) chargeTruncate(state, log, inode, 0);
    inode.mtime = state.clock;
  }
  return done({ path: r.path, inode, lowerKey: node.where === 'lower' ? node.lowerPath : undefined, write: true, append: flags.append, offset: 0 });
}

/** read(2) through an open file: which layer serves it, and whether the fd still sees a stale lower copy. */
export function sysRead(state: ContainerState, log: StepLog, file: OpenFile): void {
  if (file.inode) {
    const node = lstatNode(state, file.path);
    log.servedFrom = node && node.where !== 'lower' && node.inode === file.inode ? servedFrom(state, node) : { kind: 'container' };
    return;
  }
  const node = lstatNode(state, file.path);
  const copied = file.lowerKey === undefined ? undefined : state.lowerInodes.get(file.lowerKey);
  const sem = state.driver.semantics;
  log.rules.add('fd-coherence');
  if (copied && sem.kind === 'union' && sem.implementation === 'overlayfs' && !kernelAtLeast(state.options.kernel, 4, 19)) {
    log.staleRead = copied.version > 0;
    log.servedFrom = node?.where === 'lower' ? node.layer : copied.origin.kind === 'container' ? lowerOrigin(state, file.lowerKey!) : copied.origin;
    if (log.staleRead) addNote(log, 'stale read: this fd was opened before the copy-up and still reads the lower file (kernel < 4.19)');
    return;
  }
  log.staleRead = false;
  // An open fd keeps its inode even if the name was since removed or replaced.
  log.servedFrom = copied ? { kind: 'container' } : file.lowerKey !== undefined && node?.where !== 'lower' ? lowerOrigin(state, file.lowerKey) : node ? servedFrom(state, node) : { kind: 'container' };
}

function lowerOrigin(state: ContainerState, lowerKey: string): LayerRef {
  const hit = state.view.lookup(lowerKey);
  return hit.kind === 'found' ? { kind: 'image', index: hit.layerIndex } : { kind: 'init' };
}

/** write(2) of `length` bytes through an open file (append, or at `offset`). Known bytes are kept when possible. */
export function sysWrite(state: ContainerState, log: StepLog, file: OpenFile, length: number, offset: number | undefined, bytes: Uint8Array | undefined): Outcome<true> {
  if (!file.write || !file.inode) return fail('EBADF');
  const inode = file.inode;
  const at = file.append || offset === undefined ? (file.append ? inode.size : file.offset) : offset;
  if (inode.origin.kind !== 'mount') {
    log.rules.add(state.driver.semantics.kind === 'union' ? 'copy-up' : state.driver.semantics.kind === 'snapshot' ? 'block-write' : 'in-place');
    chargeWrite(state, log, inode, at, length);
  } else {
    inode.size = Math.max(inode.size, at + length);
    log.rules.add('volume');
  }
  if (inode.content && bytes && at <= inode.content.length) {
    const next = new Uint8Array(Math.max(inode.content.length, at + length));
    next.set(inode.content, 0);
    next.set(bytes, at);
    inode.content = next;
  } else inode.content = undefined;
  inode.mtime = state.clock;
  file.offset = at + length;
  return done(true);
}

export function sysFtruncate(state: ContainerState, log: StepLog, file: OpenFile, size: number): Outcome<true> {
  if (!file.write || !file.inode) return fail('EBADF');
  if (file.inode.origin.kind !== 'mount' && !isUnion(state)) log.rules.add('in-place');
  chargeTruncate(state, log, file.inode, size);
  file.inode.mtime = state.clock;
  return done(true);
}

export type Attr = { readonly mode?: number; readonly uid?: number; readonly gid?: number; readonly mtime?: number };

/** chmod/chown/utimes: overlay copies up (whole file, or metadata only with metacopy); others change metadata. */
export function sysSetattr(state: ContainerState, log: StepLog, path: string, attr: Attr): Outcome<true> {
  const r = resolvePath(state, path, true);
  if (r.errno) return fail(r.errno);
  if (!r.node) return fail('ENOENT');
  const inode = makeWritable(state, log, r.node, 'setattr');
  if (!isUnion(state) && r.node.where !== 'mount') log.rules.add('setattr');
  if (attr.mode !== undefined) inode.mode = attr.mode;
  if (attr.uid !== undefined) inode.uid = attr.uid;
  if (attr.gid !== undefined) inode.gid = attr.gid;
  if (attr.mtime !== undefined) inode.mtime = attr.mtime;
  return done(true);
}

/** Creates a new object at a path that does not exist; the parent must be a directory. */
export function createObject(state: ContainerState, log: StepLog, path: string, type: FileType, mode: number, linkTarget?: string): Outcome<Inode> {
  const parent = resolvePath(state, parentPath(path), true);
  if (parent.errno) return fail(parent.errno);
  if (!parent.node) return fail('ENOENT');
  if (!isDir(parent.node)) return fail('ENOTDIR');
  const inode = newInode(state, type, { kind: 'container' }, mode);
  if (linkTarget !== undefined) { inode.linkTarget = linkTarget; inode.size = linkTarget.length; }
  const full = parent.path === '/' ? `/${baseName(path)}` : `${parent.path}/${baseName(path)}`;
  if (parent.node.where === 'mount') {
    inode.origin = { kind: 'mount', mount: parent.node.mount };
    state.mounted.set(full, inode);
    return done(inode);
  }
  ensureParents(state, log, full);
  const overWhiteout = state.upper.get(full)?.kind === 'whiteout';
  const opaque = type === 'dir' && overWhiteout;
  if (opaque) {
    log.rules.add('recreate-dir');
    for (const p of upperDescendants(state, full)) deleteSlot(state, p);
  }
  setSlot(state, full, { kind: 'object', inode, opaque, redirect: undefined, pseudoLink: false });
  const dir = state.upper.get(parent.path);
  if (dir?.kind === 'object') dir.inode.mtime = state.clock;
  return done(inode);
}

/** Removes one name. Objects with something below get a whiteout (union) or are deleted for real (others). */
export function removeName(state: ContainerState, log: StepLog, node: Node): void {
  const path = node.path;
  // vfs owns a private copy of every file from container creation; deleting one frees it.
  const ownsCopy = node.where === 'lower' && state.driver.semantics.kind === 'copy' && nodeType(node) === 'file';
  const inode = ownsCopy ? makeWritable(state, log, node, 'setattr') : node.where === 'lower' ? state.lowerInodes.get(node.lowerPath) : node.inode;
  if (node.where === 'mount') {
    state.mounted.delete(path);
    return;
  }
  const below = hasLowerAt(state, path);
  for (const p of upperDescendants(state, path)) deleteSlot(state, p);
  if (below) {
    ensureParents(state, log, path);
    setSlot(state, path, { kind: 'whiteout' });
    log.transientWhiteouts++;
  } else deleteSlot(state, path);
  log.rules.add(nodeType(node) === 'dir' ? 'delete-dir' : 'delete-file');
  const dir = state.upper.get(parentPath(path));
  if (dir?.kind === 'object') dir.inode.mtime = state.clock;
  if (inode && linkCount(state, inode) === 0) chargeRelease(state, log, inode);
}

export function sysUnlink(state: ContainerState, log: StepLog, path: string): Outcome<true> {
  const r = resolvePath(state, path, false);
  if (r.errno) return fail(r.errno);
  if (!r.node) return fail('ENOENT');
  if (isDir(r.node)) return fail('EISDIR');
  if (r.node.where === 'mount' && r.node.mount === r.path) return fail('EBUSY');
  removeName(state, log, r.node);
  return done(true);
}

export function sysRmdir(state: ContainerState, log: StepLog, path: string): Outcome<true> {
  const r = resolvePath(state, path, false);
  if (r.errno) return fail(r.errno);
  if (!r.node) return fail('ENOENT');
  if (!isDir(r.node)) return fail('ENOTDIR');
  if (r.path === '/' || (r.node.where === 'mount' && r.node.mount === r.path)) return fail('EBUSY');
  if (listChildren(state, r.path).size > 0) return fail('ENOTEMPTY');
  removeName(state, log, r.node);
  return done(true);
}

/** link(2): overlay copies the target up first (ovl_link), then links in upper; others just add a name. */
export function sysLink(state: ContainerState, log: StepLog, target: string, path: string): Outcome<true> {
  const t = resolvePath(state, target, false);
  if (t.errno) return fail(t.errno);
  if (!t.node) return fail('ENOENT');
  if (isDir(t.node)) return fail('EPERM');
  const dest = resolvePath(state, path, false);
  if (dest.errno) return fail(dest.errno);
  if (dest.node) return fail('EEXIST');
  if ((t.node.where === 'mount') !== (lstatNode(state, parentPath(dest.path))?.where === 'mount')) return fail('EXDEV');
  const inode = makeWritable(state, log, t.node, 'link');
  log.rules.add('link');
  const made = createObject(state, log, dest.path, 'file', 0);
  if (!made.ok) return made;
  if (t.node.where === 'mount') state.mounted.set(dest.path, inode);
  else setSlot(state, dest.path, { kind: 'object', inode, opaque: false, redirect: undefined, pseudoLink: false });
  return done(true);
}

