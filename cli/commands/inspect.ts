// `strata inspect SOURCE [--platform P] [--json]`: summary, layers, history with empty steps, metrics.
// --json follows dive's export shape (layer[], image{}) and adds Strata's figures under "strata".
import { trimCreatedBy } from '../../src/core/oci/config.ts';
import { shortDigest } from '../../src/core/oci/digest.ts';
import type { ImageAnalysis } from '../../src/analysis/analyze-image.ts';
import { bool, type Parsed } from '../args.ts';
import { diveFileList } from '../dive-export.ts';
import { runAnalysis } from '../run-analysis.ts';

const human = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);

export function strataJson(a: ImageAnalysis) {
  const m = a.metrics;
  return {
    source: a.image.source,
    format: a.image.format,
    ...(a.image.platformChoice ? { platform: a.image.platformChoice } : {}),
    os: a.image.config.os, architecture: a.image.config.architecture,
    ...(a.image.manifestDigest ? { manifestDigest: a.image.manifestDigest } : {}),
    ...(a.image.configDigest ? { configDigest: a.image.configDigest } : {}),
    repoTags: a.image.repoTags,
    partial: a.partial,
    layers: a.layers.map((r) => ({
      index: r.index, status: r.status, digest: r.digest, diffId: r.diffId, mediaType: a.image.layers[r.index]!.mediaType,
      compression: r.compression, compressedBytes: r.compressedBytes, uncompressedBytes: r.uncompressedBytes,
      fileBytes: r.layer.fileBytes, entries: r.layer.count - 1, reclaimableBytes: m.reclaimableByLayer[a.stacked.indexOf(r.index)] ?? 0,
      createdBy: stepOf(a, r.index)?.createdBy ?? null,
      ...(r.error ? { error: r.error } : {}), warnings: r.warnings, rejectedEntries: r.layer.rejected,
    })),
    history: a.history.steps.map((s) => ({ createdBy: s.step.createdBy ?? '', created: s.step.created ?? null, emptyLayer: s.step.emptyLayer, layer: s.layerIndex ?? null })),
    ...(a.history.warning ? { historyWarning: a.history.warning } : {}),
    metrics: {
      efficiencyScore: m.efficiencyScore, wastedBytes: m.wastedBytes, sizeBytes: m.sizeBytes, userSizeBytes: m.userSizeBytes,
      userWastedPercent: m.userWastedPercent, reclaimableBytes: m.reclaimableBytes, reclaimablePaths: m.reclaimablePaths.slice(0, 100),
    },
  };
}

function stepOf(a: ImageAnalysis, layer: number) {
  const i = a.history.stepOfLayer[layer];
  return i === undefined ? undefined : a.image.config.history[i];
}

export function diveJson(a: ImageAnalysis) {
  const m = a.metrics;
  return {
    layer: a.layers.map((r) => ({
      index: r.index, id: r.digest, digestId: r.diffId, sizeBytes: r.layer.fileBytes,
      command: stepOf(a, r.index)?.createdBy ?? '', fileList: diveFileList(r.layer),
    })),
    image: {
      sizeBytes: m.sizeBytes, inefficientBytes: m.wastedBytes, efficiencyScore: m.efficiencyScore,
      fileReference: m.inefficiencies.map((i) => ({ count: i.count, sizeBytes: i.cumulativeSize, file: i.path })),
    },
    strata: strataJson(a),
  };
}

export async function inspectCommand(p: Parsed, signal: AbortSignal): Promise<number> {
  const a = await runAnalysis(p, signal);
  if (bool(p, 'json')) {
    process.stdout.write(`${JSON.stringify(diveJson(a), null, 2)}\n`);
    return a.partial ? 1 : 0;
  }
  const out: string[] = [];
  const img = a.image;
  out.push(`Image:     ${img.source} (${img.format})${img.repoTags.length ? `  tags: ${img.repoTags.join(', ')}` : ''}`);
  out.push(`Platform:  ${img.config.os}/${img.config.architecture}${img.config.variant ? `/${img.config.variant}` : ''}${img.platformChoice ? ` — ${img.platformChoice}` : ''}`);
  if (img.manifestDigest) out.push(`Manifest:  ${img.manifestDigest}`);
  if (img.configDigest) out.push(`Config:    ${img.configDigest}`);
  out.push('', `Layers (${a.layers.length}):`);
  out.push('  #  status      digest        diffId        type   compressed  uncompressed  files      command');
  for (const s of a.history.steps) {
    if (s.layerIndex === undefined) {
      out.push(`  -  (empty)     ${''.padEnd(13)} ${''.padEnd(13)} ${''.padEnd(6)} ${''.padStart(10)}  ${''.padStart(12)}  ${''.padStart(9)}  ${trimCreatedBy(s.step.createdBy ?? '')}`);
      continue;
    }
    out.push(layerLine(a, s.layerIndex));
  }
  for (let i = 0; i < a.layers.length; i++) if (a.history.stepOfLayer[i] === undefined) out.push(layerLine(a, i));
  if (a.history.warning) out.push(`  note: ${a.history.warning}`);
  const m = a.metrics;
  out.push('', 'Efficiency (dive-compatible):');
  out.push(`  efficiency score:     ${(m.efficiencyScore * 100).toFixed(4)} %`);
  out.push(`  wasted bytes:         ${m.wastedBytes} (${human(m.wastedBytes)})  — dive counts every copy, the kept one too`);
  out.push(`  user size:            ${m.userSizeBytes} (${human(m.userSizeBytes)})`);
  out.push(`  user wasted percent:  ${(m.userWastedPercent * 100).toFixed(4)} %`);
  out.push(`Reclaimable bytes (Strata): ${m.reclaimableBytes} (${human(m.reclaimableBytes)}) — superseded copies and whited-out bytes a rebuild could drop`);
  if (m.inefficiencies.length > 0) {
    out.push('', 'Inefficient paths (count, cumulative size):');
    for (const i of m.inefficiencies.slice(0, 20)) out.push(`  ${String(i.count).padStart(3)}  ${human(i.cumulativeSize).padStart(10)}  ${i.path}`);
  }
  if (a.partial) out.push('', 'PARTIAL: some layers failed (see errors above); their files are not in the tree or the metrics.');
  process.stdout.write(`${out.join('\n')}\n`);
  return a.partial ? 1 : 0;
}

function layerLine(a: ImageAnalysis, i: number): string {
  const r = a.layers[i]!;
  const cmd = trimCreatedBy(stepOf(a, i)?.createdBy ?? '');
  const status = r.status === 'failed' ? `FAILED(${r.error?.code})` : r.status;
  return `  ${String(i).padEnd(2)} ${status.padEnd(11)} ${shortDigest(r.digest).padEnd(13)} ${shortDigest(r.diffId).padEnd(13)} ${r.compression.padEnd(6)} ${human(r.compressedBytes).padStart(10)}  ${human(r.uncompressedBytes).padStart(12)}  ${String(r.layer.count - 1).padStart(9)}  ${cmd.slice(0, 100)}`;
}
