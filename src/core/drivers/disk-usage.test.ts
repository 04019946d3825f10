import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLowerViewFromChangesets } from '../cow/changeset-lower-view.ts';
import { parseSimulatorOptions } from '../cow/options.ts';
import { DRIVER_MODELS } from './driver-catalog.ts';
import { computeDiskUsage } from './disk-usage.ts';

const view = (() => {
  const r = createLowerViewFromChangesets([
    [{ path: 'a', type: 'dir' }, { path: 'a/b', type: 'dir' }, { path: 'a/b/big', type: 'file', size: 1_000_000 }],
    [{ path: 'c', type: 'dir' }, { path: 'c/x', type: 'file', size: 10 }],
    [{ path: 'a/b/.wh.big', type: 'file' }],
  ]);
  assert.ok(r.ok);
  return r.value;
})();
const options = (() => { const o = parseSimulatorOptions([]); assert.ok(o.ok); return o.value; })();

test('vfs pays every layer in full, union drivers pay each change once', () => {
  const vfs = computeDiskUsage(view, DRIVER_MODELS.vfs, options);
  const overlay2 = computeDiskUsage(view, DRIVER_MODELS.overlay2, options);
  assert.deepEqual(vfs.layerBytes, [1_003_520, 1_007_616, 4096]);
  assert.deepEqual(overlay2.layerBytes, [1_003_520, 4096, 0]);
  assert.equal(vfs.perContainerBytes, 8192, 'init and rw copies of the final rootfs');
});

test('legacy overlay multiplies directory inodes with depth; overlay2 counts whiteouts as inodes, aufs does not', () => {
  assert.equal(computeDiskUsage(view, DRIVER_MODELS.overlay, options).dirInodes, 2 + 3 + 3);
  assert.equal(computeDiskUsage(view, DRIVER_MODELS.overlay2, options).dirInodes, 3);
  assert.equal(computeDiskUsage(view, DRIVER_MODELS.overlay2, options).fileInodes, 3);
  assert.equal(computeDiskUsage(view, DRIVER_MODELS.aufs, options).fileInodes, 2);
});

test('block drivers round to their unit', () => {
  assert.deepEqual(computeDiskUsage(view, DRIVER_MODELS.devicemapper, options).layerBytes, [16 * 65536, 65536, 0]);
  assert.deepEqual(computeDiskUsage(view, DRIVER_MODELS.zfs, options).layerBytes, [8 * 131072, 4096, 0]);
});
