// Incremental tar reader: push decompressed chunks in any sizes, get entry headers and (optionally) file body
// slices without copies. ustar, GNU (L/K long names, base-256, old sparse) and PAX (x/g). Pure and bounded.
// Rules follow GNU tar/libarchive: a PAX `x` header applies to the next filesystem entry only, skipping GNU
// meta headers in between, and its size overrides the ustar size (hardening T9, CVE-2025-62518).
import type { CoreError } from '../result.ts';
import {
  BLOCK, checksumMatches, isZeroBlock, KIND, parsePaxRecords, readNumber, readString, type KindCode,
} from './tar-header.ts';
import { applyPax, cString, numberOr } from './tar-pax.ts';

/** The header of one entry. The reader reuses one object: copy what you keep. */
export type TarEntry = {
  path: string;
  linkPath: string;
  kind: KindCode;
  /** bytes of body in the archive */
  size: number;
  /** logical size (differs from size only for sparse files) */
  realSize: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  devMajor: number;
  devMinor: number;
  sparse: boolean;
  /** offset of this entry's header in the uncompressed stream */
  headerOffset: number;
  /** the raw ustar typeflag character code */
  typeflag: number;
};

export type TarSink = {
  /** Called for every filesystem entry. Return true to receive its body through onBody. */
  onEntry(entry: TarEntry): boolean;
  onBody(chunk: Uint8Array, start: number, end: number): void;
  onEntryEnd(): void;
  onWarning(code: string, message: string): void;
};

export type TarLimits = { readonly maxMetaBytes: number; readonly maxSparseEntries: number };
export const DEFAULT_TAR_LIMITS: TarLimits = { maxMetaBytes: 1 << 20, maxSparseEntries: 1 << 20 };

const enum State { Header, Body, Meta, Padding, SparseExt, End, Failed }
const enum Meta { None, Pax, Global, LongName, LongLink }

const fail = (code: string, message: string): CoreError => ({ code, message });

export class TarReader {
  private state = State.Header;
  private readonly header = new Uint8Array(BLOCK);
  private headerFill = 0;
  private remaining = 0;
  private padding = 0;
  private wantBody = false;
  private metaKind = Meta.None;
  private metaBuf: Uint8Array = new Uint8Array(0);
  private metaFill = 0;
  private pax: Map<string, string> | undefined;
  private longName: string | undefined;
  private longLink: string | undefined;
  private zeroBlocks = 0;
  private sparseEntries = 0;
  private resyncing = false;
  private skippedBlocks = 0;
  private offset = 0;
  private error: CoreError | undefined;
  private readonly entry: TarEntry = {
    path: '', linkPath: '', kind: KIND.file, size: 0, realSize: 0, mode: 0, uid: 0, gid: 0, mtime: 0,
    devMajor: 0, devMinor: 0, sparse: false, headerOffset: 0, typeflag: 0,
  };
  /** filesystem entries seen */
  entries = 0;
  globalHeaders = 0;

  constructor(private readonly sink: TarSink, private readonly limits: TarLimits = DEFAULT_TAR_LIMITS) {}

  /** Bytes of the uncompressed stream consumed so far. */
  get bytesConsumed(): number {
    return this.offset;
  }

  /** True once the end-of-archive marker (two zero blocks) was read. */
  get ended(): boolean {
    return this.state === State.End;
  }

  /** Feeds a chunk. Returns an error once the archive is unreadable; later calls return the same error. */
  push(chunk: Uint8Array): CoreError | undefined {
    if (this.error) return this.error;
    let pos = 0;
    const len = chunk.length;
    while (pos < len) {
      switch (this.state) {
        case State.Header: {
          let buf: Uint8Array;
          let at: number;
          if (this.headerFill === 0 && len - pos >= BLOCK) {
            buf = chunk;
            at = pos;
            pos += BLOCK;
          } else {
            const n = Math.min(BLOCK - this.headerFill, len - pos);
            this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
            this.headerFill += n;
            pos += n;
            if (this.headerFill < BLOCK) continue;
            this.headerFill = 0;
            buf = this.header;
            at = 0;
          }
          const e = this.readHeader(buf, at);
          this.offset += BLOCK;
          if (e) return (this.error = e);
          break;
        }
        case State.Body: {
          const n = Math.min(this.remaining, len - pos);
          if (this.wantBody && n > 0) this.sink.onBody(chunk, pos, pos + n);
          this.remaining -= n;
          pos += n;
          this.offset += n;
          if (this.remaining === 0) {
            this.sink.onEntryEnd();
            this.state = this.padding > 0 ? State.Padding : State.Header;
          }
          break;
        }
        case State.Meta: {
          const n = Math.min(this.metaBuf.length - this.metaFill, len - pos);
          this.metaBuf.set(chunk.subarray(pos, pos + n), this.metaFill);
          this.metaFill += n;
          pos += n;
          this.offset += n;
          if (this.metaFill === this.metaBuf.length) {
            const e = this.finishMeta();
            if (e) return (this.error = e);
            this.state = this.padding > 0 ? State.Padding : State.Header;
          }
          break;
        }
        case State.Padding: {
          const n = Math.min(this.padding, len - pos);
          this.padding -= n;
          pos += n;
          this.offset += n;
          if (this.padding === 0) this.state = State.Header;
          break;
        }
        case State.SparseExt: {
          const n = Math.min(BLOCK - this.headerFill, len - pos);
          this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
          this.headerFill += n;
          pos += n;
          this.offset += n;
          if (this.headerFill === BLOCK) {
            this.headerFill = 0;
            this.sparseEntries += 21;
            if (this.sparseEntries > this.limits.maxSparseEntries) {
              return (this.error = fail('TAR_LIMIT', `sparse map of "${this.entry.path}" has more than ${this.limits.maxSparseEntries} entries`));
            }
            if (this.header[504] === 0) this.beginBody();
          }
          break;
        }
        case State.End:
          // Data after the end marker is ignored (readers such as GNU tar stop at the marker).
          this.offset += len - pos;
          return undefined;
        case State.Failed:
          return this.error;
      }
    }
    return undefined;
  }

