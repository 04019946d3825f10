// A stacked UnionTree as one ArrayBuffer and back, so a reopened image is served without restacking: a JSON header,
// then the node and version columns, the name pool, and each layer's diff codes and entry → node map, 8-byte
// aligned so reading makes views, not copies. The layer indexes themselves are stored (and shared) per layer. Pure.
import { err, ok, type Result } from '../result.ts';
import { packFrame, readFrameHeader, readFrameSections, type ColumnKind } from '../layers/column-frame.ts';
import type { LayerIndex } from '../layers/layer-index.ts';
import { NamePool } from '../layers/name-pool.ts';
import { UnionTree } from './union-tree.ts';

const MAGIC = 0x31545553; // "SUT1"
const VERSION = 1;

type Header = {
  readonly v: number;
  readonly count: number;
  readonly versions: number;
  readonly nameCount: number;
  readonly nameBytes: number;
  /** entries of each stacked layer */
  readonly layerCounts: readonly number[];
  readonly warnings: UnionTree['warnings'];
};


function layout(h: Header): [ColumnKind, number][] {
  const n = h.count;
  const v = h.versions;
  const out: [ColumnKind, number][] = [
    ['i32', n], ['i32', n], ['i16', n], ['i32', n], ['i32', n], ['i32', n], ['i32', n], ['i32', n],
    ['i16', v], ['i32', v], ['i32', v], ['u32', h.nameCount + 1], ['u8', h.nameBytes],
  ];
  for (const c of h.layerCounts) out.push(['u8', c], ['i32', c]);
  return out;
}

/** Serialises an exactly stacked tree (no provisional layer on top). */
export function serializeUnionTree(tree: UnionTree): ArrayBuffer {
  if (tree.provisional) throw new Error('serializeUnionTree: roll the provisional layer back first');
  const names = tree.names.exportParts();
  const n = tree.count;
  const v = tree.versions;
  const header: Header = {
    v: VERSION, count: n, versions: v, nameCount: names.count, nameBytes: names.bytes.length,
    layerCounts: tree.layers.map((ix) => ix.count), warnings: tree.warnings,
  };
  const parts: ArrayBufferView[] = [
    tree.parent.subarray(0, n), tree.name.subarray(0, n), tree.layer.subarray(0, n), tree.entry.subarray(0, n), tree.version.subarray(0, n),
    tree.firstChild.subarray(0, n), tree.lastChild.subarray(0, n), tree.nextSibling.subarray(0, n),
    tree.verLayer.subarray(0, v), tree.verEntry.subarray(0, v), tree.verPrev.subarray(0, v), names.offsets, names.bytes,
  ];
  tree.layers.forEach((_, pos) => parts.push(tree.diffs[pos]!, tree.nodeOfEntry[pos]!));
  return packFrame(MAGIC, header, parts);
}

/**
 * Rebuilds a tree over `buffer` (views, no copies). `layers` are the stacked layer indexes in tree order as far as
 * they are known; the rest may be pushed onto `tree.layers` later (the version columns already hold them).
 * A damaged buffer, or one that does not fit the layers, is an error, never a wrong tree.
 */
