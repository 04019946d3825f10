import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLowerViewFromChangesets } from './changeset-lower-view.ts';
import { createTarStream, collectTarBytes } from '../layers/tar-writer.ts';

const view = (() => {
  const r = createLowerViewFromChangesets([
    [{ path: 'etc', type: 'dir' }, { path: 'etc/motd', type: 'file', size: 6 }, { path: 'etc/keep', type: 'file', size: 1 },
      { path: 'opt', type: 'dir' }, { path: 'opt/app', type: 'dir' }, { path: 'opt/app/a', type: 'file', size: 2 }, { path: 'opt/app/b', type: 'file', size: 3 },
      { path: 'bin', type: 'dir' }, { path: 'bin/a', type: 'file', size: 9 }, { path: 'bin/b', type: 'hardlink', linkTarget: 'bin/a' }, { path: 'bin/c', type: 'hardlink', linkTarget: '/bin/a' }],
    [{ path: 'etc/.wh.motd', type: 'file' }, { path: 'opt/app/c', type: 'file', size: 4 }, { path: 'opt/app/.wh..wh..opq', type: 'file' }],
    [{ path: 'srv', type: 'dir' }, { path: 'bin/c', type: 'file', size: 1 }],
  ]);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
})();

test('looks up from the top layer down and counts the layers it crossed', () => {
  const hit = view.lookup('/etc/keep');
  assert.equal(hit.kind === 'found' && `${hit.layerIndex}/${hit.depth}`, '0/3');
  const srv = view.lookup('/srv');
  assert.equal(srv.kind === 'found' && `${srv.layerIndex}/${srv.depth}`, '2/1');
  assert.deepEqual(view.lookup('/etc/motd'), { kind: 'absent', depth: 2, hiddenBy: { layerIndex: 1, by: 'whiteout' } });
  assert.deepEqual(view.lookup('/nope'), { kind: 'absent', depth: 3 });
});

test('hides lower children under an opaque directory, whatever the marker\'s position in the tar', () => {
  assert.deepEqual(view.lookup('/opt/app/a'), { kind: 'absent', depth: 2, hiddenBy: { layerIndex: 1, by: 'opaque' } });
  assert.equal(view.lookup('/opt/app/c').kind, 'found');
  assert.deepEqual(view.listDir('/opt/app')?.map((c) => c.name), ['c']);
});

test('lists merged directories with the layer serving each child', () => {
  assert.deepEqual(view.listDir('/')?.map((c) => `${c.name}@L${c.layerIndex}`), ['bin@L0', 'etc@L0', 'opt@L0', 'srv@L2']);
  assert.deepEqual(view.listDir('/etc')?.map((c) => c.name), ['keep']);
  assert.equal(view.listDir('/etc/keep'), undefined);
});

test('reports hardlink peers, resolves hardlink sizes and drops a name that a later layer replaced', () => {
  assert.deepEqual(view.hardlinkPeers('/bin/a'), ['/bin/b']);
  const b = view.lookup('/bin/b');
  assert.equal(b.kind === 'found' && b.entry.size, 9);
  assert.deepEqual(view.hardlinkPeers('/bin/c'), []);
});

test('classifies records as entries, whiteouts and opaque markers in tar order', () => {
  assert.deepEqual([...view.layerRecords(1)].map((r) => `${r.kind}:${r.kind === 'entry' ? r.entry.path : r.path}`), ['whiteout:/etc/motd', 'entry:/opt/app/c', 'opaque:/opt/app']);
});

test('derives DiffIDs from the tar a changeset would be, and ChainIDs from them (image-spec config.md)', () => {
  const entries = [{ path: 'a', type: 'file' as const, size: 3 }];
  const r = createLowerViewFromChangesets([entries, [{ path: 'b', type: 'dir' as const }]]);
  assert.ok(r.ok);
  const tar = createTarStream([{ path: 'a', type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, body: { kind: 'fill', byte: 0, size: 3 } }]);
  assert.ok(tar.ok);
  const diff0 = `sha256:${createHash('sha256').update(collectTarBytes(tar.value)).digest('hex')}`;
  assert.equal(r.value.layers[0]!.diffId, diff0);
  assert.equal(r.value.layers[0]!.chainId, diff0);
  const expected = createHash('sha256').update(`${diff0} ${r.value.layers[1]!.diffId}`).digest('hex');
  assert.equal(r.value.layers[1]!.chainId, `sha256:${expected}`);
  assert.equal(r.value.layers[0]!.size, 3);
});

test('rejects bare whiteouts, paths above the root and hardlinks to nothing', () => {
  assert.equal(createLowerViewFromChangesets([[{ path: 'etc/.wh.', type: 'file' }]]).ok, false);
  assert.equal(createLowerViewFromChangesets([[{ path: '../x', type: 'file' }]]).ok, false);
  assert.equal(createLowerViewFromChangesets([[{ path: 'x', type: 'hardlink', linkTarget: 'y' }]]).ok, false);
});
