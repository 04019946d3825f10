// drivers.md §4 scenarios S-8…S-15 (deletes, opaque re-creation, creates, renames, hardlinks): outcome per driver,
// including `docker diff` and the commit tar where the scenario names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTeachingImage } from './teaching-image.ts';
import { simulateToReport, type SimulationReport } from './report.ts';
import { simulateContainer } from './simulator.ts';
import { commitContainer } from './commit.ts';
import { parseSimulatorOptions } from './options.ts';

const image = createTeachingImage();
assert.ok(image.ok);
const view = image.value;
const DRIVERS = ['overlay2', 'overlay', 'aufs', 'devicemapper', 'btrfs', 'zfs', 'vfs'] as const;
const BLOCK = ['devicemapper', 'btrfs', 'zfs', 'vfs'] as const;

function run(driver: string, commands: string[], options: string[] = []): SimulationReport {
  const r = simulateToReport(view, driver, options, commands);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

function commitPaths(driver: string, commands: string[], options: string[] = []): string[] {
  const o = parseSimulatorOptions(options);
  assert.ok(o.ok);
  const r = simulateContainer({ view, driver: driver as 'vfs', options: o.value, commands });
  assert.ok(r.ok);
  const c = commitContainer(r.value);
  assert.ok(c.ok);
  return c.value.entries.map((e) => `${e.path}${e.type === 'dir' && !e.path.endsWith('/') ? '/' : ''}`);
}

const diffOf = (r: SimulationReport) => r.diff.map((d) => `${d.kind} ${d.path}`);

test('S-8 rm of an L0 file: char 0/0 whiteout (overlay), .wh. file (aufs), real unlink elsewhere; same diff and commit', () => {
  for (const d of DRIVERS) {
    const r = run(d, ['rm /etc/motd']);
    const step = r.steps[0]!;
    const expected = d === 'aufs' ? ['/etc/.wh.motd'] : d === 'overlay2' || d === 'overlay' ? ['/etc/motd'] : [];
    assert.deepEqual(step.whiteouts, expected, d);
    assert.deepEqual(step.deleted, expected.length === 0 ? ['/etc/motd'] : [], d);
    assert.deepEqual(step.parentDirsCopiedUp, expected.length > 0 ? ['/etc'] : [], d);
    assert.deepEqual(diffOf(r), ['C /etc', 'D /etc/motd'], d);
    assert.deepEqual(commitPaths(d, ['rm /etc/motd']), ['etc/', 'etc/.wh.motd'], d);
  }
});

test('S-9 rm -rf of a 1,000-file L0 directory: one whiteout for the dir, diff reports the dir once', () => {
  for (const d of DRIVERS) {
    const r = run(d, ['rm -rf /opt/app']);
    const step = r.steps[0]!;
    assert.deepEqual(step.whiteouts, d === 'aufs' ? ['/opt/.wh.app'] : BLOCK.includes(d as never) ? [] : ['/opt/app'], d);
    if (!BLOCK.includes(d as never)) assert.ok(step.notes.some((n) => n.startsWith('1000 whiteouts made during the command were removed again')), d);
    assert.deepEqual(diffOf(r), ['C /opt', 'D /opt/app'], d);
    assert.deepEqual(commitPaths(d, ['rm -rf /opt/app']), ['opt/', 'opt/.wh.app'], d);
  }
});

test('S-10 rm -rf, mkdir and create: opaque dir on overlay2/aufs commits, 1,000 explicit whiteouts in naive commits', () => {
  const cmds = ['rm -rf /opt/app && mkdir /opt/app && echo x > /opt/app/new'];
  assert.deepEqual(run('overlay2', cmds).steps[1]!.opaqueDirs, ['/opt/app']);
  assert.deepEqual(run('aufs', cmds).steps[1]!.opaqueDirs, ['/opt/app/.wh..wh..opq']);
  assert.deepEqual(commitPaths('overlay2', cmds), ['opt/', 'opt/app/', 'opt/app/.wh..wh..opq', 'opt/app/new']);
  assert.deepEqual(commitPaths('aufs', cmds), ['opt/', 'opt/app/', 'opt/app/.wh..wh..opq', 'opt/app/new']);
  for (const d of ['overlay', ...BLOCK]) {
    assert.deepEqual(run(d, cmds).steps[1]!.opaqueDirs, d === 'overlay' ? ['/opt/app'] : [], d);
    const paths = commitPaths(d, cmds);
    assert.equal(paths.length, 1003, d);
    assert.deepEqual(paths.slice(0, 3), ['opt/', 'opt/app/', 'opt/app/.wh.file-0000.txt'], d);
    assert.equal(paths[paths.length - 1], 'opt/app/new', d);
    assert.ok(!paths.some((p) => p.includes('.wh..wh..opq')), `${d}: naive export never writes an opaque marker`);
  }
  const naive = diffOf(run('overlay2', cmds));
  assert.deepEqual(naive.slice(0, 3), ['C /opt', 'C /opt/app', 'D /opt/app/file-0000.txt']);
  assert.ok(naive.includes('A /opt/app/new'));
  assert.equal(naive.length, 1003);
  assert.deepEqual(diffOf(run('aufs', cmds)), ['C /opt', 'C /opt/app', 'D /opt/app/.wh..opq', 'A /opt/app/new'], 'aufs Changes lists the marker as a deletion (derived)');
});

test('S-11 touch of a new file in an L0 directory: the directory alone is copied up, zero data', () => {
  for (const d of DRIVERS) {
    const r = run(d, ['touch /etc/new.conf']);
    assert.equal(r.steps[0]!.copiedBytes, 0, d);
    assert.deepEqual(r.steps[0]!.parentDirsCopiedUp, ['overlay2', 'overlay', 'aufs'].includes(d) ? ['/etc'] : [], d);
    assert.deepEqual(diffOf(r), ['C /etc', 'A /etc/new.conf'], d);
  }
});

test('S-12 mv of an L0 file: copy-up + rename + whiteout on union drivers, metadata-only rename elsewhere', () => {
  for (const d of DRIVERS) {
    const r = run(d, ['mv /etc/motd /etc/motd.old']);
    const step = r.steps[0]!;
    const union = ['overlay2', 'overlay', 'aufs'].includes(d);
    assert.equal(step.copiedBytes, union ? 286 : 0, d);
    assert.deepEqual(step.whiteouts, d === 'aufs' ? ['/etc/.wh.motd'] : union ? ['/etc/motd'] : [], d);
    assert.deepEqual(diffOf(r), ['C /etc', 'D /etc/motd', 'A /etc/motd.old'], d);
  }
});

test('S-13 mv of an L0 directory: EXDEV on overlay without redirect_dir and on aufs, so mv copies the tree', () => {
  const tree = 4096 + 18_000 + 2048 + 3000;
  for (const d of DRIVERS) {
    const step = run(d, ['mv /usr/share/doc /usr/share/doc2']).steps[0]!;
    const exdev = ['overlay2', 'overlay', 'aufs'].includes(d);
    assert.equal(step.ok, true, d);
    assert.equal(step.recoveredErrno, exdev ? 'EXDEV' : null, d);
    assert.equal(step.copiedBytes, exdev ? tree : 0, d);
  }
  const redirect = run('overlay2', ['mv /usr/share/doc /usr/share/doc2', 'cat /usr/share/doc2/busybox/README'], ['redirect_dir=on']);
  assert.equal(redirect.steps[0]!.recoveredErrno, null);
  assert.equal(redirect.steps[0]!.copiedBytes, 0);
  assert.deepEqual(redirect.steps[0]!.whiteouts, ['/usr/share/doc']);
  assert.ok(redirect.steps[0]!.notes.some((n) => n.includes('trusted.overlay.redirect="/usr/share/doc"')));
  assert.equal(redirect.steps[1]!.servedFromLayer, 'L0', 'children are still found through the redirect');
  assert.equal(redirect.containerLayerBytes, tree, 'redirect_dir turns native diff off: size is the naive ChangesSize');
});

test('S-13 renaming a directory made inside the container works on overlay, but aufs still says EXDEV when it has children', () => {
  const cmds = ['mkdir /x', 'touch /x/y', 'mv /x /z'];
  assert.equal(run('overlay2', cmds).steps[2]!.recoveredErrno, null);
  assert.equal(run('aufs', cmds).steps[2]!.recoveredErrno, 'EXDEV');
  assert.equal(run('aufs', ['mkdir /x', 'mv /x /z']).steps[1]!.recoveredErrno, null);
});

test('S-14 write through one name of a hardlinked L0 file: overlay (index=off) breaks the link, the others keep it', () => {
  for (const d of DRIVERS) {
    const r = run(d, ['echo -n x >> /bin/a', 'cat /bin/b']);
    const overlay = d === 'overlay2' || d === 'overlay';
    assert.deepEqual(r.steps[0]!.brokenHardlinks, overlay ? ['/bin/b'] : [], d);
    assert.equal(r.steps[1]!.servedFromLayer, overlay ? 'L0' : 'container', d);
  }
  const indexed = run('overlay2', ['echo -n x >> /bin/a', 'cat /bin/b'], ['index=on']);
  assert.deepEqual(indexed.steps[0]!.brokenHardlinks, []);
  assert.equal(indexed.steps[1]!.servedFromLayer, 'container');
  assert.ok(indexed.notes.some((n) => n.includes('hypothetical')));
  assert.deepEqual(diffOf(run('btrfs', ['echo -n x >> /bin/a'])), ['C /bin', 'C /bin/a', 'C /bin/b'], 'both names changed');
  assert.deepEqual(diffOf(run('overlay2', ['echo -n x >> /bin/a'])), ['C /bin', 'C /bin/a']);
});

test('S-15 ln of an L0 file: overlay copies the target up (metadata only with metacopy), others only add a name', () => {
  const py = 6 * 1024 * 1024;
  for (const d of DRIVERS) {
    const step = run(d, ['ln /usr/bin/python3 /root/py']).steps[0]!;
    assert.equal(step.ok, true, d);
    assert.equal(step.copiedBytes, ['overlay2', 'overlay', 'aufs'].includes(d) ? py : 0, d);
  }
  assert.equal(run('overlay2', ['ln /usr/bin/python3 /root/py'], ['metacopy=on']).steps[0]!.copiedBytes, 0);
  assert.deepEqual(diffOf(run('overlay2', ['ln /usr/bin/python3 /root/py'])), ['C /root', 'A /root/py']);
});