export function deserializeUnionTree(buffer: ArrayBuffer, layers: readonly LayerIndex[] = []): Result<{ tree: UnionTree; layerCounts: readonly number[] }> {
  const bad = (why: string) => err('CACHE_CORRUPT', `stored union tree is unreadable: ${why}`);
  const frame = readFrameHeader<Header>(buffer, MAGIC);
  if ('problem' in frame) return bad(frame.problem);
  const h = frame.header;
  if (h.v !== VERSION || !Array.isArray(h.layerCounts) || !Array.isArray(h.warnings)) return bad(`version ${String(h.v)}`);
  const counts = [h.count, h.versions, h.nameCount, h.nameBytes, ...h.layerCounts];
  if (!counts.every((c) => Number.isSafeInteger(c) && c >= 0) || h.count < 1 || h.layerCounts.length > 0x7fff) return bad('bad counts');
  const cols = readFrameSections(buffer, frame.at, layout(h));
  if ('problem' in cols) return bad(cols.problem);
  const [parent, name, layer, entry, version, firstChild, lastChild, nextSibling, verLayer, verEntry, verPrev, nameOffsets, nameBytes] = cols as [
    Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Int16Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>,
    Int16Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Int32Array<ArrayBuffer>, Uint32Array<ArrayBuffer>, Uint8Array<ArrayBuffer>,
  ];
  const L = h.layerCounts.length;
  for (let i = 0; i < layers.length; i++) if (layers[i]!.count !== h.layerCounts[i]) return bad(`layer ${i} has ${layers[i]!.count} entries, the tree expects ${h.layerCounts[i]}`);
  const problem = checkTree(h, L, { parent, name, layer, entry, version, firstChild, lastChild, nextSibling, verLayer, verEntry, verPrev, nameOffsets });
  if (problem) return bad(problem);
  const names = new NamePool();
  names.restoreParts(nameBytes, nameOffsets, h.nameCount);
  const tree = new UnionTree(names);
  Object.assign(tree, { count: h.count, versions: h.versions, parent, name, layer, entry, version, firstChild, lastChild, nextSibling, verLayer, verEntry, verPrev });
  for (let i = 0; i < L; i++) {
    tree.diffs.push(cols[13 + 2 * i] as Uint8Array);
    tree.nodeOfEntry.push(cols[14 + 2 * i] as Int32Array);
  }
  tree.layers.push(...layers);
  tree.warnings.push(...h.warnings);
  return ok({ tree, layerCounts: h.layerCounts });
}

type Columns = Record<'parent' | 'name' | 'entry' | 'version' | 'firstChild' | 'lastChild' | 'nextSibling' | 'verEntry' | 'verPrev', Int32Array>
  & { layer: Int16Array; verLayer: Int16Array; nameOffsets: Uint32Array };

/** The invariants row views rely on: parents first, links and ids inside their tables. */
function checkTree(h: Header, layerCount: number, c: Columns): string | undefined {
  const n = h.count;
  const inNodes = (x: number) => x >= -1 && x < n;
  for (let i = 1; i < n; i++) {
    const p = c.parent[i]!;
    if (p < 0 || p >= i) return `node ${i} has parent ${p}`;
    if (c.name[i]! < 0 || c.name[i]! >= h.nameCount) return `node ${i} has name ${c.name[i]}`;
    if (c.layer[i]! < -1 || c.layer[i]! >= layerCount) return `node ${i} has layer ${c.layer[i]}`;
    if (!inNodes(c.firstChild[i]!) || !inNodes(c.lastChild[i]!) || !inNodes(c.nextSibling[i]!)) return `node ${i} links outside the tree`;
    if (c.version[i]! < -1 || c.version[i]! >= h.versions) return `node ${i} has version ${c.version[i]}`;
    const l = c.layer[i]!;
    if (l >= 0 && (c.entry[i]! < 0 || c.entry[i]! >= h.layerCounts[l]!)) return `node ${i} has entry ${c.entry[i]}`;
  }
  for (let v = 0; v < h.versions; v++) {
    const l = c.verLayer[v]!;
    if (l < 0 || l >= layerCount || c.verEntry[v]! < -1 || c.verEntry[v]! >= h.layerCounts[l]! || c.verPrev[v]! < -1 || c.verPrev[v]! >= v) return `version ${v} is out of range`;
  }
  if (c.nameOffsets[0] !== 0 || c.nameOffsets[h.nameCount] !== h.nameBytes) return 'name offsets are out of order';
  for (let i = 1; i <= h.nameCount; i++) if (c.nameOffsets[i]! < c.nameOffsets[i - 1]!) return 'name offsets are out of order';
  return undefined;
}