  /** Declares the end of input. Returns an error if the archive stopped inside an entry or held nothing readable. */
  finish(): CoreError | undefined {
    if (this.error) return this.error;
    if (this.state === State.Body || this.state === State.Meta || this.state === State.SparseExt || (this.state === State.Header && this.headerFill > 0)) {
      return (this.error = fail('TAR_TRUNCATED', `archive ends inside an entry at byte ${this.offset} (truncated layer)`));
    }
    if (this.entries === 0 && this.skippedBlocks > 0) {
      return (this.error = fail('TAR_BAD_ARCHIVE', 'no valid tar header found: this is not a tar archive'));
    }
    if (this.skippedBlocks > 0) this.sink.onWarning('TAR_ENTRY_INVALID', `skipped ${this.skippedBlocks} blocks of unreadable data between entries`);
    return undefined;
  }

  private readHeader(buf: Uint8Array, at: number): CoreError | undefined {
    if (isZeroBlock(buf, at)) {
      if (++this.zeroBlocks >= 2) this.state = State.End;
      return undefined;
    }
    if (this.zeroBlocks === 1) this.sink.onWarning('TAR_LONE_ZERO_BLOCK', `a lone zero block at byte ${this.offset - BLOCK}`);
    this.zeroBlocks = 0;
    if (!checksumMatches(buf, at)) {
      if (this.entries === 0 && this.offset === 0 && !this.resyncing) {
        return fail('TAR_BAD_ARCHIVE', 'the first header has a bad checksum: this is not a tar archive (or it is compressed with an unknown method)');
      }
      // Resynchronise like GNU tar: scan block by block for the next valid header.
      if (!this.resyncing) this.sink.onWarning('TAR_ENTRY_INVALID', `bad header checksum at byte ${this.offset}; skipping to the next valid header`);
      this.resyncing = true;
      this.skippedBlocks++;
      return undefined;
    }
    this.resyncing = false;
    const typeflag = buf[at + 156]!;
    let size = readNumber(buf, at + 124, 12);
    if (size === -2) return fail('TAR_BAD_HEADER', `negative size in the header at byte ${this.offset}`);
    if (size < 0) return fail('TAR_BAD_HEADER', `unreadable size field in the header at byte ${this.offset}`);

    // Meta headers: their own size always counts (never a pending PAX size).
    switch (typeflag) {
      case 0x78 /* x */: return this.beginMeta(Meta.Pax, size);
      case 0x67 /* g */: return this.beginMeta(Meta.Global, size);
      case 0x4c /* L */: return this.beginMeta(Meta.LongName, size);
      case 0x4b /* K */: return this.beginMeta(Meta.LongLink, size);
    }

    const e = this.entry;
    const magic = buf[at + 257] === 0x75 && buf[at + 262] === 0 ? 'posix' : buf[at + 257] === 0x75 ? 'gnu' : 'v7';
    let name = readString(buf, at, 100);
    if (magic === 'posix') {
      const prefix = readString(buf, at + 345, 155);
      if (prefix !== '') name = `${prefix}/${name}`;
    }
    let link = readString(buf, at + 157, 100);
    const pax = this.pax;
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) link = this.longLink;
    let realSize = size;
    let sparse = false;
    if (pax) {
      const applied = applyPax(pax, { name, link, size }, this.limits.maxSparseEntries);
      if ('code' in applied) return applied;
      ({ name, link, size, realSize, sparse } = applied);
    }
    this.pax = undefined;
    this.longName = undefined;
    this.longLink = undefined;

