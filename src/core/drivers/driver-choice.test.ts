import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseDriver, type DriverChoice, type DriverChoiceInput } from './driver-choice.ts';

const k = (major: number, minor: number) => ({ major, minor });
function choose(input: Partial<DriverChoiceInput> & { dockerVersion: string }): DriverChoice {
  const r = chooseDriver({ kernel: k(5, 15), backingFs: 'ext4', ...input });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('uses the seed order aufs > btrfs/zfs > overlay2 > overlay > devicemapper for v1.13–v17.06, and says when it held', () => {
  const c = choose({ dockerVersion: '17.06.2-ce', aufsModule: true });
  assert.deepEqual(c.priority, ['aufs', 'btrfs', 'zfs', 'overlay2', 'overlay', 'devicemapper', 'vfs']);
  assert.equal(c.priorityRange, 'v1.13.0 (49bf474f9e) – v17.06.x');
  assert.equal(c.chosen, 'aufs');
  assert.ok(c.notes.some((n) => n.includes('held for v1.13.0–v17.06 only')));
  const noAufs = choose({ dockerVersion: '1.13.1' });
  assert.equal(noAufs.chosen, 'overlay2');
  assert.deepEqual(noAufs.candidates.slice(0, 4).map((x) => x.outcome), ['unsupported', 'unsupported', 'unsupported', 'chosen']);
});

test('prefers overlay2 over aufs from v17.09, and puts overlay2 first from v23.0 (btrfs/zfs opt-in)', () => {
  assert.equal(choose({ dockerVersion: '17.09.0-ce', aufsModule: true }).chosen, 'overlay2');
  assert.equal(choose({ dockerVersion: '20.10.24', backingFs: 'btrfs' }).chosen, 'btrfs');
  assert.equal(choose({ dockerVersion: '23.0.0', backingFs: 'btrfs' }).chosen, 'overlay2');
  assert.equal(choose({ dockerVersion: '24.0.7', backingFs: 'zfs' }).chosen, 'zfs', 'overlay over zfs fails its test mount');
});

test('skips deprecated drivers in auto-selection from v19.03 and reports why each candidate lost', () => {
  const c = choose({ dockerVersion: '19.03.15', kernel: k(3, 10), aufsModule: true });
  assert.equal(c.chosen, 'vfs');
  assert.deepEqual(c.candidates.map((x) => `${x.driver}:${x.outcome}`), [
    'btrfs:unsupported', 'zfs:unsupported', 'overlay2:unsupported', 'aufs:skipped-deprecated', 'overlay:skipped-deprecated', 'devicemapper:skipped-deprecated', 'vfs:chosen',
  ]);
  assert.match(c.candidates[2]!.reason, /kernel 3\.10 lacks multiple lowerdirs/);
  assert.equal(choose({ dockerVersion: '18.09.9', kernel: k(3, 10) }).chosen, 'devicemapper', 'before deprecation, loop-lvm devicemapper caught old kernels');
});

test('refuses overlay2 without d_type and follows the historical lists back to v0.7', () => {
  assert.match(choose({ dockerVersion: '24.0.0', backingFs: 'xfs-ftype0' }).candidates[0]!.reason, /ftype=1/);
  assert.equal(choose({ dockerVersion: '0.7.6' }).chosen, 'devicemapper');
  assert.deepEqual(choose({ dockerVersion: '0.9.1' }).priority, ['aufs', 'devicemapper', 'vfs', 'btrfs']);
  assert.equal(choose({ dockerVersion: '1.6.2', kernel: k(3, 18) }).chosen, 'devicemapper');
  assert.equal(choose({ dockerVersion: '25.0.3', kernel: k(3, 10) }).chosen, 'vfs', 'devicemapper is gone from v25');
});

test('honours an explicit driver and prior state first, and fails when they cannot work', () => {
  const explicit = choose({ dockerVersion: '24.0.7', explicitDriver: 'vfs' });
  assert.equal(explicit.how, 'explicit');
  assert.equal(explicit.chosen, 'vfs');
  const prior = choose({ dockerVersion: '20.10.0', priorDriver: 'devicemapper' });
  assert.equal(prior.how, 'prior');
  assert.ok(prior.notes.some((n) => n.includes('deprecated')));
  const gone = chooseDriver({ dockerVersion: '24.0.0', kernel: k(5, 15), backingFs: 'ext4', explicitDriver: 'aufs' });
  assert.equal(gone.ok ? '' : gone.error.code, 'DRIVER_FAILED');
  assert.match(gone.ok ? '' : gone.error.message, /not in this release/);
  assert.equal(chooseDriver({ dockerVersion: 'latest', kernel: k(5, 15), backingFs: 'ext4' }).ok, false);
});

test('mentions the containerd image store default from Docker 29', () => {
  assert.ok(choose({ dockerVersion: '29.0.0' }).notes.some((n) => n.includes('containerd image store')));
});
