import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layer, stack } from '../../testing/layers.ts';
import { renderTree, listRows } from './tree-rows.ts';
import { DIFF } from './union-tree.ts';

const f = (name: string, body = 'x') => ({ name, body });
const d = (name: string) => ({ name, type: 'dir' as const, mode: 0o755 });

test('a whiteout hides the named entry of lower layers', () => {
  const t = stack(layer(d('etc'), f('etc/a'), f('etc/b')), layer(f('etc/.wh.a')));
  assert.equal(renderTree(t), 'etc/\n  b');
});

test('a whiteout never hides an entry of its own layer (T18)', () => {
  const t = stack(layer(f('x', 'old')), layer(f('.wh.x'), f('x', 'new')));
  assert.equal(renderTree(t, { layers: true }), 'x @1');
  const t2 = stack(layer(f('y')), layer(f('x', 'new'), f('.wh.x')));
  assert.equal(renderTree(t2, { layers: true }), 'x @1\ny @0');
});

test('an opaque directory hides every lower child before its siblings apply, whatever the tar order (T17)', () => {
  const lower = layer(d('app'), f('app/old1'), f('app/old2'), d('app/sub'), f('app/sub/deep'));
  const t = stack(lower, layer(d('app'), f('app/new'), f('app/.wh..wh..opq')));
  assert.equal(renderTree(t), 'app/\n  new');
});

test('opaque markers and whiteout files never appear in the merged tree', () => {
  const t = stack(layer(d('a'), f('a/x')), layer(f('a/.wh..wh..opq'), f('.wh.nothing')));
  assert.equal(renderTree(t), 'a/');
});

test('a file replaces a lower directory and its subtree', () => {
  const t = stack(layer(d('p'), f('p/q'), f('p/r')), layer(f('p', 'now a file')));
  assert.equal(renderTree(t, { sizes: true }), 'p 10');
});

test('a directory replaces a lower file, and an implied parent replaces a lower symlink', () => {
  const t = stack(layer(f('p'), { name: 'lnk', type: 'symlink', link: '/etc' }), layer(d('p'), f('p/child'), f('lnk/inside')));
  assert.equal(renderTree(t), 'lnk/\n  inside\np/\n  child');
});

test('parents without an entry of their own appear as directories', () => {
  const t = stack(layer(f('usr/local/bin/tool')));
  assert.equal(renderTree(t), 'usr/\n  local/\n    bin/\n      tool');
  assert.deepEqual(listRows(t).map((r) => `${r.path} ${r.type} ${r.mode}`), ['/usr dir 0755', '/usr/local dir 0755', '/usr/local/bin dir 0755', '/usr/local/bin/tool file 0644']);
});

test('hardlinks resolve within the stacked tree, across layers, and broken ones are marked', () => {
  const t = stack(layer(f('bin/busybox', 'BUSYBOX')), layer({ name: 'bin/sh', type: 'hardlink', link: 'bin/busybox' }, { name: 'bin/gone', type: 'hardlink', link: 'bin/missing' }));
  const rows = listRows(t);
  assert.deepEqual(rows.find((r) => r.path === '/bin/sh'), { path: '/bin/sh', type: 'file', link: '/bin/busybox', layer: 1, size: 7, mode: '0644', uid: 0, gid: 0 });
  assert.equal(rows.find((r) => r.path === '/bin/gone')?.brokenLink, true);
});

test('diff kinds: added, modified, unmodified re-add and removed, per layer', () => {
  const l0 = layer(f('a', 'one'), f('b', 'two'), f('c', 'three'));
  const l1 = layer(f('a', 'ONE'), f('b', 'two'), f('.wh.c'), f('d', 'four'));
  const t = stack(l0, l1);
  const kinds = new Map<string, number>();
  for (let e = 1; e < l1.count; e++) kinds.set(l1.nameOf(e), t.diffs[1]![e]!);
  assert.equal(kinds.get('a'), DIFF.modified);
  assert.equal(kinds.get('b'), DIFF.unmodified);
  assert.equal(kinds.get('.wh.c'), DIFF.removed);
  assert.equal(kinds.get('d'), DIFF.added);
  assert.deepEqual(t.shadowedLayers(t.lookup('/a')), [0]);
});

test('a removed path can be added again by a later layer', () => {
  const t = stack(layer(d('x'), f('x/old')), layer(f('.wh.x')), layer(d('x'), f('x/new')));
  assert.equal(renderTree(t), 'x/\n  new');
});
