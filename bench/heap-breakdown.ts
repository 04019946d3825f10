// A program, not a test: where the worker's heap goes for a 1M-entry small-file layer (bench-inputs' shape), stage by
// stage — build the index, stack it, open the default Files view, compute metrics. Peaks come from v8.GCProfiler
// (used heap + external memory before each GC); retained is after a forced GC. Node only; needs --expose-gc.
// Run: node --expose-gc --import tsx bench/heap-breakdown.ts [entries]
import { GCProfiler } from 'node:v8';
import type { LayerIndex } from '../src/core/layers/layer-index.ts';
import { LayerIndexBuilder } from '../src/core/layers/layer-index-builder.ts';
import { TarReader } from '../src/core/layers/tar-reader.ts';
import type { DiffId, Digest } from '../src/core/oci/digest.ts';
import { computeMetricsOfTree } from '../src/core/tree/efficiency.ts';
import { LayerStack } from '../src/analysis/worker/layer-stack.ts';
import { TreeViews } from '../src/analysis/worker/tree-views.ts';
import { writeHeader } from './bench-inputs.ts';

const total = Number(process.argv[2] ?? 1_040_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

type Sample = { heap: number; ab: number };
const now = (): Sample => {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, ab: m.arrayBuffers };
};
const retained = (): Sample => {
  gc();
  gc();
  return now();
};

const rows: { stage: string; ms: number; peak: number; retained: Sample }[] = [];
/** Runs a stage, tracking the largest (heap + external) seen before any GC during it and at its end. */
function stage<T>(name: string, f: (sample: () => void) => T): T {
  const base = retained();
  let peak = base.heap + base.ab;
  const sample = () => {
    const s = now();
    peak = Math.max(peak, s.heap + s.ab);
  };
  const profiler = new GCProfiler();
  profiler.start();
  const t = performance.now();
  const r = f(sample);
  const ms = performance.now() - t;
  sample();
  const stats = profiler.stop();
  for (const g of stats.statistics) peak = Math.max(peak, g.beforeGC.heapStatistics.usedHeapSize + g.beforeGC.heapStatistics.externalMemory);
  rows.push({ stage: name, ms, peak, retained: retained() });
  return r;
}

/** node_modules-shaped entries (bench-inputs' small-file layer: a dir every 25 entries, a symlink every 50). */
function buildLayer(count: number, sample: () => void): LayerIndex {
  const builder = new LayerIndexBuilder(undefined, { maxEntries: count + 100_000, maxWarnings: 10 });
  const reader = new TarReader(builder);
  const batch = new Uint8Array(4096 * 512);
  let fill = 0;
  const add = (name: string, type: number) => {
    writeHeader(batch, fill * 512, name, type, 0);
    if (++fill === 4096) {
      reader.push(batch.subarray(0, fill * 512));
      fill = 0;
      sample();
    }
  };
  for (let i = 0; i < count; i++) {
    const p = Math.floor(i / 500);
    const dir = `node_modules/@scope-${p % 17}/pkg-${p}/lib/sub-${Math.floor(i / 25) % 20}`;
    add(i % 25 === 0 ? dir : `${dir}/file-${i}.js`, i % 25 === 0 ? 0x35 : i % 50 === 0 ? 0x32 : 0x30);
  }
  reader.push(batch.subarray(0, fill * 512));
  reader.push(new Uint8Array(1024));
  reader.finish();
  sample();
  return builder.finish(reader.bytesConsumed);
}

const before = retained();
const layer = stage('build layer index', (s) => buildLayer(total, s));
const entries = layer.count;
const stack = new LayerStack(1);
stage('stack (UnionTree)', () => stack.complete({
  index: 0, status: 'verified', layer, compression: 'gzip', digest: 'sha256:0' as Digest, diffId: 'sha256:0' as DiffId,
  compressedBytes: 0, uncompressedBytes: 0, warnings: [],
}));
const views = new TreeViews(stack);
stage('Files view, first 100 rows', () => views.rows({ mode: 'merged', layer: 0, expanded: [], kinds: [], search: '', sort: 'name' }, 0, 100));
stage('metrics (of the stacked tree)', () => computeMetricsOfTree(stack.tree));

const mb = (b: number) => (b / 1e6).toFixed(1).padStart(8);
const per = (b: number) => (b / entries).toFixed(1).padStart(7);
console.log(`${entries} entries; baseline heap ${mb(before.heap)} MB, arrayBuffers ${mb(before.ab)} MB (subtracted below)`);
console.log(`${'stage'.padEnd(30)} ${'ms'.padStart(6)} ${'peak MB'.padStart(8)} ${'B/entry'.padStart(7)} | ${'retained: heap'.padStart(14)} ${'arrayBuf'.padStart(8)} ${'total'.padStart(8)} ${'B/entry'.padStart(7)}`);
for (const r of rows) {
  const p = r.peak - before.heap - before.ab;
  const h = r.retained.heap - before.heap;
  const a = r.retained.ab - before.ab;
  console.log(`${r.stage.padEnd(30)} ${r.ms.toFixed(0).padStart(6)} ${mb(p)} ${per(p)} | ${mb(h).padStart(14)} ${mb(a)} ${mb(h + a)} ${per(h + a)}`);
}
console.log(`index columns + names: ${(layer.byteLength / entries).toFixed(1)} B/entry; ${stack.tree.count} union nodes`);
