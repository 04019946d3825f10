// Shared by the commands: open the source, analyse every layer with progress, report layer failures.
import { parsePlatformString } from '../src/core/oci/platform.ts';
import { analyzeImage, type ImageAnalysis } from '../src/analysis/analyze-image.ts';
import { deriveLimitsForHeap } from '../src/analysis/heap-entry-budget.ts';
import { DEFAULT_LIMITS } from '../src/analysis/layer-pipeline.ts';
import { nodeCodecs } from '../src/node/codecs.ts';
import { readNodeHeapLimit } from '../src/node/heap-limit.ts';
import { bool, flag, UsageError, type Parsed } from './args.ts';
import { openSource } from './open-source.ts';
import { createProgress } from './progress.ts';

export const SOURCE_FLAGS = { boolean: ['quiet', 'json', 'jsonl', 'text', 'tls-verify', 'help'], value: ['platform', 'creds', 'concurrency', 'layer', 'driver', 'option', 'ci-config', 'lowest-efficiency', 'highest-wasted-bytes', 'highest-user-wasted-percent'] };

export async function runAnalysis(p: Parsed, signal: AbortSignal): Promise<ImageAnalysis> {
  const source = p.positional[0];
  if (!source) throw new UsageError('name a SOURCE: docker-archive:PATH, oci-archive:PATH, oci:DIR, docker://REF or a reference');
  const platformArg = flag(p, 'platform');
  let platform;
  if (platformArg) {
    const r = parsePlatformString(platformArg);
    if (!r.ok) throw new UsageError(r.error.message);
    platform = r.value;
  }
  const tls = flag(p, 'tls-verify');
  const image = await openSource(source, { platform, creds: flag(p, 'creds'), tlsVerify: tls !== 'false' });
  const quiet = bool(p, 'quiet');
  if (!quiet && image.platformChoice) process.stderr.write(`platform: ${image.platformChoice}\n`);
  const progress = createProgress(!quiet, image.layers.length);
  const concurrency = Number(flag(p, 'concurrency') ?? 3);
  // The image entry budget follows this process's heap (B2): NODE_OPTIONS=--max-old-space-size raises both.
  const limits = deriveLimitsForHeap(DEFAULT_LIMITS, readNodeHeapLimit());
  const analysis = await analyzeImage(image, nodeCodecs, { signal, concurrency, limits, onProgress: progress.update });
  progress.done();
  for (const r of analysis.layers) {
    if (r.status === 'failed') process.stderr.write(`error: layer ${r.index}: ${r.error?.message}\n`);
  }
  if (analysis.partial && !quiet) process.stderr.write(`warning: the tree is partial: ${analysis.layers.length - analysis.stacked.length} layer(s) failed and are not stacked\n`);
  return analysis;
}
