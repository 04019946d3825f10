// A program, not a test: row-window latency of the analysis worker's tree views at 1M entries. Builds a synthetic
// node_modules-shaped layer from tar headers (src/testing/tar-builder.ts), stacks it, then times the first
// computation of several views and the 100-row windows read from them afterwards.
// Run: node --import tsx bench/rows-bench.ts [entries]
import { LayerIndexBuilder } from '../src/core/layers/layer-index-builder.ts';
import { TarReader } from '../src/core/layers/tar-reader.ts';
import type { DiffId, Digest } from '../src/core/oci/digest.ts';
import type { TreeView } from '../src/protocol/messages.ts';
import { LayerStack } from '../src/analysis/worker/layer-stack.ts';
import { TreeViews } from '../src/analysis/worker/tree-views.ts';
import { tarHeader } from '../src/testing/tar-builder.ts';

const entries = Number(process.argv[2] ?? 1_000_000);
const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

const ascii = new TextEncoder();
const template = tarHeader({ name: 'template', typeflag: '0', size: 0 });

/** tar-builder's header with another name and type: patching the template is ~50x faster than building 1M. */
function writeHeader(into: Uint8Array, at: number, name: string, typeflag: number): void {
  into.set(template, at);
  into.fill(0, at, at + 100);
  ascii.encodeInto(name, into.subarray(at, at + 100));
  into[at + 156] = typeflag;
  into.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let k = 0; k < 512; k++) sum += into[at + k]!;
  ascii.encodeInto(`${sum.toString(8).padStart(6, '0')}\0 `, into.subarray(at + 148, at + 156));
}

function buildLayer(n: number) {
  const builder = new LayerIndexBuilder(undefined, { maxEntries: n + 10, maxWarnings: 10 });
  const reader = new TarReader(builder);
  const batch = new Uint8Array(4096 * 512);
  let fill = 0;
  const flush = () => {
    reader.push(batch.subarray(0, fill * 512));
    fill = 0;
  };
  for (let i = 0; i < n; i++) {
    const pkg = `node_modules/pkg-${i % 5000}`;
    const dir = i % 10 === 0;
    const name = dir ? `${pkg}/lib/sub-${(i / 10) % 7}` : `${pkg}/lib/sub-${(i % 70) % 7}/file-${i}.js`;
    writeHeader(batch, fill * 512, name, dir ? 0x35 : 0x30);
    if (++fill === 4096) flush();
  }
  flush();
  reader.push(new Uint8Array(1024));
  reader.finish();
  return builder.finish(reader.bytesConsumed);
}

let t = process.hrtime.bigint();
const ix = buildLayer(entries);
console.log(`layer: ${ix.count - 1} entries indexed in ${ms(t).toFixed(0)} ms`);
t = process.hrtime.bigint();
const stack = new LayerStack(1);
stack.complete({ index: 0, status: 'verified', layer: ix, compression: 'none', digest: 'sha256:0' as Digest, diffId: 'sha256:0' as DiffId, compressedBytes: 0, uncompressedBytes: 0, warnings: [] });
console.log(`stacked into the union tree in ${ms(t).toFixed(0)} ms (${stack.tree.count} nodes)`);
const views = new TreeViews(stack);

const base: TreeView = { mode: 'merged', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'name' };
const cases: [string, TreeView][] = [
  ['merged, everything expanded, by name', base],
  ['merged, everything expanded, by size', { ...base, sort: 'size' }],
  ['merged, root + one package open', { ...base, expanded: ['/node_modules', '/node_modules/pkg-42', '/node_modules/pkg-42/lib'] }],
  ['merged, glob search **/sub-3/file-1*.js', { ...base, search: '**/sub-3/file-1*.js' }],
  ['merged, filter kinds=added', { ...base, kinds: ['added'] }],
  ['layer mode, everything expanded', { ...base, mode: 'layer' }],
];

const report: string[] = [];
for (const [label, view] of cases) {
  t = process.hrtime.bigint();
  const first = views.rows(view, 0, 100);
  const firstMs = ms(t);
  if (!first.ok) throw new Error(first.error.message);
  const total = first.value.total;
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = Math.floor((i * 7919 * 104729) % Math.max(1, total - 100));
    const s = process.hrtime.bigint();
    const r = views.rows(view, start, 100);
    samples.push(ms(s));
    if (!r.ok || r.value.rows.length !== Math.min(100, total - start)) throw new Error('bad window');
  }
  samples.sort((a, b) => a - b);
  const median = samples[samples.length >> 1]!;
  const p95 = samples[Math.floor(samples.length * 0.95)]!;
  report.push(`${label.padEnd(44)} ${String(total).padStart(8)} rows   view ${firstMs.toFixed(0).padStart(6)} ms   100-row window median ${median.toFixed(3)} ms, p95 ${p95.toFixed(3)} ms`);
}
console.log(`\nview (at ${entries} entries)                        rows      first request (computes the view)     later windows\n${report.join('\n')}`);
