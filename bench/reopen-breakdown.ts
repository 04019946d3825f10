// A program, not a test: where the time of a cached reopen goes in the worker, before and after storing the stacked
// union tree per image, on a 1M-entry one-layer image and a 5-layer image (200k entries each, with overwrites and
// whiteouts). structuredClone stands in for IndexedDB's copy of a stored ArrayBuffer. Node; no browser.
// Run: node --import tsx bench/reopen-breakdown.ts [entries]
import { deserializeLayerIndex, serializeLayerIndex } from '../src/core/layers/layer-index-codec.ts';
import type { LayerIndex } from '../src/core/layers/layer-index.ts';
import { LayerIndexBuilder } from '../src/core/layers/layer-index-builder.ts';
import { TarReader } from '../src/core/layers/tar-reader.ts';
import type { DiffId, Digest } from '../src/core/oci/digest.ts';
import { computeMetrics } from '../src/core/tree/efficiency.ts';
import { LayerStack } from '../src/analysis/worker/layer-stack.ts';
import { TreeViews } from '../src/analysis/worker/tree-views.ts';
import { writeHeader } from './bench-inputs.ts';

const total = Number(process.argv[2] ?? 1_000_000);
/** node_modules-shaped entries [from, to) (bench-inputs' small-file layer shape); `salt` turns other files into symlinks (modified). */
function buildLayer(from: number, to: number, salt: number, whiteouts = 0): LayerIndex {
  const builder = new LayerIndexBuilder(undefined, { maxEntries: to - from + whiteouts + 100_000, maxWarnings: 10 });
  const reader = new TarReader(builder);
  const batch = new Uint8Array(4096 * 512);
  let fill = 0;
  const add = (name: string, type: number) => {
    writeHeader(batch, fill * 512, name, type, 0);
    if (++fill === 4096) { reader.push(batch.subarray(0, fill * 512)); fill = 0; }
  };
  for (let i = from; i < to; i++) {
    const p = Math.floor(i / 500);
    const dir = `node_modules/@scope-${p % 17}/pkg-${p}/lib/sub-${Math.floor(i / 25) % 20}`;
    add(i % 25 === 0 ? dir : `${dir}/file-${i}.js`, i % 25 === 0 ? 0x35 : (i + salt) % 50 === 0 ? 0x32 : 0x30);
  }
  for (let w = 0; w < whiteouts; w++) add(`node_modules/@scope-${w % 17}/.wh.pkg-${w * 3}`, 0x30);
  reader.push(batch.subarray(0, fill * 512));
  reader.push(new Uint8Array(1024));
  reader.finish();
  return builder.finish(reader.bytesConsumed);
}

const result = (index: number, layer: LayerIndex) => ({
  index, status: 'verified' as const, layer, compression: 'gzip' as const, digest: `sha256:${index}` as Digest, diffId: `sha256:${index}` as DiffId,
  compressedBytes: 0, uncompressedBytes: 0, warnings: [],
});
const VIEW = { mode: 'merged', layer: 0, expanded: [] as string[], kinds: [], search: '', sort: 'name' } as const;

function time<T>(rows: [string, number][], label: string, f: () => T): T {
  const t = performance.now();
  const r = f();
  rows.push([label, performance.now() - t]);
  return r;
}

function measure(name: string, layers: readonly LayerIndex[]): void {
  const stored = layers.map((ix) => serializeLayerIndex(ix));
  const top = layers.length - 1;
  // before: every layer read back and stacked, metrics computed again
  const before: [string, number][] = [];
  const decoded = time(before, 'read layer indexes (clone + decode)', () => stored.map((b) => { const r = deserializeLayerIndex(structuredClone(b)); if (!r.ok) throw new Error(r.error.message); return r.value; }));
  const s1 = new LayerStack(layers.length);
  time(before, 'stack (UnionTree.stack)', () => decoded.forEach((ix, i) => s1.complete(result(i, ix))));
  const v1 = new TreeViews(s1);
  time(before, 'first rows (top level)', () => v1.rows({ ...VIEW, layer: top }, 0, 100));
  time(before, 'metrics (computeMetrics restacks)', () => computeMetrics(s1.tree.layers));
  const first = s1.serializeStack()!;
  // after: the stored stacked tree is adopted, metrics come with it
  const after: [string, number][] = [];
  const treeBytes = time(after, 'read stacked tree (clone)', () => structuredClone(first.bytes));
  const decoded2 = time(after, 'read layer indexes (clone + decode)', () => stored.map((b) => { const r = deserializeLayerIndex(structuredClone(b)); if (!r.ok) throw new Error(r.error.message); return r.value; }));
  const s2 = new LayerStack(layers.length);
  time(after, 'adopt (decode + check tree)', () => s2.adopt(treeBytes, first.meta));
  time(after, 'layers take their places', () => decoded2.forEach((ix, i) => s2.complete(result(i, ix))));
  const v2 = new TreeViews(s2);
  time(after, 'first rows (top level)', () => v2.rows({ ...VIEW, layer: top }, 0, 100));
  const sum = (r: [string, number][]) => r.reduce((a, [, ms]) => a + ms, 0);
  console.log(`\n${name}: ${layers.map((l) => l.count - 1).join(' + ')} entries; layer bytes ${(stored.reduce((a, b) => a + b.byteLength, 0) / 1e6).toFixed(1)} MB, stacked tree ${(first.bytes.byteLength / 1e6).toFixed(1)} MB`);
  for (const [label, rows] of [['before (restack)', before], ['after (stored tree)', after]] as const) {
    console.log(`  ${label}: ${sum(rows).toFixed(0)} ms`);
    for (const [l, ms] of rows) console.log(`    ${l.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms`);
  }
}

measure('one layer', [buildLayer(0, total, 0)]);
const per = Math.floor(total / 5);
measure('five layers', [0, 1, 2, 3, 4].map((k) => buildLayer(Math.floor(k * per * 0.8), Math.floor(k * per * 0.8) + per, k, k > 0 ? 500 : 0)));
