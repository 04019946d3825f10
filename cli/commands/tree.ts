// `strata tree SOURCE [--platform P] [--layer N] [--jsonl|--text]`: the merged tree as of layer N (default
// the top), one JSON object per line sorted by path; --text prints an ls-like listing instead.
import { stackLayers } from '../../src/core/tree/union-tree.ts';
import { listRows } from '../../src/core/tree/tree-rows.ts';
import { bool, flag, UsageError, type Parsed } from '../args.ts';
import { runAnalysis } from '../run-analysis.ts';

export async function treeCommand(p: Parsed, signal: AbortSignal): Promise<number> {
  const a = await runAnalysis(p, signal);
  const layerArg = flag(p, 'layer');
  let tree = a.tree;
  if (layerArg !== undefined) {
    const n = Number(layerArg);
    if (!Number.isInteger(n) || n < 0 || n >= a.layers.length) throw new UsageError(`--layer must be a layer number from 0 to ${a.layers.length - 1}`);
    if (a.layers[n]!.status === 'failed') {
      process.stderr.write(`error: layer ${n} failed (${a.layers[n]!.error?.message}); no tree as of it\n`);
      return 1;
    }
    const upTo = a.stacked.indexOf(n);
    tree = stackLayers(a.stacked.map((i) => a.layers[i]!.layer), upTo);
  }
  const rows = listRows(tree);
  const lines: string[] = [];
  for (const r of rows) {
    const layer = a.stacked[r.layer] ?? r.layer;
    if (bool(p, 'text')) {
      lines.push(`${r.type.padEnd(7)} ${r.mode} ${`${r.uid}:${r.gid}`.padEnd(11)} ${String(r.size).padStart(12)}  L${layer}  ${r.path}${r.link !== undefined ? ` ${r.type === 'symlink' ? '->' : '=>'} ${r.link}` : ''}${r.brokenLink ? ' (broken link)' : ''}`);
    } else {
      const o: Record<string, unknown> = { path: r.path, type: r.type, size: r.size, mode: r.mode, uid: r.uid, gid: r.gid };
      if (r.link !== undefined) o.link = r.link;
      o.layer = layer;
      if (r.brokenLink) o.brokenLink = true;
      lines.push(JSON.stringify(o));
    }
    if (lines.length >= 4096) {
      process.stdout.write(`${lines.join('\n')}\n`);
      lines.length = 0;
    }
  }
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
  return a.partial ? 1 : 0;
}
