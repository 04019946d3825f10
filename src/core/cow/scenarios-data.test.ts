// drivers.md §4 scenarios S-1…S-7 (reads, appends, overwrites, opens, truncation, chmod): expected outcome per driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTeachingImage, MIB } from './teaching-image.ts';
import { simulateToReport, type SimulationReport } from './report.ts';
import { simulateContainer } from './simulator.ts';
import { commitContainer } from './commit.ts';

const image = createTeachingImage();
assert.ok(image.ok);
const view = image.value;
const BIG = 100 * MIB;

type Variant = { label: string; driver: string; options: string[] };
const VARIANTS: Variant[] = [
  { label: 'overlay2', driver: 'overlay2', options: [] },
  { label: 'overlay', driver: 'overlay', options: [] },
  { label: 'aufs', driver: 'aufs', options: [] },
  { label: 'devicemapper loop-lvm', driver: 'devicemapper', options: ['lvm=loop'] },
  { label: 'devicemapper direct-lvm', driver: 'devicemapper', options: ['lvm=direct'] },
  { label: 'btrfs', driver: 'btrfs', options: [] },
  { label: 'zfs', driver: 'zfs', options: [] },
  { label: 'vfs', driver: 'vfs', options: [] },
];

function run(driver: string, options: string[], commands: string[]): SimulationReport {
  const r = simulateToReport(view, driver, options, commands);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** Runs the commands under every variant and checks the last step against the expectation for that variant. */
function expectPerDriver(commands: string[], expected: Record<string, Partial<Record<string, unknown>>>): void {
  for (const v of VARIANTS) {
    const want = expected[v.label];
    assert.ok(want, `no expectation for ${v.label}`);
    const report = run(v.driver, v.options, commands);
    const step = report.steps[report.steps.length - 1]!;
    const got: Record<string, unknown> = { ...step, containerLayerBytes: report.containerLayerBytes, diff: report.diff.map((d) => `${d.kind} ${d.path}`), pageCacheShared: report.pageCacheShared };
    for (const [key, value] of Object.entries(want)) assert.deepEqual(got[key], value, `${v.label}: ${key}`);
  }
}

test('S-1 read of a file that exists only in L0: served from L0 through each driver\'s lookup, nothing written', () => {
  const nothing = { copiedBytes: 0, allocatedBytes: 0, containerLayerBytes: 0, diff: [] };
  expectPerDriver(['cat /usr/lib/libfoo.so'], {
    overlay2: { servedFromLayer: 'L0', lookupDepth: 5, pageCacheShared: true, ...nothing },
    overlay: { servedFromLayer: 'L0', lookupDepth: 2, pageCacheShared: true, ...nothing },
    aufs: { servedFromLayer: 'L0', lookupDepth: 5, pageCacheShared: true, ...nothing },
    'devicemapper loop-lvm': { servedFromLayer: 'L0', lookupDepth: 1, pageCacheShared: false, ...nothing },
    'devicemapper direct-lvm': { servedFromLayer: 'L0', lookupDepth: 1, pageCacheShared: false, ...nothing },
    btrfs: { servedFromLayer: 'L0', lookupDepth: 1, pageCacheShared: false, ...nothing },
    zfs: { servedFromLayer: 'L0', lookupDepth: 1, pageCacheShared: true, ...nothing },
    vfs: { servedFromLayer: 'container', lookupDepth: 1, pageCacheShared: false, ...nothing },
  });
});

test('S-2 append of 1 byte to a 100 MiB L0 file: whole-file copy-up on union drivers, one unit elsewhere', () => {
  const copyUp = { copiedBytes: BIG, allocatedBytes: BIG + 4096, copiedUp: ['/srv/big.bin'], containerLayerBytes: BIG + 1 };
  const unit = (bytes: number) => ({ copiedBytes: 0, allocatedBytes: bytes, copiedUp: [], containerLayerBytes: BIG + 1 });
  expectPerDriver(['echo -n x >> /srv/big.bin'], {
    overlay2: copyUp, overlay: copyUp, aufs: copyUp,
    'devicemapper loop-lvm': unit(64 * 1024), 'devicemapper direct-lvm': unit(512 * 1024),
    btrfs: unit(4096), zfs: unit(128 * 1024), vfs: unit(4096),
  });
});

test('S-2 on a reflink-capable backing fs: overlay2 clones the extents and copies no data bytes', () => {
  const step = run('overlay2', ['reflink=yes'], ['echo -n x >> /srv/big.bin']).steps[0]!;
  assert.equal(step.copiedBytes, 0);
  assert.equal(step.allocatedBytes, 4096);
  assert.equal(step.confidence, 'documented');
  assert.ok(step.notes.some((n) => n.includes('reflink')));
});

test('S-3 overwrite of 4 KiB at 50 MiB: full copy-up on union drivers, one chunk/sector/record elsewhere', () => {
  const copyUp = { copiedBytes: BIG, allocatedBytes: BIG };
  expectPerDriver(['dd if=/dev/zero of=/srv/big.bin bs=4K count=1 seek=12800 conv=notrunc'], {
    overlay2: copyUp, overlay: copyUp, aufs: copyUp,
    'devicemapper loop-lvm': { copiedBytes: 65536, allocatedBytes: 65536 },
    'devicemapper direct-lvm': { copiedBytes: 524288, allocatedBytes: 524288 },
    btrfs: { copiedBytes: 0, allocatedBytes: 4096 },
    zfs: { copiedBytes: 131072, allocatedBytes: 131072 },
    vfs: { copiedBytes: 0, allocatedBytes: 0 },
  });
});

test('S-4 open(O_RDWR) without a write: overlay copies up anyway yet docker diff shows nothing', () => {
  const none = { copiedBytes: 0, diff: [] };
  expectPerDriver([': <> /srv/big.bin'], {
    overlay2: { copiedBytes: BIG, diff: [], containerLayerBytes: BIG, confidence: 'documented' },
    overlay: { copiedBytes: BIG, diff: [], containerLayerBytes: 0 },
    aufs: { copiedBytes: BIG, diff: ['C /srv/big.bin'], confidence: 'not-verified' },
    'devicemapper loop-lvm': none, 'devicemapper direct-lvm': none, btrfs: none, zfs: none, vfs: none,
  });
  const committed = (driver: 'overlay2' | 'btrfs') => {
    const r = simulateContainer({ view, driver, commands: [': <> /srv/big.bin'] });
    assert.ok(r.ok);
    const c = commitContainer(r.value);
    assert.ok(c.ok);
    return c.value.entries.map((e) => e.path);
  };
  assert.deepEqual(committed('overlay2'), ['srv', 'srv/big.bin'], 'the native diff tars all of diff/, copied-up file included');
  assert.deepEqual(committed('btrfs'), []);
});

test('S-5 open with O_TRUNC (: > file): overlay copies up an empty file, no data', () => {
  const meta = { copiedBytes: 0, allocatedBytes: 0, freedBytes: 0, diff: ['C /srv', 'C /srv/big.bin'] };
  expectPerDriver([': > /srv/big.bin'], {
    overlay2: { copiedBytes: 0, copiedUp: ['/srv/big.bin'], containerLayerBytes: 0, confidence: 'documented' },
    overlay: { copiedBytes: 0, copiedUp: ['/srv/big.bin'] },
    aufs: { confidence: 'not-verified' },
    'devicemapper loop-lvm': meta, 'devicemapper direct-lvm': meta, btrfs: meta, zfs: meta,
    vfs: { copiedBytes: 0, freedBytes: BIG },
  });
});

test('S-6 truncate to 0 (truncate(1): open for write, then ftruncate): overlay copies all data up first', () => {
  const meta = { copiedBytes: 0, allocatedBytes: 0, freedBytes: 0 };
  expectPerDriver(['truncate -s 0 /srv/big.bin'], {
    overlay2: { copiedBytes: BIG, freedBytes: BIG }, overlay: { copiedBytes: BIG, freedBytes: BIG }, aufs: { copiedBytes: BIG },
    'devicemapper loop-lvm': meta, 'devicemapper direct-lvm': meta, btrfs: meta, zfs: meta, vfs: { copiedBytes: 0, freedBytes: BIG },
  });
});

test('S-7 chmod 600: whole copy-up on overlay (metacopy off) and aufs, metadata only elsewhere; diff C file and parent', () => {
  const meta = { copiedBytes: 0, allocatedBytes: 0, diff: ['C /srv', 'C /srv/big.bin'] };
  expectPerDriver(['chmod 600 /srv/big.bin'], {
    overlay2: { copiedBytes: BIG, diff: ['C /srv', 'C /srv/big.bin'] }, overlay: { copiedBytes: BIG },
    aufs: { copiedBytes: BIG, confidence: 'not-verified', diff: ['C /srv/big.bin'] },
    'devicemapper loop-lvm': meta, 'devicemapper direct-lvm': meta, btrfs: meta, zfs: meta, vfs: meta,
  });
});

test('S-7 with metacopy=on: metadata-only copy-up, and reads still come from L0 until an open for write', () => {
  const r = run('overlay2', ['metacopy=on', 'kernel=5.10'], ['chmod 600 /srv/big.bin', 'cat /srv/big.bin', ': <> /srv/big.bin', 'cat /srv/big.bin']);
  const [chmod, read, open, reread] = r.steps;
  assert.equal(chmod!.copiedBytes, 0);
  assert.deepEqual(chmod!.copiedUp, ['/srv/big.bin']);
  assert.equal(read!.servedFromLayer, 'L0');
  assert.equal(open!.copiedBytes, BIG, 'the data comes up at the first open for write');
  assert.equal(reread!.servedFromLayer, 'container');
  assert.ok(r.notes.some((n) => n.includes('implies redirect_dir=on')));
});

test('S-7 metacopy=on is refused on kernels before 4.19', () => {
  const r = simulateToReport(view, 'overlay2', ['metacopy=on', 'kernel=4.18'], ['chmod 600 /srv/big.bin']);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.error.message, /4\.19/);
});
