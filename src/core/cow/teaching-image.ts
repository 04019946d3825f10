// The small image that drivers.md §4's teaching scenarios (S-1…S-20) run against, usable by the CLI and UI as a demo
// and by tests. Three layers; diff_ids are illustrative (sha256 of a label), not hashes of real tars. Pure.
import type { Result } from '../result.ts';
import type { DiffId } from '../oci/digest.ts';
import { sha256Hex } from '../hash/sha256.ts';
import { createLowerViewFromChangesets, type ChangesetEntry, type LayerChangeset } from './changeset-lower-view.ts';
import type { LowerView } from './lower-view.ts';

export const MIB = 1024 * 1024;
const T = 1_700_000_000;

const d = (path: string, mode = 0o755): ChangesetEntry => ({ path, type: 'dir', mode, mtime: T });
const f = (path: string, size: number, mode = 0o644): ChangesetEntry => ({ path, type: 'file', size, mode, mtime: T });

/** Paths the scenarios use, in one place. */
export const TEACHING_PATHS = {
  libfoo: '/usr/lib/libfoo.so',
  big: '/srv/big.bin',
  motd: '/etc/motd',
  appDir: '/opt/app',
  doc: '/usr/share/doc',
  python: '/usr/bin/python3',
  hardA: '/bin/a',
  hardB: '/bin/b',
} as const;

function baseLayer(): ChangesetEntry[] {
  const app: ChangesetEntry[] = [];
  for (let i = 0; i < 1000; i++) app.push(f(`opt/app/file-${String(i).padStart(4, '0')}.txt`, 1024));
  return [
    d('bin'), f('bin/a', 8192, 0o755), { path: 'bin/b', type: 'hardlink', linkTarget: 'bin/a', mode: 0o755, mtime: T },
    { path: 'bin/sh', type: 'symlink', linkTarget: 'busybox', mode: 0o777, mtime: T }, f('bin/busybox', 1_000_000, 0o755),
    d('etc'), f('etc/motd', 286), f('etc/passwd', 1024), f('etc/old.conf', 10),
    d('opt'), d('opt/app'), ...app,
    d('root', 0o700), d('srv'), f('srv/big.bin', 100 * MIB),
    d('tmp', 0o1777), d('usr'), d('usr/bin'), f('usr/bin/python3', 6 * MIB, 0o755),
    d('usr/lib'), f('usr/lib/libfoo.so', 50 * MIB, 0o755),
    d('usr/share'), d('usr/share/doc'), d('usr/share/doc/busybox'), f('usr/share/doc/busybox/README', 4096), f('usr/share/doc/busybox/COPYING', 18_000),
    d('usr/share/doc/python3'), f('usr/share/doc/python3/README', 2048),
  ];
}

/** The teaching image's layers as changesets, bottom first (diff_ids illustrative). */
export function teachingChangesets(): LayerChangeset[] {
  const diffId = (n: number): DiffId => `sha256:${sha256Hex(`strata teaching image layer ${n}`)}` as DiffId;
  return [
    { entries: baseLayer(), diffId: diffId(0), createdBy: 'ADD rootfs.tar /' },
    {
      entries: [d('etc'), f('etc/os-release', 400), { path: 'etc/.wh.old.conf', type: 'file', mtime: T }, d('usr'), d('usr/share'), d('usr/share/doc'), d('usr/share/doc/curl'), f('usr/share/doc/curl/README', 3000)],
      diffId: diffId(1), createdBy: 'RUN apk add curl && rm /etc/old.conf',
    },
    { entries: [d('srv'), d('srv/www'), f('srv/www/index.html', 512)], diffId: diffId(2), createdBy: 'COPY www /srv/www' },
  ];
}

/** The teaching image: L0 base filesystem, L1 a package install (with a whiteout), L2 the application. */
export function createTeachingImage(): Result<LowerView> {
  return createLowerViewFromChangesets(teachingChangesets());
}
