// A LayerIndex as one ArrayBuffer and back (the worker's layer cache stores it): a small JSON header, then the
// typed-array columns, the name pool and the link strings, each 8-byte aligned so reading is zero-copy. Pure;
// the reader validates every length and id, since stored bytes may be truncated or stale.
import { err, ok, type Result } from '../result.ts';
import { packFrame, readFrameHeader, readFrameSections, type ColumnKind } from './column-frame.ts';
import { LayerIndex, type LayerWarning } from './layer-index.ts';

const MAGIC = 0x31584c53; // "SLX1"
// 2: the link column became a sparse id map and a tar header offset column was added.
const VERSION = 2;
const MAX_KIND = 8;

type Header = {
  readonly v: number;
  readonly count: number;
  readonly nameCount: number;
  readonly nameBytes: number;
  readonly linkCount: number;
  readonly linkBytes: number;
  readonly linkIdCount: number;
  readonly tarBytes: number;
  readonly fileBytes: number;
  readonly warningsDropped: number;
  readonly bigSizes: readonly (readonly [number, number])[];
  readonly devices: readonly (readonly [number, number, number])[];
  readonly warnings: readonly LayerWarning[];
  readonly rejected: readonly LayerWarning[];
};


/** The sections in file order, with their element type and length from the header. */
function layout(h: Header): [ColumnKind, number][] {
  const n = h.count;
  return [
    ['i32', n], ['i32', n], ['u8', n], ['u8', n], ['u16', n], ['u32', n], ['u32', n], ['u32', n], ['u32', n], ['u32', n], ['u32', n],
    ['u32', h.nameCount + 1], ['u8', h.nameBytes], ['u32', h.linkCount + 1], ['u8', h.linkBytes], ['u32', h.linkIdCount], ['u32', h.linkIdCount],
  ];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Serialises a frozen (finished) LayerIndex. */
export function serializeLayerIndex(ix: LayerIndex): ArrayBuffer {
  const names = ix.names.exportParts();
  const linkParts = ix.links.map((l) => encoder.encode(l));
  const linkOffsets = new Uint32Array(linkParts.length + 1);
  linkParts.forEach((p, i) => { linkOffsets[i + 1] = linkOffsets[i]! + p.length; });
  const linkBytes = new Uint8Array(linkOffsets[linkParts.length]!);
  linkParts.forEach((p, i) => linkBytes.set(p, linkOffsets[i]!));
  const n = ix.count;
  const header: Header = {
    v: VERSION, count: n, nameCount: names.count, nameBytes: names.bytes.length, linkCount: linkParts.length, linkBytes: linkBytes.length, linkIdCount: ix.linkIds.size,
    tarBytes: ix.tarBytes, fileBytes: ix.fileBytes, warningsDropped: ix.warningsDropped,
    bigSizes: [...ix.bigSizes], devices: [...ix.devices].map(([id, [a, b]]) => [id, a, b] as const),
    warnings: ix.warnings, rejected: ix.rejected,
  };
  const columns: ArrayBufferView[] = [
    ix.parent, ix.name, ix.kind, ix.flags, ix.mode, ix.uid, ix.gid, ix.size32, ix.hashHi, ix.hashLo, ix.offset,
  ].map((c) => c.subarray(0, n));
  columns.push(names.offsets, names.bytes, linkOffsets, linkBytes, Uint32Array.from(ix.linkIds.keys()), Uint32Array.from(ix.linkIds.values()));
  return packFrame(MAGIC, header, columns);
}

/** Rebuilds a LayerIndex over `buffer` (views, no copies); a damaged buffer is an error, never a wrong index. */
export function deserializeLayerIndex(buffer: ArrayBuffer): Result<LayerIndex> {
  const bad = (why: string) => err('CACHE_CORRUPT', `stored layer index is unreadable: ${why}`);
  const frame = readFrameHeader<Header>(buffer, MAGIC);
  if ('problem' in frame) return bad(frame.problem);
  const { header } = frame;
  if (header.v !== VERSION) return bad(`version ${String(header.v)}`);
  const counts = [header.count, header.nameCount, header.nameBytes, header.linkCount, header.linkBytes, header.linkIdCount];
  if (!counts.every((c) => Number.isSafeInteger(c) && c >= 0) || header.count < 1) return bad('bad counts');
  const cols = readFrameSections(buffer, frame.at, layout(header));
  if ('problem' in cols) return bad(cols.problem);
  type I32 = Int32Array<ArrayBuffer>;
  type U32 = Uint32Array<ArrayBuffer>;
  type U8 = Uint8Array<ArrayBuffer>;
  const [parent, name, kind, flags, mode, uid, gid, size32, hashHi, hashLo, offset, nameOffsets, nameBytes, linkOffsets, linkBytes, linkEntries, linkIndexes] = cols as [
    I32, I32, U8, U8, Uint16Array<ArrayBuffer>, U32, U32, U32, U32, U32, U32, U32, U8, U32, U8, U32, U32,
  ];
  const problem = checkColumns(header, parent, name, kind, nameOffsets, linkOffsets) ?? checkLinks(header, linkEntries, linkIndexes);
  if (problem) return bad(problem);
  const ix = new LayerIndex();
  Object.assign(ix, { count: header.count, parent, name, kind, flags, mode, uid, gid, size32, hashHi, hashLo, offset });
  for (let i = 0; i < header.linkIdCount; i++) ix.linkIds.set(linkEntries[i]!, linkIndexes[i]!);
  ix.names.restoreParts(nameBytes, nameOffsets, header.nameCount);
  for (let i = 0; i < header.linkCount; i++) ix.links.push(decoder.decode(linkBytes.subarray(linkOffsets[i]!, linkOffsets[i + 1]!)));
  for (const [id, size] of header.bigSizes) ix.bigSizes.set(id, size);
  for (const [id, major, minor] of header.devices) ix.devices.set(id, [major, minor]);
  ix.warnings.push(...header.warnings);
  ix.rejected.push(...header.rejected);
  ix.warningsDropped = header.warningsDropped;
  ix.tarBytes = header.tarBytes;
  ix.fileBytes = header.fileBytes;
  return ok(ix);
}

function checkLinks(h: Header, entries: Uint32Array, indexes: Uint32Array): string | undefined {
  for (let i = 0; i < h.linkIdCount; i++) {
    if (entries[i]! >= h.count || indexes[i]! >= h.linkCount) return `link ${i} names entry ${entries[i]} and target ${indexes[i]}`;
  }
  return undefined;
}

/** The invariants the tree code relies on: parents come first, ids point inside their tables. */
function checkColumns(h: Header, parent: Int32Array, name: Int32Array, kind: Uint8Array, nameOffsets: Uint32Array, linkOffsets: Uint32Array): string | undefined {
  if (parent[0] !== -1) return 'root has a parent';
  for (let i = 1; i < h.count; i++) {
    const p = parent[i]!;
    if (p < 0 || p >= i) return `entry ${i} has parent ${p}`;
    if (name[i]! < 0 || name[i]! >= h.nameCount) return `entry ${i} has name ${name[i]}`;
    if (kind[i]! > MAX_KIND) return `entry ${i} has kind ${kind[i]}`;
  }
  const monotonic = (offsets: Uint32Array, end: number) => {
    if (offsets[0] !== 0 || offsets[offsets.length - 1] !== end) return false;
    for (let i = 1; i < offsets.length; i++) if (offsets[i]! < offsets[i - 1]!) return false;
    return true;
  };
  if (!monotonic(nameOffsets, h.nameBytes)) return 'name offsets are out of order';
  if (!monotonic(linkOffsets, h.linkBytes)) return 'link offsets are out of order';
  return undefined;
}
