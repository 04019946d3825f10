import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layer } from '../../testing/layers.ts';
import { renderTree } from '../tree/tree-rows.ts';
import { stackLayers } from '../tree/union-tree.ts';
import { deserializeLayerIndex, serializeLayerIndex } from './layer-index-codec.ts';
import type { LayerIndex } from './layer-index.ts';

const sample = () => layer(
  { name: 'etc', type: 'dir', mode: 0o755 },
  { name: 'etc/passwd', body: 'root:x:0:0', uid: 0, gid: 42, mode: 0o600 },
  { name: 'etc/ünïcödé-名前', body: 'utf8 name' },
  { name: 'bin/busybox', body: 'BUSYBOX' },
  { name: 'bin/sh', type: 'hardlink', link: 'bin/busybox' },
  { name: 'lib', type: 'symlink', link: 'usr/lib' },
  { name: 'dev/null', type: 'char', devMajor: 1, devMinor: 3 },
  { name: 'old/.wh.gone' },
  { name: 'app/.wh..wh..opq' },
  { name: 'etc/passwd', body: 'twice' },
);

function columns(ix: LayerIndex) {
  return {
    count: ix.count, parent: [...ix.parent], name: [...ix.name], kind: [...ix.kind], flags: [...ix.flags], mode: [...ix.mode], uid: [...ix.uid],
    gid: [...ix.gid], size32: [...ix.size32], hashHi: [...ix.hashHi], hashLo: [...ix.hashLo], offset: [...ix.offset], linkIds: [...ix.linkIds],
    names: Array.from({ length: ix.names.count }, (_, i) => ix.names.name(i)), links: [...ix.links], bigSizes: [...ix.bigSizes], devices: [...ix.devices],
    warnings: ix.warnings, rejected: ix.rejected, tarBytes: ix.tarBytes, fileBytes: ix.fileBytes, warningsDropped: ix.warningsDropped,
  };
}

test('a layer index survives serialisation unchanged: columns, names, links, devices and warnings', () => {
  const ix = sample();
  const back = deserializeLayerIndex(serializeLayerIndex(ix));
  assert.ok(back.ok);
  assert.deepEqual(columns(back.value), columns(ix));
  assert.equal(back.value.pathOf(3), ix.pathOf(3));
  assert.ok(ix.warnings.some((w) => w.code === 'DUPLICATE_ENTRY'), 'the sample carries a warning to round-trip');
});

test('each entry from a tar header keeps its header offset, the last copy for a duplicate; implied entries have none', () => {
  const ix = sample();
  const byPath = new Map(Array.from({ length: ix.count }, (_, id) => [ix.pathOf(id), id] as const));
  assert.equal(ix.headerOffsetOf(byPath.get('/etc')!), 0);
  assert.ok(ix.headerOffsetOf(byPath.get('/etc/passwd')!)! > ix.headerOffsetOf(byPath.get('/dev/null')!)!, 'the second etc/passwd (last in the tar) wins');
  assert.equal(ix.headerOffsetOf(byPath.get('/etc/passwd')!)! % 512, 0);
  assert.equal(ix.headerOffsetOf(byPath.get('/bin')!), undefined, 'bin is implied by bin/busybox');
  assert.equal(ix.headerOffsetOf(0), undefined);
  assert.equal(ix.linkOf(byPath.get('/lib')!), 'usr/lib');
  assert.equal(ix.linkOf(byPath.get('/bin/sh')!), 'bin/busybox');
  assert.equal(ix.linkOf(byPath.get('/bin/busybox')!), undefined);
});

test('a deserialised index stacks into the same tree as the original', () => {
  const a = sample();
  const b = layer({ name: 'etc/passwd', body: 'changed' }, { name: 'bin/.wh.sh' });
  const restored = [a, b].map((ix) => {
    const r = deserializeLayerIndex(serializeLayerIndex(ix));
    assert.ok(r.ok);
    return r.value;
  });
  assert.equal(renderTree(stackLayers(restored), { sizes: true, layers: true }), renderTree(stackLayers([a, b]), { sizes: true, layers: true }));
});

test('sizes of 4 GiB and more keep their exact value', () => {
  const ix = sample();
  ix.size32[2] = 0xffffffff;
  ix.bigSizes.set(2, 5 * 1024 ** 3 + 7);
  const back = deserializeLayerIndex(serializeLayerIndex(ix));
  assert.ok(back.ok);
  assert.equal(back.value.sizeOf(2), 5 * 1024 ** 3 + 7);
});

test('truncated, foreign or tampered buffers are errors, never a wrong index', () => {
  const bytes = serializeLayerIndex(sample());
  const truncated = deserializeLayerIndex(bytes.slice(0, bytes.byteLength - 64));
  assert.equal(truncated.ok, false);
  assert.equal(deserializeLayerIndex(new ArrayBuffer(16)).ok, false);
  const tampered = bytes.slice(0);
  const view = new DataView(tampered);
  const headerLength = view.getUint32(4, true);
  const parentAt = (8 + headerLength + 7) & ~7;
  view.setInt32(parentAt + 4 * 2, 99, true); // entry 2's parent points past itself
  const r = deserializeLayerIndex(tampered);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.code, 'CACHE_CORRUPT');
});