    e.path = name;
    e.linkPath = link;
    e.typeflag = typeflag;
    e.mode = Math.max(0, readNumber(buf, at + 100, 8)) & 0o7777;
    e.uid = numberOr(pax?.get('uid'), readNumber(buf, at + 108, 8));
    e.gid = numberOr(pax?.get('gid'), readNumber(buf, at + 116, 8));
    e.mtime = Math.max(0, readNumber(buf, at + 136, 12));
    e.devMajor = magic !== 'v7' ? Math.max(0, readNumber(buf, at + 329, 8)) : 0;
    e.devMinor = magic !== 'v7' ? Math.max(0, readNumber(buf, at + 337, 8)) : 0;
    e.headerOffset = this.offset;
    e.sparse = sparse;
    let hasBody = true;
    switch (typeflag) {
      case 0: case 0x30: case 0x37:
        e.kind = name.endsWith('/') ? KIND.dir : KIND.file; // V7 directories end with a slash
        break;
      case 0x31: e.kind = KIND.hardlink; hasBody = size > 0; break;
      case 0x32: e.kind = KIND.symlink; hasBody = false; break;
      case 0x33: e.kind = KIND.char; hasBody = false; break;
      case 0x34: e.kind = KIND.block; hasBody = false; break;
      case 0x35: case 0x44 /* GNU dumpdir */: e.kind = KIND.dir; hasBody = typeflag === 0x44; break;
      case 0x36: e.kind = KIND.fifo; hasBody = false; break;
      case 0x53 /* S: old GNU sparse */: {
        e.kind = KIND.file;
        e.sparse = true;
        const real = readNumber(buf, at + 483, 12);
        if (real >= 0) realSize = real;
        break;
      }
      case 0x56 /* V: volume label */:
        this.skipBody(size);
        return undefined;
      default:
        // POSIX: unknown types are read as regular files.
        this.sink.onWarning('TAR_UNKNOWN_TYPE', `entry "${name.slice(0, 200)}" has unknown type '${String.fromCharCode(typeflag)}'; read as a regular file`);
        e.kind = KIND.file;
    }
    e.size = hasBody ? size : 0;
    e.realSize = e.kind === KIND.file ? realSize : 0;
    // Symlinks, devices and fifos carry no body even if the size field says otherwise? GNU tar trusts the size
    // field for skipping; so do we, to stay in sync with it.
    const skip = hasBody ? 0 : size;
    this.entries++;
    this.wantBody = this.sink.onEntry(e) && e.kind === KIND.file;
    if (typeflag === 0x53 && buf[at + 482] !== 0) {
      this.sparseEntries = 4;
      this.remaining = e.size;
      this.state = State.SparseExt;
      this.padding = (BLOCK - (e.size % BLOCK)) % BLOCK;
      return undefined;
    }
    const total = e.size + skip;
    this.remaining = total;
    this.padding = (BLOCK - (total % BLOCK)) % BLOCK;
    if (total === 0) {
      this.sink.onEntryEnd();
      this.state = State.Header;
    } else {
      this.state = State.Body;
      if (skip > 0) this.wantBody = false;
    }
    return undefined;
  }

  private beginBody(): void {
    if (this.remaining === 0) {
      this.sink.onEntryEnd();
      this.state = this.padding > 0 ? State.Padding : State.Header;
    } else {
      this.state = State.Body;
    }
  }

  private skipBody(size: number): void {
    this.remaining = 0;
    this.padding = size + ((BLOCK - (size % BLOCK)) % BLOCK);
    this.state = this.padding > 0 ? State.Padding : State.Header;
  }

  private beginMeta(kind: Meta, size: number): CoreError | undefined {
    if (size > this.limits.maxMetaBytes) {
      const what = kind === Meta.LongName || kind === Meta.LongLink ? 'GNU long name' : 'PAX header';
      return fail('TAR_LIMIT', `${what} of ${size} bytes at byte ${this.offset} is over the ${this.limits.maxMetaBytes}-byte limit`);
    }
    this.metaKind = kind;
    this.metaBuf = new Uint8Array(size);
    this.metaFill = 0;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.state = size > 0 ? State.Meta : State.Header;
    return size > 0 ? undefined : this.finishMeta();
  }

  private finishMeta(): CoreError | undefined {
    const body = this.metaBuf;
    this.metaBuf = new Uint8Array(0);
    switch (this.metaKind) {
      case Meta.Pax:
      case Meta.Global: {
        const parsed = parsePaxRecords(body);
        if ('error' in parsed) return fail('TAR_BAD_HEADER', `${parsed.error} at byte ${this.offset}`);
        if (this.metaKind === Meta.Global) {
          this.globalHeaders++;
          // Global headers (e.g. from git archive) are recorded, not applied: dive fails on them, moby passes them through.
          this.sink.onWarning('TAR_GLOBAL_HEADER', `PAX global header with ${parsed.records.size} records ignored`);
        } else {
          this.pax = this.pax ? new Map([...this.pax, ...parsed.records]) : parsed.records;
        }
        break;
      }
      case Meta.LongName:
        this.longName = cString(body);
        break;
      case Meta.LongLink:
        this.longLink = cString(body);
        break;
      case Meta.None:
        break;
    }
    this.metaKind = Meta.None;
    return undefined;
  }
}
