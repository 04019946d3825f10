// `npm run bench`: a program, not a test. Builds a ≥ 1 GB gzip layer from real system files, then prints, in
// one run: the engine's throughput in Node (sha256 + gunzip + tar index), native `gzip -dc | tar -tvf -` on
// the same blob, their ratio, and bytes per index entry at 1M entries. Writes bench/out/engine.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { analyzeLayer } from '../src/analysis/layer-pipeline.ts';
import { LayerIndexBuilder } from '../src/core/layers/layer-index-builder.ts';
import { TarReader } from '../src/core/layers/tar-reader.ts';
import { nodeCodecs } from '../src/node/codecs.ts';
import { tarHeader } from '../src/testing/tar-builder.ts';

const out = resolve(import.meta.dirname, 'out');
mkdirSync(out, { recursive: true });
const blob = `${out}/big.tar.gz`;
const MIN_BYTES = 1_000_000_000;

function buildBlob(): void {
  if (existsSync(blob) && statSync(`${out}/big.tar`, { throwIfNoEntry: false })?.size && statSync(`${out}/big.tar`).size >= MIN_BYTES) return;
  console.log('building the layer: tar of /usr/share and /usr/lib (real system files), gzip -6 …');
  const dirs = ['usr/share', 'usr/lib/x86_64-linux-gnu', 'usr/lib'].filter((d) => existsSync(`/${d}`));
  execFileSync('bash', ['-c', `tar -C / --ignore-failed-read -cf ${out}/big.tar ${dirs.slice(0, 2).join(' ')} 2>/dev/null; s=$(stat -c %s ${out}/big.tar); if [ "$s" -lt ${MIN_BYTES} ]; then tar -C / --ignore-failed-read -cf ${out}/big.tar ${dirs.join(' ')} 2>/dev/null; fi`], { stdio: 'inherit' });
  const gz = existsSync('/usr/bin/pigz') ? 'pigz -6' : 'gzip -6';
  execFileSync('bash', ['-c', `${gz} -c ${out}/big.tar > ${blob}`], { stdio: 'inherit' });
}

function timeShell(cmd: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} failed`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

async function timeEngine(): Promise<{ secs: number; entries: number; tar: number }> {
  const t = process.hrtime.bigint();
  const r = await analyzeLayer({
    index: 0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: undefined, size: statSync(blob).size, diffId: undefined,
    open: (signal) => (async function* () {
      for await (const c of createReadStream(blob, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) yield new Uint8Array(c.buffer, c.byteOffset, c.length);
    })(),
  }, nodeCodecs, { signal: new AbortController().signal, limits: { maxUncompressedBytes: 1e12, maxRatio: 1e9, ratioGraceBytes: 0, maxEntries: 1e8, maxZstdWindowBytes: 1 << 27 } });
  if (r.status === 'failed') throw new Error(r.error?.message);
  return { secs: Number(process.hrtime.bigint() - t) / 1e9, entries: r.layer.count - 1, tar: r.uncompressedBytes };
}

/** Bytes per index entry for 1M entries shaped like a node_modules tree (dirs, files, some long names). */
function bytesPerEntry(n: number): { perEntry: number; heapPerEntry: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const builder = new LayerIndexBuilder(undefined, { maxEntries: n + 10, maxWarnings: 10 });
  const reader = new TarReader(builder);
  const batch: Uint8Array[] = [];
  const flush = () => {
    const buf = new Uint8Array(batch.length * 512);
    batch.forEach((h, i) => buf.set(h, i * 512));
    reader.push(buf);
    batch.length = 0;
  };
  for (let i = 0; i < n; i++) {
    const pkg = `node_modules/pkg-${i % 5000}`;
    const name = i % 10 === 0 ? `${pkg}/lib/sub-${(i / 10) % 7}` : `${pkg}/lib/sub-${(i % 70) % 7}/file-${i}.js`;
    batch.push(tarHeader({ name, typeflag: i % 10 === 0 ? '5' : '0', size: 0 }));
    if (batch.length === 4096) flush();
  }
  flush();
  reader.push(new Uint8Array(1024));
  reader.finish();
  const ix = builder.finish(reader.bytesConsumed);
  gc?.();
  const after = process.memoryUsage();
  const heap = after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
  return { perEntry: ix.byteLength / (ix.count - 1), heapPerEntry: heap / (ix.count - 1) };
}

buildBlob();
const gzBytes = statSync(blob).size;
const tarBytes = statSync(`${out}/big.tar`).size;
console.log(`layer: ${(tarBytes / 1e9).toFixed(2)} GB tar, ${(gzBytes / 1e9).toFixed(2)} GB gzip`);
timeShell(`cat ${blob} > /dev/null`);
const native = timeShell(`gzip -dc ${blob} | tar -tvf - > /dev/null`);
const nativeSha = timeShell(`tee >(openssl dgst -sha256 > /dev/null) < ${blob} | gzip -dc | tar -tvf - > /dev/null`);
const engine = await timeEngine();
const mem = bytesPerEntry(1_000_000);
const report = {
  machine: { cpus: (await import('node:os')).cpus().length, cpu: (await import('node:os')).cpus()[0]?.model, node: process.version },
  layer: { tarBytes, gzBytes, entries: engine.entries },
  native: { 'gzip -dc | tar -tvf -': { secs: native, mbpsOut: tarBytes / native / 1e6 }, 'tee>openssl sha256 + gzip -dc | tar -tvf -': { secs: nativeSha, mbpsOut: tarBytes / nativeSha / 1e6 } },
  engine: { secs: engine.secs, mbpsIn: gzBytes / engine.secs / 1e6, mbpsOut: tarBytes / engine.secs / 1e6, sha256: true, contentHash: true },
  ratioVsGzipTar: native / engine.secs,
  ratioVsGzipTarWithSha: nativeSha / engine.secs,
  index: { entries: 1_000_000, bytesPerEntry: mem.perEntry, retainedHeapBytesPerEntry: mem.heapPerEntry },
};
writeFileSync(`${out}/engine.json`, JSON.stringify(report, null, 2));
const f = (n: number) => n.toFixed(2);
console.log(`
case                                             secs    MB/s out
native  gzip -dc | tar -tvf -                   ${f(native).padStart(6)}  ${f(tarBytes / native / 1e6).padStart(8)}
native  + openssl sha256 in a tee               ${f(nativeSha).padStart(6)}  ${f(tarBytes / nativeSha / 1e6).padStart(8)}
strata  node: sha256 + gunzip + tar + hashes    ${f(engine.secs).padStart(6)}  ${f(tarBytes / engine.secs / 1e6).padStart(8)}
ratio   strata vs gzip|tar: ${f(report.ratioVsGzipTar)}x   vs gzip|tar+sha256: ${f(report.ratioVsGzipTarWithSha)}x   (target ≥ 1.0)
index   ${mem.perEntry.toFixed(1)} bytes/entry in columns at 1M entries (target ≤ 56); retained heap ${mem.heapPerEntry.toFixed(1)} bytes/entry${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for an exact figure)'}
report: ${out}/engine.json`);
