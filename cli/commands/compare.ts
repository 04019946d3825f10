// `strata compare A B [--platform P] [--json]`: shared layers, the first differing layer and the file diff.
import { compareImages } from '../../src/core/tree/compare.ts';
import { shortDigest } from '../../src/core/oci/digest.ts';
import type { ImageAnalysis } from '../../src/analysis/analyze-image.ts';
import { bool, UsageError, type Parsed } from '../args.ts';
import { runAnalysis } from '../run-analysis.ts';

const side = (a: ImageAnalysis) => ({ layers: a.layers.map((l) => ({ digest: l.digest, diffId: l.diffId })), tree: a.tree, stacked: a.stacked });

export async function compareCommand(p: Parsed, signal: AbortSignal): Promise<number> {
  const [srcA, srcB] = p.positional;
  if (!srcA || !srcB) throw new UsageError('compare needs two sources: strata compare A B');
  const a = await runAnalysis({ ...p, positional: [srcA] }, signal);
  const b = await runAnalysis({ ...p, positional: [srcB] }, signal);
  const c = compareImages(side(a), side(b));
  if (bool(p, 'json')) {
    process.stdout.write(`${JSON.stringify({
      shared: c.shared, sharedByDiffId: c.sharedByDiffId, onlyA: c.onlyA, onlyB: c.onlyB, firstDifference: c.firstDifference, sizeDelta: c.sizeDelta,
      files: c.files.map((f) => ({ path: f.path, change: f.change, sizeA: f.sizeA, sizeB: f.sizeB, layerA: f.layerA, layerB: f.layerB })),
      partial: a.partial || b.partial,
    }, null, 2)}\n`);
    return a.partial || b.partial ? 1 : 0;
  }
  const out = [`A: ${a.image.source}`, `B: ${b.image.source}`, '', `Shared layers: ${c.shared.length + c.sharedByDiffId.length} (${c.sharedByDiffId.length} of them recompressed: same diffId, different digest)`];
  for (const d of c.shared) out.push(`  = ${shortDigest(d)}`);
  for (const s of c.sharedByDiffId) out.push(`  ≈ ${shortDigest(s.digestA)} / ${shortDigest(s.digestB)} (diffId ${shortDigest(s.diffId)})`);
  out.push(`Only in A: ${c.onlyA.length}   Only in B: ${c.onlyB.length}   First difference at layer: ${c.firstDifference ?? 'none'}`);
  out.push('', `Files: ${c.files.length} changed, size delta ${c.sizeDelta} bytes`);
  for (const f of c.files.slice(0, 200)) {
    const mark = f.change === 'added' ? '+' : f.change === 'removed' ? '-' : '~';
    out.push(`  ${mark} ${f.path}  ${f.sizeA ?? '-'} → ${f.sizeB ?? '-'}  (layer A ${f.layerA ?? '-'}, B ${f.layerB ?? '-'})`);
  }
  if (c.files.length > 200) out.push(`  … ${c.files.length - 200} more (use --json)`);
  process.stdout.write(`${out.join('\n')}\n`);
  return a.partial || b.partial ? 1 : 0;
}
