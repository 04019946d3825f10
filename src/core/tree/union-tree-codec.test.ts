// A stacked union tree through bytes and back, and a provisional layer stacked and rolled back: both must leave
// trees that render, look up and keep stacking exactly like the originals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layer } from '../../testing/layers.ts';
import { renderTree } from './tree-rows.ts';
import { deserializeUnionTree, serializeUnionTree } from './union-tree-codec.ts';
import { stackLayers } from './union-tree.ts';

const base = () => [
  layer({ name: 'etc/passwd', body: 'root' }, { name: 'usr/bin/sh', body: 'sh' }, { name: 'usr/lib/', type: 'dir' }, { name: 'var/log/x', body: '1' }),
  layer({ name: 'etc/.wh.passwd' }, { name: 'usr/lib/.wh..wh..opq' }, { name: 'usr/lib/new', body: 'n' }, { name: 'usr/bin/ln', type: 'hardlink', link: 'usr/bin/sh' }),
];
const top = () => layer({ name: 'etc/passwd', body: 'back' }, { name: 'var/.wh.log' }, { name: 'opt/app', body: 'a' });

test('a stacked tree read back from bytes renders, looks up and keeps stacking like the original', () => {
  const original = stackLayers(base());
  const bytes = serializeUnionTree(original);
  const restored = deserializeUnionTree(bytes.slice(0), base());
  assert.ok(restored.ok);
  const tree = restored.value.tree;
  assert.equal(renderTree(tree, { sizes: true, layers: true }), renderTree(original, { sizes: true, layers: true }));
  assert.equal(tree.pathOf(tree.lookup('/usr/lib/new')), '/usr/lib/new');
  assert.deepEqual(tree.diffs.map((d) => [...d]), original.diffs.map((d) => [...d]));
  original.stack(top());
  tree.stack(top());
  assert.equal(renderTree(tree, { sizes: true, layers: true }), renderTree(original, { sizes: true, layers: true }));
  assert.deepEqual(tree.shadowedLayers(tree.lookup('/etc/passwd')), original.shadowedLayers(original.lookup('/etc/passwd')));
});

test('stored tree bytes that are cut short, or do not fit the layers, are refused', () => {
  const bytes = serializeUnionTree(stackLayers(base()));
  const cut = deserializeUnionTree(bytes.slice(0, bytes.byteLength - 16), base());
  assert.equal(cut.ok, false);
  const other = deserializeUnionTree(bytes.slice(0), [top()]);
  assert.equal(other.ok, false);
});

test('a provisional layer rolled back leaves the tree as it was; the exact stack after it matches stacking in one go', () => {
  const tree = stackLayers(base());
  const before = renderTree(tree, { sizes: true, layers: true });
  tree.stackProvisional(top());
  assert.equal(tree.provisional, true);
  assert.equal(tree.lookup('/var/log'), -1, 'the provisional whiteout applies');
  tree.rollback();
  assert.equal(renderTree(tree, { sizes: true, layers: true }), before);
  assert.equal(tree.layers.length, 2);
  tree.stackProvisional(top());
  tree.stack(top());
  assert.equal(renderTree(tree, { sizes: true, layers: true }), renderTree(stackLayers([...base(), top()]), { sizes: true, layers: true }));
  assert.equal(tree.provisional, false);
  assert.throws(() => { tree.stackProvisional(top()); serializeUnionTree(tree); }, /provisional/);
});
