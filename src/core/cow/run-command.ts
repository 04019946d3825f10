// Executes one parsed command against the container state, as the real tool would issue system calls
// (coreutils semantics: touch opens O_WRONLY, truncate opens then ftruncates, mv falls back to copy on EXDEV). Pure.
import type { Command, OpenMode } from './command-parser.ts';
import { applyModeChange } from './command-operands.ts';
import { baseName, joinPath, normalizePath, parentPath } from './paths.ts';
import { isDir, lookupDepth, lstatNode, resolvePath, type Errno } from './container-lookup.ts';
import type { ContainerState } from './container-state.ts';
import { moveWithFallback, removeTree } from './rename.ts';
import { createObject, sysFtruncate, sysLink, sysOpen, sysRead, sysRmdir, sysSetattr, sysUnlink, sysWrite, type OpenFlags, type Outcome } from './syscalls.ts';
import { addNote, type StepLog } from './step-log.ts';

const encoder = new TextEncoder();
const FLAGS: Record<OpenMode, OpenFlags> = {
  read: { write: false, trunc: false, append: false, create: false },
  'write-trunc': { write: true, trunc: true, append: false, create: true },
  append: { write: true, trunc: false, append: true, create: true },
  'read-write': { write: true, trunc: false, append: false, create: true },
};

