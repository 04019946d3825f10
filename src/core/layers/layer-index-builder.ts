// Builds a columnar LayerIndex from tar headers: normalises names, implies parent directories, classifies
// whiteouts and opaque markers, rejects entries that would escape the layer, hashes file bodies. Pure.
import type { ContentHasher } from './content-hash.ts';
import { classifyWhiteout, normalizeEntryPath } from './entry-path.ts';
import { DEFAULT_LAYER_LIMITS, FLAG, HUGE, LayerIndex, NO_OFFSET, TAR_BLOCK, type LayerLimits } from './layer-index.ts';
import { PairTable } from './pair-table.ts';
import { KIND, type KindCode } from './tar-header.ts';
import type { TarEntry, TarSink } from './tar-reader.ts';

/** Builds a LayerIndex from tar entries; plug it into a TarReader as its sink. */
export class LayerIndexBuilder implements TarSink {
  readonly index = new LayerIndex();
  private readonly children: PairTable;
  private current = -1;
  private hashing = false;
  private nfc: Map<string, string> | undefined;
  limitHit: string | undefined;

  constructor(private readonly hasher: ContentHasher | undefined, private readonly limits: LayerLimits = DEFAULT_LAYER_LIMITS) {
    const ix = this.index;
    this.children = new PairTable({ parentOf: (id) => ix.parent[id]!, nameOf: (id) => ix.name[id]! }, 1024);
  }

  warn(code: string, message: string, path?: string): void {
    const w = this.index.warnings;
    if (w.length < this.limits.maxWarnings) w.push(path === undefined ? { code, message } : { code, message, path });
    else this.index.warningsDropped++;
  }

  private reject(code: string, message: string, path: string): void {
    const r = this.index.rejected;
    if (r.length < this.limits.maxWarnings) r.push({ code, message, path });
    else this.index.warningsDropped++;
  }

  onWarning(code: string, message: string): void {
    this.warn(code, message);
  }

  onEntry(e: TarEntry): boolean {
    this.current = -1;
    this.hashing = false;
    const norm = normalizeEntryPath(e.path);
    if (!norm.ok) {
      if (norm.code !== 'PATH_EMPTY') this.reject(norm.code, norm.message, e.path.slice(0, 300));
      return false;
    }
    const segs = norm.segments;
    const ix = this.index;
    if (ix.count >= this.limits.maxEntries) {
      this.limitHit ??= `layer has more than ${this.limits.maxEntries} entries; the rest are not indexed (entry limit)`;
      return false;
    }
    // Walk (and imply) the parent directories.
    let parent = 0;
    for (let i = 0; i < segs.length - 1; i++) {
      const nameId = ix.names.intern(segs[i]!);
      let child = this.children.get(parent, nameId);
      if (child < 0) {
        child = this.append(parent, nameId, KIND.dir, 0);
        ix.mode[child] = 0o755;
      } else if (ix.kind[child] !== KIND.dir) {
        const what = ix.kind[child] === KIND.symlink ? 'a symlink' : 'not a directory';
        // Never resolve a parent through a symlink when placing entries (hardening T3, CVE-2018-15664 lesson).
        this.reject('PARENT_NOT_DIR', `"${segs.slice(0, i + 1).join('/')}" is ${what}; entry not placed`, e.path.slice(0, 300));
        return false;
      }
      parent = child;
    }
    const last = segs[segs.length - 1]!;
    const wh = classifyWhiteout(last);
    let kind: KindCode = e.kind;
    switch (wh.kind) {
      case 'invalid':
        this.reject('WHITEOUT_INVALID', wh.message, e.path.slice(0, 300));
        return false;
      case 'aufs-meta':
        return false;
      case 'opaque':
        kind = KIND.opaque;
        ix.flags[parent]! |= FLAG.opaque;
        break;
      case 'whiteout':
        kind = KIND.whiteout;
        break;
      case 'none':
        if (!isAscii(last)) this.checkUnicode(parent, last, e.path);
        break;
    }
    const nameId = ix.names.intern(last);
    let id = this.children.get(parent, nameId);
    if (id >= 0) {
      if (ix.flags[id]! & FLAG.explicit) this.warn('DUPLICATE_ENTRY', `"${e.path.slice(0, 300)}" appears twice in this layer; the last one wins`, e.path.slice(0, 300));
      ix.kind[id] = kind;
    } else {
      id = this.append(parent, nameId, kind, 0);
    }
    ix.flags[id]! |= FLAG.explicit | (norm.flags.length > 0 ? FLAG.normalized : 0) | (e.sparse ? FLAG.sparse : 0);
    ix.mode[id] = e.mode;
    ix.uid[id] = e.uid;
    ix.gid[id] = e.gid;
    const block = e.headerOffset / TAR_BLOCK;
    ix.offset[id] = Number.isInteger(block) && block < NO_OFFSET ? block : NO_OFFSET;
    ix.linkIds.delete(id);
    const size = kind === KIND.file ? e.realSize : 0;
    if (size >= HUGE) {
      ix.size32[id] = HUGE;
      ix.bigSizes.set(id, size);
    } else ix.size32[id] = size;
    if (kind === KIND.file) ix.fileBytes += size;
    if (kind === KIND.symlink) {
      ix.linkIds.set(id, ix.links.push(e.linkPath) - 1);
    } else if (kind === KIND.hardlink) {
      const target = normalizeEntryPath(e.linkPath);
      if (target.ok) {
        ix.linkIds.set(id, ix.links.push(target.segments.join('/')) - 1);
        // A hardlink to a directory (hardening T5) cannot exist on any filesystem: flagged, never followed.
        const to = this.lookup(target.segments);
        if (to >= 0 && ix.kind[to] === KIND.dir) {
          ix.flags[id]! |= FLAG.badLink;
          this.warn('HARDLINK_INVALID', `hardlink "${e.path.slice(0, 200)}" points at the directory "${e.linkPath.slice(0, 200)}"; hardlinks to directories are invalid`, e.path.slice(0, 300));
        }
      } else {
        ix.flags[id]! |= FLAG.badLink;
        ix.linkIds.set(id, ix.links.push(e.linkPath) - 1);
        this.warn('HARDLINK_INVALID', `hardlink "${e.path.slice(0, 200)}" points at "${e.linkPath.slice(0, 200)}", outside the layer`, e.path.slice(0, 300));
      }
    } else if (kind === KIND.char || kind === KIND.block) {
      ix.devices.set(id, [e.devMajor, e.devMinor]);
    }
    if (norm.flags.length > 0) this.warn('PATH_NORMALIZED', `"${e.path.slice(0, 200)}" normalised (${norm.flags.join(', ')})`, e.path.slice(0, 300));
    this.current = id;
    if (kind === KIND.file && this.hasher) {
      this.hashing = true;
      this.hasher.start();
      return true;
    }
    return false;
  }

