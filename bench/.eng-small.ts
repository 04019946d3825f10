import { createReadStream, statSync } from 'node:fs';
import { analyzeLayer } from '/work/main/src/analysis/layer-pipeline.ts';
import { nodeCodecs } from '/work/main/src/node/codecs.ts';
const blob = process.argv[2]!;
const t = performance.now();
const r = await analyzeLayer({
  index: 0, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: undefined, size: statSync(blob).size, diffId: undefined,
  open: (signal) => (async function* () { for await (const c of createReadStream(blob, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) yield new Uint8Array(c.buffer, c.byteOffset, c.length); })(),
}, nodeCodecs, { signal: new AbortController().signal });
console.log(r.status, r.layer.count, r.layer.byteLength, ((performance.now() - t) / 1000).toFixed(1), 's', r.warnings.slice(0,3));