/** Runs a command; the first failure's errno is left in `log.errno` (later paths of the same command still run). */
export function runCommand(state: ContainerState, log: StepLog, command: Command, cwd = '/'): void {
  const abs = (p: string): string | undefined => normalizePath(p, cwd);
  const note = (r: Outcome<unknown>): void => { if (!r.ok && log.errno === undefined) log.errno = r.errno; };
  const each = (paths: readonly string[], fn: (p: string) => Outcome<unknown>): void => {
    for (const p of paths) {
      const a = abs(p);
      if (a !== undefined && log.lookupDepth === undefined) {
        const r = resolvePath(state, a, false);
        log.lookupDepth = lookupDepth(state, r.path, r.node);
      }
      note(a === undefined ? { ok: false, errno: 'ENOENT' } : fn(a));
    }
  };
  switch (command.kind) {
    case 'cat':
      if (command.fd !== undefined) {
        const file = state.fds.get(command.fd);
        if (!file) return note({ ok: false, errno: 'EBADF' });
        sysRead(state, log, file);
        return;
      }
      return each(command.paths, (p) => {
        const f = sysOpen(state, log, p, FLAGS.read);
        if (!f.ok) return f;
        if (isDir(lstatNode(state, f.value.path))) return { ok: false, errno: 'EISDIR' };
        sysRead(state, log, f.value);
        return f;
      });
    case 'write': {
      const bytes = encoder.encode(command.text);
      if (command.target.kind === 'fd') {
        const file = state.fds.get(command.target.fd);
        return note(file ? sysWrite(state, log, file, bytes.length, undefined, bytes) : { ok: false, errno: 'EBADF' });
      }
      return each([command.target.path], (p) => {
        const f = sysOpen(state, log, p, command.append ? FLAGS.append : FLAGS['write-trunc']);
        return f.ok ? sysWrite(state, log, f.value, bytes.length, undefined, bytes) : f;
      });
    }
    case 'dd':
      return each([command.path], (p) => {
        const f = sysOpen(state, log, p, { write: true, trunc: command.truncate && command.offset === 0, append: command.append, create: true });
        if (!f.ok) return f;
        if (command.truncate && command.offset > 0) sysFtruncate(state, log, f.value, command.offset);
        return sysWrite(state, log, f.value, command.length, command.offset, command.zeros ? new Uint8Array(command.length) : undefined);
      });
    case 'truncate':
      return each(command.paths, (p) => {
        if (!command.create && !resolvePath(state, p, true).node) return { ok: true, value: true };
        const f = sysOpen(state, log, p, { write: true, trunc: false, append: false, create: command.create });
        if (!f.ok || !f.value.inode) return f;
        const size = command.relative ? Math.max(0, f.value.inode.size + command.size) : command.size;
        return sysFtruncate(state, log, f.value, size);
      });
    case 'open':
      return each([command.path], (p) => {
        const f = sysOpen(state, log, p, FLAGS[command.mode]);
        if (f.ok && command.fd !== undefined) state.fds.set(command.fd, f.value);
        if (f.ok && command.mode !== 'read') addNote(log, command.mode === 'write-trunc' ? 'opened with O_TRUNC, nothing written' : 'opened for write without writing');
        if (f.ok && command.mode !== 'read' && command.mode !== 'write-trunc' && log.copiedUp.length > 0) log.rules.add('copy-up-no-write');
        return f;
      });
    case 'close':
      return note(state.fds.delete(command.fd) ? { ok: true, value: true } : { ok: false, errno: 'EBADF' });
    case 'touch':
      return each(command.paths, (p) => {
        const r = resolvePath(state, p, true);
        if (r.errno) return { ok: false, errno: r.errno };
        if (!r.node) return command.create ? sysOpen(state, log, p, FLAGS.append) : { ok: true, value: true };
        if (!isDir(r.node)) {
          // coreutils touch opens the file O_WRONLY|O_CREAT before utimensat; busybox touch only calls utimes.
          const f = sysOpen(state, log, p, { write: true, trunc: false, append: false, create: true });
          if (!f.ok) return f;
          addNote(log, 'coreutils touch opens the file for write first (busybox touch only sets the times)');
        }
        return sysSetattr(state, log, p, { mtime: state.clock });
      });
    case 'mkdir':
      return each(command.paths, (p) => makeDirectory(state, log, p, command.parents));
    case 'rmdir':
      return each(command.paths, (p) => sysRmdir(state, log, p));
    case 'rm':
      return each(command.paths, (p) => {
        const r = resolvePath(state, p, false);
        if (r.errno) return command.force && r.errno === 'ENOENT' ? { ok: true, value: true } : { ok: false, errno: r.errno };
        if (!r.node) return command.force ? { ok: true, value: true } : { ok: false, errno: 'ENOENT' };
        if (r.path === '/') return { ok: false, errno: 'EPERM' };
        if (isDir(r.node)) return command.recursive ? removeTree(state, log, r.path) : { ok: false, errno: 'EISDIR' };
        return sysUnlink(state, log, r.path);
      });
    case 'mv': {
      const dest = abs(command.dest);
      if (dest === undefined) return note({ ok: false, errno: 'ENOENT' });
      const d = resolvePath(state, dest, true);
      const intoDir = isDir(d.node);
      if (command.sources.length > 1 && !intoDir) return note({ ok: false, errno: 'ENOTDIR' });
      return each(command.sources, (src) => moveWithFallback(state, log, src, intoDir ? joinPath(d.path, baseName(src)) : dest));
    }
    case 'chmod':
      return each(command.paths, (p) => {
        const r = resolvePath(state, p, true);
        if (!r.node) return { ok: false, errno: r.errno ?? 'ENOENT' };
        const mode = r.node.where === 'lower' ? r.node.entry.mode : r.node.inode.mode;
        return sysSetattr(state, log, p, { mode: applyModeChange(mode, command.change) });
      });
    case 'chown':
      return each(command.paths, (p) => sysSetattr(state, log, p, { ...(command.uid === undefined ? {} : { uid: command.uid }), ...(command.gid === undefined ? {} : { gid: command.gid }) }));
    case 'ln': {
      const link = abs(command.linkPath);
      if (link === undefined) return note({ ok: false, errno: 'ENOENT' });
      const existing = resolvePath(state, link, true);
      const at = isDir(existing.node) ? joinPath(existing.path, baseName(command.target)) : link;
      if (command.symbolic) {
        if (lstatNode(state, at) || resolvePath(state, at, false).node) return note({ ok: false, errno: 'EEXIST' });
        return note(createObject(state, log, at, 'symlink', 0o777, command.target));
      }
      const target = abs(command.target);
      return note(target === undefined ? { ok: false, errno: 'ENOENT' } : sysLink(state, log, target, at));
    }
  }
}

function makeDirectory(state: ContainerState, log: StepLog, path: string, parents: boolean): Outcome<true> {
  const r = resolvePath(state, path, true);
  if (r.node) return parents && isDir(r.node) ? { ok: true, value: true } : { ok: false, errno: 'EEXIST' };
  if (r.errno && !(parents && r.errno === 'ENOENT')) return { ok: false, errno: r.errno as Errno };
  if (parents) {
    const up = parentPath(path);
    if (up !== path && !resolvePath(state, up, true).node) {
      const made = makeDirectory(state, log, up, true);
      if (!made.ok) return made;
    }
  }
  const made = createObject(state, log, r.path, 'dir', 0o755);
  return made.ok ? { ok: true, value: true } : made;
}

