// dive's per-layer fileList (filetree.FileInfo): path, typeFlag, linkName, size, uid, gid, isDir, fileMode
// (Go's os.FileMode: permission bits plus type bits as archive/tar's FileInfo().Mode() sets them).
import type { LayerIndex } from '../src/core/layers/layer-index.ts';
import { KIND } from '../src/core/layers/tar-header.ts';

const GO_MODE = { dir: 2 ** 31, symlink: 2 ** 27, device: 2 ** 26, pipe: 2 ** 25, setuid: 2 ** 23, setgid: 2 ** 22, charDevice: 2 ** 21, sticky: 2 ** 20 };
const TYPEFLAG: Record<number, number> = { [KIND.file]: 48, [KIND.dir]: 53, [KIND.symlink]: 50, [KIND.hardlink]: 49, [KIND.char]: 51, [KIND.block]: 52, [KIND.fifo]: 54, [KIND.whiteout]: 48, [KIND.opaque]: 48 };

function goFileMode(kind: number, mode: number): number {
  let m = mode & 0o777;
  if (mode & 0o4000) m += GO_MODE.setuid;
  if (mode & 0o2000) m += GO_MODE.setgid;
  if (mode & 0o1000) m += GO_MODE.sticky;
  if (kind === KIND.dir) m += GO_MODE.dir;
  else if (kind === KIND.symlink) m += GO_MODE.symlink;
  else if (kind === KIND.char) m += GO_MODE.device + GO_MODE.charDevice;
  else if (kind === KIND.block) m += GO_MODE.device;
  else if (kind === KIND.fifo) m += GO_MODE.pipe;
  return m;
}

export function diveFileList(ix: LayerIndex) {
  const out = [];
  for (let e = 1; e < ix.count; e++) {
    const kind = ix.kind[e]!;
    if (kind === KIND.opaque) continue;
    out.push({
      path: ix.pathOf(e).slice(1), typeFlag: TYPEFLAG[kind] ?? 48, linkName: ix.linkOf(e) ?? '', size: ix.sizeOf(e),
      uid: ix.uid[e]!, gid: ix.gid[e]!, isDir: kind === KIND.dir, fileMode: goFileMode(kind, ix.mode[e]!),
    });
  }
  return out;
}
