// `docker commit` of a simulated container: the container layer as an OCI layer changeset tar (image-spec layer.md)
// built the way the driver's Diff does it: overlay2 native (char 0/0 → .wh., opaque xattr → .wh..wh..opq), aufs
// native (rw branch minus .wh..wh.* metadata), or naive ExportChanges. The shell gzips, hashes and pushes. Pure.
import { err, ok, type Result } from '../result.ts';
import type { DiffId, Digest } from '../oci/digest.ts';
import { sha256HexOfChunks } from '../hash/sha256.ts';
import { computeChainIds } from '../drivers/layer-ids.ts';
import { createTarStream, type TarEntry, type TarStream } from '../layers/tar-writer.ts';
import { baseName, comparePaths, parentPath } from './paths.ts';
import { lstatNode, type Node } from './container-lookup.ts';
import type { Inode } from './container-state.ts';
import { naiveChanges } from './diff.ts';
import type { SimulationRun } from './simulator.ts';

export type CommitResult = {
  readonly method: 'overlay-native' | 'aufs-native' | 'naive';
  /** The tar's entries in order (what `tar -tv` would list). */
  readonly entries: readonly TarEntry[];
  readonly tar: TarStream;
  readonly parentChainId: Digest | undefined;
  /** Files whose bytes the simulation does not know; they are written as zero-filled bodies of the right size. */
  readonly placeholderPaths: readonly string[];
  readonly notes: readonly string[];
};

const rel = (p: string): string => p.replace(/^\/+/, '');
const whPath = (p: string): string => { const d = parentPath(p); return `${d === '/' ? '' : d}/.wh.${baseName(p)}`; };

/** Builds the commit tar of a simulated container (no I/O; nothing is hashed yet). */
export function commitContainer(run: SimulationRun): Result<CommitResult> {
  const state = run.state;
  const method = state.driver.commitMethod(state.options);
  const placeholders: string[] = [];
  const notes: string[] = [];
  const entries: TarEntry[] = [];
  const seen = new Map<number, string>();
  const add = (path: string, n: Node | { where: 'upper'; inode: Inode }): void => {
    if (n.where === 'mount') return;
    if (n.where === 'lower') {
      const e = n.entry;
      const type = e.type === 'hardlink' ? 'file' : e.type;
      if (type === 'file' && e.size > 0) placeholders.push(path);
      entries.push({ path: rel(path), type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, ...(e.linkTarget && type === 'symlink' ? { linkTarget: e.linkTarget } : {}), ...(type === 'file' && e.size > 0 ? { body: { kind: 'fill', byte: 0, size: e.size } } : {}) });
      return;
    }
    const i = n.inode;
    const first = seen.get(i.id);
    if (i.type === 'file' && first !== undefined) {
      entries.push({ path: rel(path), type: 'hardlink', mode: i.mode, uid: i.uid, gid: i.gid, mtime: i.mtime, linkTarget: rel(first) });
      return;
    }
    if (i.type === 'file') seen.set(i.id, path);
    const known = i.content !== undefined && i.content.length === i.size;
    if (i.type === 'file' && i.size > 0 && !known) placeholders.push(path);
    entries.push({
      path: rel(path), type: i.type, mode: i.mode, uid: i.uid, gid: i.gid, mtime: i.mtime,
      ...(i.type === 'symlink' ? { linkTarget: i.linkTarget ?? '' } : {}),
      ...(i.type === 'file' && i.size > 0 ? { body: known ? { kind: 'bytes', bytes: i.content! } : { kind: 'fill', byte: 0, size: i.size } } : {}),
    });
  };
  if (method === 'naive') {
    // ExportChanges: sorted by path; D → header-only .wh.<name>; A/C → the object as the container fs has it.
    for (const c of naiveChanges(state)) {
      if (c.kind === 'D') entries.push({ path: rel(whPath(c.path)), type: 'file', mode: 0, uid: 0, gid: 0, mtime: state.clock });
      else { const n = lstatNode(state, c.path, true); if (n) add(c.path, n); }
    }
  } else {
    let firstWhiteout: string | undefined;
    const upper = [...state.upper].filter(([, s]) => !(s.kind === 'object' && s.pseudoLink));
    const walk = method === 'aufs-native'
      ? [...upper, ...upper.filter(([, s]) => s.kind === 'object' && s.opaque).map(([p]) => [`${p}/.wh..wh..opq`, undefined] as const)]
      : upper;
    for (const [path, slot] of [...walk].sort((a, b) => comparePaths(a[0], b[0]))) {
      if (slot === undefined) {
        entries.push({ path: rel(path), type: 'file', mode: 0o444, uid: 0, gid: 0, mtime: state.clock });
      } else if (slot.kind === 'whiteout') {
        const name = rel(whPath(path));
        if (method === 'aufs-native' && firstWhiteout !== undefined) {
          // aufs whiteouts are hardlinks of .wh..wh.aufs, which the tar excludes: later ones become links (derived).
          entries.push({ path: name, type: 'hardlink', mode: 0o444, uid: 0, gid: 0, mtime: state.clock, linkTarget: firstWhiteout });
        } else {
          entries.push({ path: name, type: 'file', mode: method === 'aufs-native' ? 0o444 : 0o600, uid: 0, gid: 0, mtime: state.clock });
          firstWhiteout = name;
        }
      } else {
        add(path, { where: 'upper', inode: slot.inode });
        if (method === 'overlay-native' && slot.opaque) {
          entries.push({ path: `${rel(path)}/.wh..wh..opq`, type: 'file', mode: slot.inode.mode, uid: slot.inode.uid, gid: slot.inode.gid, mtime: slot.inode.mtime });
        }
      }
    }
    if (method === 'aufs-native' && entries.some((e) => e.type === 'hardlink' && e.path.includes('.wh.'))) notes.push('aufs whiteouts share one inode, so the tar stores all but the first as hardlinks (derived)');
  }
  if (placeholders.length > 0) notes.push(`${placeholders.length} file(s) have simulated contents: written as zero bytes of the right size`);
  const tar = createTarStream(entries);
  if (!tar.ok) return err(tar.error.code, `commit: ${tar.error.message}`);
  const top = run.view.layers[run.view.layers.length - 1];
  return ok({ method, entries, tar: tar.value, parentChainId: top?.chainId, placeholderPaths: placeholders, notes });
}

/** DiffID (sha256 of the uncompressed tar) and the new ChainID on top of the parent (image-spec config.md). */
export function computeCommitIds(commit: CommitResult): { readonly diffId: DiffId; readonly chainId: Digest } {
  const diffId = `sha256:${sha256HexOfChunks(commit.tar.chunks())}` as DiffId;
  const chainId = commit.parentChainId === undefined ? (diffId as string as Digest) : computeChainIds([commit.parentChainId as string as DiffId, diffId])[1]!;
  return { diffId, chainId };
}