  onBody(chunk: Uint8Array, start: number, end: number): void {
    if (this.hashing) this.hasher!.update(chunk, start, end);
  }

  onEntryEnd(): void {
    if (this.hashing && this.current >= 0) {
      const [hi, lo] = this.hasher!.finish();
      this.index.hashHi[this.current] = hi;
      this.index.hashLo[this.current] = lo;
      this.index.flags[this.current]! |= FLAG.hashed;
    }
    this.hashing = false;
  }

  /** Freezes the index: trims columns, drops the build-time maps. */
  finish(tarBytes: number): LayerIndex {
    const ix = this.index;
    ix.tarBytes = tarBytes;
    const n = ix.count;
    ix.parent = ix.parent.slice(0, n);
    ix.name = ix.name.slice(0, n);
    ix.kind = ix.kind.slice(0, n);
    ix.flags = ix.flags.slice(0, n);
    ix.mode = ix.mode.slice(0, n);
    ix.uid = ix.uid.slice(0, n);
    ix.gid = ix.gid.slice(0, n);
    ix.size32 = ix.size32.slice(0, n);
    ix.hashHi = ix.hashHi.slice(0, n);
    ix.hashLo = ix.hashLo.slice(0, n);
    ix.offset = ix.offset.slice(0, n);
    ix.names.freeze();
    this.nfc = undefined;
    if (this.limitHit) this.warn('ENTRY_LIMIT', this.limitHit);
    return ix;
  }

  /** The entry at `segments` in this layer so far, or -1. */
  private lookup(segments: readonly string[]): number {
    let at = 0;
    for (const seg of segments) {
      const nameId = this.index.names.find(seg);
      if (nameId < 0) return -1;
      at = this.children.get(at, nameId);
      if (at < 0) return -1;
    }
    return at;
  }

  private append(parent: number, nameId: number, kind: KindCode, flags: number): number {
    const ix = this.index;
    const id = ix.count;
    if (id >= ix.parent.length) this.grow();
    ix.parent[id] = parent;
    ix.name[id] = nameId;
    ix.kind[id] = kind;
    ix.flags[id] = flags;
    ix.offset[id] = NO_OFFSET;
    ix.count++;
    this.children.add(id);
    return id;
  }

  private grow(): void {
    const ix = this.index;
    const n = ix.parent.length * 2;
    const g = <T extends Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    ix.parent = g(ix.parent, (k) => new Int32Array(k));
    ix.name = g(ix.name, (k) => new Int32Array(k));
    ix.kind = g(ix.kind, (k) => new Uint8Array(k));
    ix.flags = g(ix.flags, (k) => new Uint8Array(k));
    ix.mode = g(ix.mode, (k) => new Uint16Array(k));
    ix.uid = g(ix.uid, (k) => new Uint32Array(k));
    ix.gid = g(ix.gid, (k) => new Uint32Array(k));
    ix.size32 = g(ix.size32, (k) => new Uint32Array(k));
    ix.hashHi = g(ix.hashHi, (k) => new Uint32Array(k));
    ix.hashLo = g(ix.hashLo, (k) => new Uint32Array(k));
    ix.offset = g(ix.offset, (k) => new Uint32Array(k));
  }

  /**
   * Names equal under Unicode normalisation (NFC/NFD, ligatures via NFKC) are distinct on Linux but collide
   * elsewhere: keep both, as Linux does, and warn (T6).
   */
  private checkUnicode(parent: number, name: string, path: string): void {
    this.nfc ??= new Map();
    const folded = name.normalize('NFKC');
    const key = `${parent}/${folded}`;
    const prior = this.nfc.get(key);
    const asciiTwin = isAscii(folded) ? this.index.names.find(folded) : -1;
    if ((prior !== undefined && prior !== name) || (asciiTwin >= 0 && this.children.get(parent, asciiTwin) >= 0)) {
      this.warn('UNICODE_COLLISION', `"${path.slice(0, 200)}" equals another entry of this directory under Unicode normalisation; both are kept as distinct names, as Linux does`, path.slice(0, 300));
    } else this.nfc.set(key, name);
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}
