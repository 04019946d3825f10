// rename(2) and what mv(1) and rm -r build on it: EXDEV for lower/merged directories on overlay without
// redirect_dir and for non-empty directories on aufs; redirect xattrs; RENAME_WHITEOUT; mv's copy fallback;
// recursive removal. kernel overlayfs.rst, dir.c ovl_rename; aufs docs (drivers.md §3.1, §3.4, S-12, S-13). Pure.
import { isWithin, joinPath, parentPath } from './paths.ts';
import { isDir, listChildren, lowerPathOf, lstatNode, nodeSize, nodeType, resolvePath, type Node } from './container-lookup.ts';
import { deleteSlot, setSlot, upperDescendants, type ContainerState, type FileType, type Slot } from './container-state.ts';
import { chargeWrite } from './cow-accounting.ts';
import { makeWritable } from './copy-up.ts';
import { createObject, done, fail, hasLowerAt, removeName, sysRmdir, type Outcome } from './syscalls.ts';
import { addNote, type StepLog } from './step-log.ts';

/** Why a directory rename would fail with EXDEV under this driver, or undefined if it may proceed. */
function renameDirExdev(state: ContainerState, node: Node): string | undefined {
  const sem = state.driver.semantics;
  if (sem.kind !== 'union') return undefined;
  if (sem.implementation === 'aufs') {
    return listChildren(state, node.path).size > 0 ? 'aufs returns EXDEV for renaming a directory with children (no dirren in Docker\'s mount options)' : undefined;
  }
  const merged = node.where === 'lower' || (node.where === 'upper' && !node.slot.opaque && hasLowerAt(state, node.path));
  if (!merged || state.options.redirectDir) return undefined;
  return 'overlayfs returns EXDEV for renaming a lower or merged directory without redirect_dir ("don\'t copy up directory trees")';
}

export function sysRename(state: ContainerState, log: StepLog, src: string, dst: string): Outcome<true> {
  const s = resolvePath(state, src, false);
  if (s.errno) return fail(s.errno);
  if (!s.node) return fail('ENOENT');
  const d = resolvePath(state, dst, false);
  if (d.errno) return fail(d.errno);
  const parent = lstatNode(state, parentPath(d.path));
  if (!isDir(parent)) return fail(parent ? 'ENOTDIR' : 'ENOENT');
  if (s.path === d.path) return done(true);
  if (s.path === '/' || isWithin(d.path, s.path)) return fail('EINVAL');
  if ((s.node.where === 'mount') !== (parent?.where === 'mount') || (s.node.where === 'mount' && s.node.mount === s.path)) return fail('EXDEV');
  const srcDir = isDir(s.node);
  if (d.node) {
    if (srcDir && !isDir(d.node)) return fail('ENOTDIR');
    if (!srcDir && isDir(d.node)) return fail('EISDIR');
    if (srcDir && listChildren(state, d.path).size > 0) return fail('ENOTEMPTY');
  }
  log.rules.add(srcDir ? 'rename-dir' : 'rename-file');
  if (srcDir) {
    const why = renameDirExdev(state, s.node);
    if (why) { addNote(log, why); return fail('EXDEV'); }
  }
  if (s.node.where === 'mount') {
    for (const [p, inode] of [...state.mounted]) if (isWithin(p, s.path)) { state.mounted.delete(p); state.mounted.set(d.path + p.slice(s.path.length), inode); }
    return done(true);
  }
  const srcHasLower = hasLowerAt(state, s.path);
  const srcLowerPath = lowerPathOf(state, s.path);
  const inode = makeWritable(state, log, s.node, 'rename');
  if (d.node) {
    if (isDir(d.node)) sysRmdir(state, log, d.path);
    else removeName(state, log, d.node);
  }
  const moved: [string, Slot][] = [[s.path, state.upper.get(s.path) ?? { kind: 'object', inode, opaque: false, redirect: undefined, pseudoLink: false }]];
  for (const p of upperDescendants(state, s.path).reverse()) moved.push([p, state.upper.get(p)!]);
  for (const [p] of moved) deleteSlot(state, p);
  for (const [p, slot] of moved) setSlot(state, d.path + p.slice(s.path.length), slot);
  const top = state.upper.get(d.path);
  if (top?.kind === 'object' && srcDir) {
    if (srcHasLower && srcLowerPath !== undefined && !top.opaque) {
      top.redirect = srcLowerPath;
      if (state.driver.semantics.kind === 'union') addNote(log, `directory copied up alone with trusted.overlay.redirect="${srcLowerPath}"`);
    } else if (hasLowerAt(state, d.path)) top.opaque = true;
  }
  if (srcHasLower) setSlot(state, s.path, { kind: 'whiteout' });
  if (srcHasLower) log.transientWhiteouts++;
  for (const p of [parentPath(s.path), parentPath(d.path)]) {
    const dir = state.upper.get(p);
    if (dir?.kind === 'object') dir.inode.mtime = state.clock;
  }
  return done(true);
}

/** mv(1): rename(2), and on EXDEV a recursive copy followed by removal of the source (coreutils mv). */
export function moveWithFallback(state: ContainerState, log: StepLog, src: string, dst: string): Outcome<true> {
  const r = sysRename(state, log, src, dst);
  if (r.ok || r.errno !== 'EXDEV') return r;
  const s = resolvePath(state, src, false);
  const d = resolvePath(state, dst, false);
  if (!s.node || d.errno) return r;
  log.recoveredErrno = 'EXDEV';
  addNote(log, 'mv fell back to copying the tree and deleting the source');
  if (d.node) {
    if (isDir(d.node)) sysRmdir(state, log, d.path);
    else removeName(state, log, d.node);
  }
  const copied = copyTree(state, log, s.node, d.path);
  if (!copied.ok) return copied;
  return removeTree(state, log, s.path);
}

/** Copies a tree the way mv's fallback does: new objects, full data, attributes preserved. */
function copyTree(state: ContainerState, log: StepLog, node: Node, dst: string): Outcome<true> {
  const type = nodeType(node) as FileType;
  const attrs = node.where === 'lower' ? node.entry : node.inode;
  const target = node.where === 'lower' ? node.entry.linkTarget : node.inode.linkTarget;
  const made = createObject(state, log, dst, type, attrs.mode, type === 'symlink' ? target ?? '' : undefined);
  if (!made.ok) return made;
  const inode = made.value;
  if (type === 'file' && nodeSize(node) > 0) {
    chargeWrite(state, log, inode, 0, nodeSize(node));
    log.copiedBytes += nodeSize(node);
    inode.content = node.where === 'lower' ? undefined : node.inode.content;
  }
  inode.uid = attrs.uid;
  inode.gid = attrs.gid;
  inode.mtime = attrs.mtime;
  if (type === 'dir') {
    for (const [name, child] of listChildren(state, node.path)) {
      const c = copyTree(state, log, child, joinPath(dst, name));
      if (!c.ok) return c;
    }
  }
  return done(true);
}

/** rm -r: children first, then the directory (each lower child is whited out, then cleared with its parent). */
export function removeTree(state: ContainerState, log: StepLog, path: string): Outcome<true> {
  const node = lstatNode(state, path);
  if (!node) return fail('ENOENT');
  if (isDir(node)) {
    if (node.where === 'mount' && node.mount === path) return fail('EBUSY');
    for (const name of [...listChildren(state, path).keys()].sort()) {
      const r = removeTree(state, log, joinPath(path, name));
      if (!r.ok) return r;
    }
    return sysRmdir(state, log, path);
  }
  removeName(state, log, node);
  return done(true);
}
