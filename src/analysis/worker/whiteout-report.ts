// What a layer's whiteouts and opaque directories hide (worker side), measured on the union as of the layer
// below (image-spec layer.md: a whiteout hides the named path and everything under it; an opaque directory
// hides every lower child). Lists up to 50 hidden paths per row.
import { KIND } from '../../core/layers/tar-header.ts';
import { ok, type Result } from '../../core/result.ts';
import type { WhiteoutRow } from '../../protocol/messages.ts';
import type { Forest } from './forest.ts';
import type { AsOf, LayerStack } from './layer-stack.ts';
import { lookupPath, pathOf } from './row-window.ts';

export const MAX_HIDDEN_PATHS = 50;

type Hidden = { hides: number; hiddenBytes: number; hiddenPaths: string[] };

/** Counts the present nodes under `roots` (and the roots), their file bytes, and the first paths in name order. */
function measure(f: Forest, roots: readonly number[]): Hidden {
  const out: Hidden = { hides: 0, hiddenBytes: 0, hiddenPaths: [] };
  const byName = (a: number, b: number) => f.nameRank(b) - f.nameRank(a);
  const stack = [...roots].sort(byName);
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.hides++;
    const a = f.attrs(n);
    if (a.kind === KIND.file) out.hiddenBytes += a.size;
    if (out.hiddenPaths.length < MAX_HIDDEN_PATHS) out.hiddenPaths.push(pathOf(f, n));
    const kids: number[] = [];
    for (let c = f.firstChild[n]!; c >= 0; c = f.nextSibling[c]!) if (f.present(c)) kids.push(c);
    stack.push(...kids.sort(byName));
  }
  return out;
}

export function reportWhiteouts(stack: LayerStack, merged: (asOf: AsOf) => Forest, layer: number): Result<{ rows: WhiteoutRow[]; partial: boolean }> {
  const result = stack.results[layer];
  if (!result) return ok({ rows: [], partial: true });
  const below = layer > 0 ? stack.asOf(layer - 1) : { pos: -1, changesOf: -1, asOfLayer: -1, partial: false };
  // Nodes the layer below removed must not count as present: ask for the union without change marks.
  const f = merged({ ...below, changesOf: -1 });
  const ix = result.layer;
  const rows: WhiteoutRow[] = [];
  for (let e = 1; e < ix.count; e++) {
    const kind = ix.kind[e];
    if (kind !== KIND.whiteout && kind !== KIND.opaque) continue;
    const dir = ix.pathOf(ix.parent[e]!);
    const opaque = kind === KIND.opaque;
    const path = opaque ? dir : `${dir === '/' ? '' : dir}/${ix.nameOf(e).slice(4)}`;
    const node = lookupPath(f, path);
    let roots: number[] = [];
    if (node > 0 && !opaque) roots = [node];
    else if (node >= 0 && opaque && f.isDir(node)) {
      for (let c = f.firstChild[node]!; c >= 0; c = f.nextSibling[c]!) if (f.present(c)) roots.push(c);
    }
    rows.push({ path, opaque, ...measure(f, roots) });
  }
  rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return ok({ rows, partial: below.partial || result.status === 'failed' });
}
