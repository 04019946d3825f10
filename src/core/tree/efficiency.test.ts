import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layer } from '../../testing/layers.ts';
import type { LayerIndex } from '../layers/layer-index.ts';
import { computeMetrics, computeMetricsOfTree } from './efficiency.ts';
import { deserializeUnionTree, serializeUnionTree } from './union-tree-codec.ts';
import { stackLayers, UnionTree } from './union-tree.ts';

/** A deterministic pseudo-random generator (LCG), so a failing round can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'c', 'd', 'é', 'x.txt'];

/** 1–5 small layers over a few names: overwrites, whiteouts, opaque dirs, files over dirs and back. */
function randomImage(rnd: () => number): LayerIndex[] {
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  return Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => layer(...Array.from({ length: Math.floor(rnd() * 25) }, () => {
    const parts = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(NAMES));
    const r = rnd();
    if (r < 0.15) parts[parts.length - 1] = `.wh.${parts[parts.length - 1]}`;
    else if (r < 0.2) parts[parts.length - 1] = '.wh..wh..opq';
    const name = parts.join('/');
    const t = rnd();
    return t < 0.2 ? { name, type: 'dir' } : t < 0.3 ? { name, type: 'symlink', link: pick(NAMES) } : { name, body: 'x'.repeat(Math.floor(rnd() * 40)) };
  })));
}

test('metrics read from an already stacked tree equal the metrics of stacking the layers again', () => {
  const rnd = random(7);
  for (let round = 0; round < 400; round++) {
    const layers = randomImage(rnd);
    assert.deepEqual(computeMetricsOfTree(stackLayers(layers)), computeMetrics(layers).metrics, `round ${round}`);
  }
});

test('metrics read from a tree that had provisional layers rolled back, or was restored from bytes, are the same', () => {
  const rnd = random(11);
  for (let round = 0; round < 300; round++) {
    const layers = randomImage(rnd);
    const expected = computeMetrics(layers).metrics;
    const tree = new UnionTree();
    layers.forEach((ix, L) => {
      if (rnd() < 0.5) tree.stackProvisional(layers[L + Math.floor(rnd() * (layers.length - L))]!);
      tree.stack(ix);
    });
    assert.deepEqual(computeMetricsOfTree(tree), expected, `provisional round ${round}`);
    const restored = deserializeUnionTree(serializeUnionTree(tree));
    assert.ok(restored.ok);
    restored.value.tree.layers.push(...layers);
    assert.deepEqual(computeMetricsOfTree(restored.value.tree), expected, `restored round ${round}`);
  }
});
