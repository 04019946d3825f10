// The partial-stacking rule and the row views on layers built in code (src/testing): layers finishing out of
// order, a failed layer in the middle, layer mode before a layer is stacked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import type { DiffId, Digest } from '../../core/oci/digest.ts';
import type { TreeView } from '../../protocol/messages.ts';
import { layer } from '../../testing/layers.ts';
import type { LayerResult } from '../layer-pipeline.ts';
import { LayerStack } from './layer-stack.ts';
import { TreeViews } from './tree-views.ts';

const f = (name: string, body = 'x') => ({ name, body });
const result = (index: number, ix: LayerIndex, status: LayerResult['status'] = 'verified'): LayerResult => ({
  index, status, layer: ix, compression: 'none', digest: `sha256:${index}` as Digest, diffId: `sha256:${index}` as DiffId, compressedBytes: 0, uncompressedBytes: 0, warnings: [],
});
const view = (v: Partial<TreeView>): TreeView => ({ mode: 'merged', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'name', ...v });

function setup() {
  const layers = [layer(f('a'), f('etc/one')), layer(f('b'), f('etc/.wh.one')), layer(f('c', 'new'), f('a', 'changed'))];
  const stack = new LayerStack(3);
  const views = new TreeViews(stack);
  const rows = (v: Partial<TreeView>) => {
    const r = views.rows(view(v), 0, 100);
    assert.ok(r.ok);
    return { ...r.value, text: r.value.rows.map((x) => `${x.path}:${x.diff}@${x.layer}`).join(' ') };
  };
  return { layers, stack, rows };
}

test('a layer that finishes before the ones below it is not stacked; views of it answer from the finished prefix, marked partial', () => {
  const { layers, stack, rows } = setup();
  assert.deepEqual(stack.complete(result(2, layers[2]!)), []);
  const none = rows({ layer: 2 });
  assert.deepEqual({ total: none.total, partial: none.partial, asOfLayer: none.asOfLayer }, { total: 0, partial: true, asOfLayer: -1 });
  assert.deepEqual(stack.complete(result(0, layers[0]!)), [0]);
  const early = rows({ layer: 2 });
  assert.deepEqual({ partial: early.partial, asOfLayer: early.asOfLayer }, { partial: true, asOfLayer: 0 });
  assert.equal(early.text, '/a:unmodified@0 /etc:unmodified@0 /etc/one:unmodified@0', 'no change marks: they would describe layer 0, not 2');
  const exact = rows({ layer: 0 });
  assert.equal(exact.partial, false);
  assert.equal(exact.text, '/a:added@0 /etc:added@0 /etc/one:added@0');
  assert.deepEqual(stack.complete(result(1, layers[1]!)), [1, 2]);
  const all = rows({ layer: 2 });
  assert.deepEqual({ partial: all.partial, asOfLayer: all.asOfLayer }, { partial: false, asOfLayer: 2 });
  assert.equal(all.text, '/a:modified@2 /b:unmodified@1 /c:added@2 /etc:unmodified@0');
});

test('a failed layer is skipped when stacking; every view at or above it is partial, views below it are exact', () => {
  const { layers, stack, rows } = setup();
  stack.complete(result(0, layers[0]!));
  stack.complete(result(1, layers[1]!, 'failed'));
  assert.deepEqual(stack.complete(result(2, layers[2]!)), [2]);
  assert.equal(rows({ layer: 0 }).partial, false);
  const at1 = rows({ layer: 1 });
  assert.deepEqual({ partial: at1.partial, asOfLayer: at1.asOfLayer }, { partial: true, asOfLayer: 0 });
  const top = rows({ layer: 2 });
  assert.deepEqual({ partial: top.partial, asOfLayer: top.asOfLayer }, { partial: true, asOfLayer: 2 });
  assert.equal(top.text, '/a:modified@2 /c:added@2 /etc:unmodified@0 /etc/one:unmodified@0', 'the failed whiteout did not apply');
  assert.equal(stack.statsOf(1), null);
  assert.deepEqual(stack.statsOf(2), { added: 1, modified: 1, removed: 0, fileBytes: 10, reclaimableBytes: 0 });
  assert.equal(stack.statsOf(0)!.reclaimableBytes, 1, "layer 0's /a is shadowed by layer 2");
});

test('layer mode works before the layer is stacked (everything added, partial) and gets its real diffs once stacked', () => {
  const { layers, stack, rows } = setup();
  stack.complete(result(1, layers[1]!));
  const before = rows({ mode: 'layer', layer: 1 });
  assert.deepEqual({ partial: before.partial, text: before.text }, { partial: true, text: '/b:added@1 /etc:added@1 /etc/one:removed@1' });
  assert.deepEqual(rows({ mode: 'layer', layer: 2 }), { total: 0, start: 0, rows: [], partial: true, asOfLayer: -1, text: '' });
  stack.complete(result(0, layers[0]!));
  const after = rows({ mode: 'layer', layer: 1 });
  assert.deepEqual({ partial: after.partial, text: after.text }, { partial: false, text: '/b:added@1 /etc:unmodified@1 /etc/one:removed@1' });
});

test('collapsed directories hide their children; expanding by path (with or without a trailing slash) opens one', () => {
  const { layers, stack, rows } = setup();
  stack.complete(result(0, layers[0]!));
  assert.equal(rows({ expanded: [] }).text, '/a:added@0 /etc:added@0');
  assert.equal(rows({ expanded: ['/etc/'] }).text, '/a:added@0 /etc:added@0 /etc/one:added@0');
});

test('an unknown layer is an error naming the range', () => {
  const { stack } = setup();
  const r = new TreeViews(stack).rows(view({ layer: 7 }), 0, 10);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /3 layers \(0–2\)/);
});

test('whiteout report: an opaque directory hides every lower child; a whiteout hides its target and subtree', async () => {
  const { reportWhiteouts } = await import('./whiteout-report.ts');
  const layers = [
    layer({ name: 'app', type: 'dir', mode: 0o755 }, f('app/old1', 'one'), f('app/sub/deep', 'four'), f('etc/x', 'xx')),
    layer({ name: 'app', type: 'dir', mode: 0o755 }, f('app/.wh..wh..opq'), f('app/new'), f('etc/.wh.x'), f('.wh.missing')),
  ];
  const stack = new LayerStack(2);
  const views = new TreeViews(stack);
  stack.complete(result(0, layers[0]!));
  stack.complete(result(1, layers[1]!));
  const r = reportWhiteouts(stack, (asOf) => views.merged(asOf), 1);
  assert.ok(r.ok);
  assert.equal(r.value.partial, false);
  assert.deepEqual(r.value.rows, [
    { path: '/app', opaque: true, hides: 3, hiddenBytes: 7, hiddenPaths: ['/app/old1', '/app/sub', '/app/sub/deep'] },
    { path: '/etc/x', opaque: false, hides: 1, hiddenBytes: 2, hiddenPaths: ['/etc/x'] },
    { path: '/missing', opaque: false, hides: 0, hiddenBytes: 0, hiddenPaths: [] },
  ]);
});
