// The columnar index of one layer: typed-array columns per entry (parent, name, kind, flags, mode, uid, gid,
// size, content hash, tar header offset), interned name segments and a sparse map of link targets (only links
// pay for one); no object per file. Built by layer-index-builder.ts. Pure.
import { NamePool } from './name-pool.ts';
import { KIND } from './tar-header.ts';

export const FLAG = {
  /** the entry came from a tar header (else it is a parent the layer implies) */
  explicit: 1,
  /** directory carries an opaque marker (.wh..wh..opq) */
  opaque: 2,
  sparse: 4,
  /** content hash present */
  hashed: 8,
  /** the name was normalised (absolute, drive letter, dot segments) */
  normalized: 16,
  /** hardlink target cannot be placed (escapes the root) */
  badLink: 32,
} as const;

export type LayerWarning = { readonly code: string; readonly message: string; readonly path?: string };

export type LayerLimits = { readonly maxEntries: number; readonly maxWarnings: number };
export const DEFAULT_LAYER_LIMITS: LayerLimits = { maxEntries: 5_000_000, maxWarnings: 500 };

/** size32 value meaning "look the size up in bigSizes" */
export const HUGE = 0xffffffff;
/** offset value of an entry with no tar header of its own (implied parent, root) or one beyond 2 TiB */
export const NO_OFFSET = 0xffffffff;
/** tar headers start on 512-byte blocks; `offset` counts blocks */
export const TAR_BLOCK = 512;

/** Column storage shared by the builder and the frozen index. */
export class LayerIndex {
  count = 1;
  parent = new Int32Array(1024);
  name = new Int32Array(1024);
  kind = new Uint8Array(1024);
  flags = new Uint8Array(1024);
  mode = new Uint16Array(1024);
  uid = new Uint32Array(1024);
  gid = new Uint32Array(1024);
  size32 = new Uint32Array(1024);
  hashHi = new Uint32Array(1024);
  hashLo = new Uint32Array(1024);
  /** the entry's own tar header (after any PAX/GNU long-name headers), in 512-byte blocks from the tar start */
  offset = new Uint32Array(1024);
  readonly names = new NamePool();
  readonly links: string[] = [];
  /** entry id → index into `links`, for symlinks and hardlinks only (a column would cost 4 B for every entry) */
  readonly linkIds = new Map<number, number>();
  /** sizes of 4 GiB and above, by entry id */
  readonly bigSizes = new Map<number, number>();
  readonly devices = new Map<number, readonly [number, number]>();
  readonly warnings: LayerWarning[] = [];
  warningsDropped = 0;
  /** entries that were not placed (path escapes, symlinked parents, bad whiteouts) */
  readonly rejected: LayerWarning[] = [];
  tarBytes = 0;
  fileBytes = 0;

  constructor() {
    this.parent[0] = -1;
    this.name[0] = this.names.intern('');
    this.kind[0] = KIND.dir;
    this.mode[0] = 0o755;
    this.offset[0] = NO_OFFSET;
  }

  sizeOf(id: number): number {
    const s = this.size32[id]!;
    return s === HUGE ? (this.bigSizes.get(id) ?? HUGE) : s;
  }

  nameOf(id: number): string {
    return this.names.name(this.name[id]!);
  }

  linkOf(id: number): string | undefined {
    const l = this.linkIds.get(id);
    return l === undefined ? undefined : this.links[l];
  }

  /** Byte offset of the entry's tar header in the uncompressed layer, if it came from one. */
  headerOffsetOf(id: number): number | undefined {
    const o = this.offset[id]!;
    return o === NO_OFFSET ? undefined : o * TAR_BLOCK;
  }

  pathOf(id: number): string {
    const parts: string[] = [];
    for (let i = id; i > 0; i = this.parent[i]!) parts.push(this.nameOf(i));
    return `/${parts.reverse().join('/')}`;
  }

  /** Bytes held by the index's columns and name pool (what the memory budget counts). */
  get byteLength(): number {
    const cols = [this.parent, this.name, this.kind, this.flags, this.mode, this.uid, this.gid, this.size32, this.hashHi, this.hashLo, this.offset];
    let n = this.names.byteLength;
    for (const c of cols) n += c.byteLength;
    for (const l of this.links) n += 16 + l.length;
    n += this.linkIds.size * 16;
    return n;
  }
}
