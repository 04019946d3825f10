// A program, not a test: records gzip checkpoints (src/analysis/codecs/gzip-checkpoints.ts, every 4 MiB) over the
// big bench layer in Node and prints, for every regular file under 1 MiB, the compressed bytes one Range request
// from the nearest checkpoint would fetch to read it, next to the whole blob. Run after `npm run bench` built inputs.
// Run: node --import tsx bench/zran-bench.ts [blob.tar.gz]
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { GzipCheckpointRecorder, planRead } from '../src/analysis/codecs/gzip-checkpoints.ts';
import { KIND } from '../src/core/layers/tar-header.ts';
import { TarReader, type TarSink } from '../src/core/layers/tar-reader.ts';

const blob = process.argv[2] ?? resolve(import.meta.dirname, 'out', 'big.tar.gz');
const t = performance.now();
const recorder = new GzipCheckpointRecorder();
const files: { offset: number; size: number }[] = [];
const sink: TarSink = {
  onEntry: (e) => {
    if (e.kind === KIND.file && e.realSize > 0) files.push({ offset: e.headerOffset + 512, size: e.realSize });
    return false;
  },
  onBody: () => undefined,
  onEntryEnd: () => undefined,
  onWarning: () => undefined,
};
const reader = new TarReader(sink);
for await (const c of createReadStream(blob, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
  for (const piece of recorder.push(new Uint8Array(c.buffer, c.byteOffset, c.length))) reader.push(piece);
}
const index = recorder.finish();
const secs = (performance.now() - t) / 1000;
const fetched = files.filter((f) => f.size < 1 << 20).map((f) => {
  const p = planRead(index, f.offset, f.size);
  return p.end - p.start;
}).sort((a, b) => a - b);
const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
console.log(`blob ${mb(statSync(blob).size)} → ${mb(index.uncompressedBytes)} tar; recorded ${index.checkpoints.length} checkpoints (${mb(index.checkpoints.length * 32768)} of windows) in ${secs.toFixed(1)} s (pako, ${(index.uncompressedBytes / secs / 1e6).toFixed(0)} MB/s out)`);
console.log(`bytes fetched to read one file (${fetched.length} files < 1 MiB): median ${mb(fetched[fetched.length >> 1] ?? 0)}, p95 ${mb(fetched[Math.floor(fetched.length * 0.95)] ?? 0)}, max ${mb(fetched.at(-1) ?? 0)}; whole blob ${mb(statSync(blob).size)}`);
