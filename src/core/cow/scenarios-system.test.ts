// drivers.md §4 scenarios S-16…S-20 (fd coherence, page cache, depth limits, create+delete, commit): per driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createTeachingImage, MIB } from './teaching-image.ts';
import { simulateToReport, type SimulationReport } from './report.ts';
import { simulateContainer } from './simulator.ts';
import { commitContainer, computeCommitIds } from './commit.ts';
import { createLowerViewFromChangesets } from './changeset-lower-view.ts';
import { parseSimulatorOptions } from './options.ts';
import { collectTarBytes } from '../layers/tar-writer.ts';
import { DRIVER_MODELS } from '../drivers/driver-catalog.ts';
import { DRIVER_NAMES } from '../drivers/driver-model.ts';
import { checkImageDepth } from '../drivers/limits.ts';
import { pageCacheBytes } from '../drivers/disk-usage.ts';

const image = createTeachingImage();
assert.ok(image.ok);
const view = image.value;

function run(driver: string, commands: string[], options: string[] = []): SimulationReport {
  const r = simulateToReport(view, driver, options, commands);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const S16 = ['exec 3< /srv/big.bin', 'exec 4<> /srv/big.bin', 'echo x >&4', 'cat <&3'];

test('S-16 an O_RDONLY fd opened before another fd\'s copy-up reads stale data on overlay before kernel 4.19 only', () => {
  for (const d of ['overlay2', 'overlay']) {
    const old = run(d, S16, ['kernel=4.18']).steps[3]!;
    assert.equal(old.staleRead, true, d);
    assert.equal(old.servedFromLayer, 'L0', d);
    const fixed = run(d, S16, ['kernel=4.19']).steps[3]!;
    assert.equal(fixed.staleRead, false, d);
    assert.equal(fixed.servedFromLayer, 'container', d);
  }
  for (const d of ['devicemapper', 'btrfs', 'zfs', 'vfs']) assert.equal(run(d, S16, ['kernel=4.18']).steps[3]!.staleRead, false, d);
  const aufs = run('aufs', S16, ['kernel=4.18']).steps[3]!;
  assert.equal(aufs.staleRead, false);
  assert.equal(aufs.confidence, 'not-verified');
});

test('S-17 two containers reading the same 50 MiB file: page cache held once on overlay2/aufs/overlay/zfs, twice elsewhere', () => {
  const once = new Set(['overlay2', 'aufs', 'overlay', 'zfs']);
  for (const d of DRIVER_NAMES) {
    assert.equal(pageCacheBytes(DRIVER_MODELS[d], 50 * MIB, 2), once.has(d) ? 50 * MIB : 100 * MIB, d);
  }
  assert.equal(DRIVER_MODELS.overlay.pageCache.confidence, 'derived');
  assert.equal(DRIVER_MODELS.vfs.pageCache.confidence, 'derived');
});

test('S-18 an image with 130 layers is refused by the layer store on every driver (and by overlay2/aufs limits)', () => {
  const layers = Array.from({ length: 130 }, (_, i) => [{ path: `f${i}`, type: 'file' as const, size: 1 }]);
  const deep = createLowerViewFromChangesets(layers);
  assert.ok(deep.ok);
  for (const d of DRIVER_NAMES) {
    const r = simulateContainer({ view: deep.value, driver: d, commands: [] });
    assert.equal(r.ok, false, d);
    assert.equal(r.ok ? '' : r.error.code, 'MAX_DEPTH');
    assert.match(r.ok ? '' : r.error.message, /max depth exceeded/);
  }
  assert.deepEqual(checkImageDepth(DRIVER_MODELS.overlay2, 130).map((v) => v.max), [125, 128]);
  assert.deepEqual(checkImageDepth(DRIVER_MODELS.aufs, 130).map((v) => v.max), [125, 127]);
  assert.deepEqual(checkImageDepth(DRIVER_MODELS.overlay2, 125), []);
  assert.deepEqual(checkImageDepth(DRIVER_MODELS.overlay2, 127).map((v) => v.limit), ['layer-store'], '127 lowers + init = 128 entries');
  assert.deepEqual(checkImageDepth(DRIVER_MODELS.overlay2, 128).map((v) => v.limit), ['layer-store', 'driver']);
  assert.deepEqual(checkImageDepth(DRIVER_MODELS.aufs, 126).map((v) => v.limit), ['layer-store', 'driver'], '126 + init + rw branch = 128 branches');
});

test('S-19 create then delete a container file: no whiteout, no diff; loop-lvm keeps the chunk, others free it', () => {
  const cmds = ['echo x > /tmp/x', 'rm /tmp/x'];
  const freed: Record<string, number> = { overlay2: 4096, overlay: 4096, aufs: 4096, btrfs: 4096, zfs: 4096, vfs: 4096 };
  for (const d of DRIVER_NAMES.filter((n) => n !== 'devicemapper')) {
    const r = run(d, cmds);
    assert.deepEqual(r.steps[1]!.whiteouts, [], d);
    assert.equal(r.steps[1]!.freedBytes, freed[d], d);
    if (d !== 'aufs') assert.deepEqual(r.diff, [], d);
  }
  const loop = run('devicemapper', cmds, ['lvm=loop']);
  assert.equal(loop.steps[1]!.freedBytes, 0);
  assert.equal(loop.containerAllocatedBytes, 65536);
  assert.ok(loop.steps[1]!.notes.some((n) => n.includes('loop-lvm')));
  const direct = run('devicemapper', cmds, ['lvm=direct']);
  assert.equal(direct.steps[1]!.freedBytes, 512 * 1024);
  assert.equal(direct.containerAllocatedBytes, 0);
});

test('S-20 docker commit after S-8 + S-11: tar etc/, etc/.wh.motd, etc/new.conf; DiffID and ChainID per image-spec', () => {
  for (const d of DRIVER_NAMES) {
    const r = simulateContainer({ view, driver: d, commands: ['rm /etc/motd', 'touch /etc/new.conf'] });
    assert.ok(r.ok);
    const c = commitContainer(r.value);
    assert.ok(c.ok);
    const bytes = collectTarBytes(c.value.tar);
    const listing = spawnSync('tar', ['-tf', '-'], { input: bytes, encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    assert.deepEqual(listing.stdout.trim().split('\n'), ['etc/', 'etc/.wh.motd', 'etc/new.conf'], d);
    const ids = computeCommitIds(c.value);
    const diffHex = createHash('sha256').update(bytes).digest('hex');
    assert.equal(ids.diffId, `sha256:${diffHex}`, d);
    const parent = view.layers[view.layers.length - 1]!.chainId;
    assert.equal(c.value.parentChainId, parent);
    assert.equal(ids.chainId, `sha256:${createHash('sha256').update(`${parent} sha256:${diffHex}`).digest('hex')}`, d);
  }
});

test('S-20 the commit method follows the driver: native for overlay2 and aufs, naive for the rest and for overlay2 with redirect_dir', () => {
  const method = (d: string, options: string[] = []) => {
    const o = parseSimulatorOptions(options);
    assert.ok(o.ok);
    return DRIVER_MODELS[d as 'vfs'].commitMethod(o.value);
  };
  assert.equal(method('overlay2'), 'overlay-native');
  assert.equal(method('overlay2', ['redirect_dir=on']), 'naive');
  assert.equal(method('aufs'), 'aufs-native');
  assert.equal(method('overlay2', ['metacopy=on']), 'naive', 'metacopy implies redirect_dir');
  for (const d of ['overlay', 'devicemapper', 'btrfs', 'zfs', 'vfs']) assert.equal(method(d), 'naive');
});
