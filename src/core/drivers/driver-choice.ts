// Which storage driver dockerd picks, and why (moby graphdriver New/scanPriorDrivers and the `priority` list per
// release; drivers.md §3.11): explicit choice, then a prior driver's state, then the first driver whose Init works. Pure.
import { err, ok, type Result } from '../result.ts';
import { formatKernel, kernelAtLeast, type KernelVersion } from '../cow/options.ts';
import type { DriverName, SourceId } from './driver-model.ts';

export type ChoiceDriver = DriverName | 'fuse-overlayfs';
export type BackingFs = 'ext4' | 'xfs' | 'xfs-ftype0' | 'btrfs' | 'zfs' | 'tmpfs' | 'nfs' | 'aufs' | 'overlay' | 'ecryptfs';
export const BACKING_FILESYSTEMS: readonly BackingFs[] = ['ext4', 'xfs', 'xfs-ftype0', 'btrfs', 'zfs', 'tmpfs', 'nfs', 'aufs', 'overlay', 'ecryptfs'];

export type DriverChoiceInput = {
  /** e.g. '1.13.1', '17.06.2-ce', '24.0.7'. */
  readonly dockerVersion: string;
  readonly kernel: KernelVersion;
  /** The filesystem under /var/lib/docker. */
  readonly backingFs: BackingFs;
  /** The out-of-tree aufs module is loaded (Ubuntu's linux-image-extra once shipped it). */
  readonly aufsModule?: boolean;
  readonly fuseOverlayfsInstalled?: boolean;
  /** A non-empty /var/lib/docker/<driver> from an earlier daemon. */
  readonly priorDriver?: ChoiceDriver;
  /** `--storage-driver` / daemon.json "storage-driver". */
  readonly explicitDriver?: ChoiceDriver;
};

export type CandidateVerdict = {
  readonly driver: ChoiceDriver;
  readonly outcome: 'chosen' | 'unsupported' | 'skipped-deprecated' | 'skipped-experimental' | 'not-reached';
  readonly reason: string;
};

export type DriverChoice = {
  readonly chosen: ChoiceDriver;
  readonly how: 'explicit' | 'prior' | 'priority';
  readonly priority: readonly ChoiceDriver[];
  /** The releases that used this priority list, and the moby commit of the first one. */
  readonly priorityRange: string;
  readonly candidates: readonly CandidateVerdict[];
  readonly notes: readonly string[];
  readonly sources: readonly SourceId[];
};

type Era = { from: [number, number]; range: string; list: ChoiceDriver[] };
const ERAS: Era[] = [
  { from: [0, 7], range: 'v0.7.0 (0d078b6581)', list: ['aufs', 'devicemapper', 'vfs'] },
  { from: [0, 8], range: 'v0.8.0 (cc3a8c8d8e) – v0.9.x', list: ['aufs', 'devicemapper', 'vfs', 'btrfs'] },
  { from: [1, 0], range: 'v1.0.0 (63fe64c471) – v1.3.x', list: ['aufs', 'btrfs', 'devicemapper', 'vfs'] },
  { from: [1, 4], range: 'v1.4.0 (4595d4fb03) – v1.5.x', list: ['aufs', 'btrfs', 'devicemapper', 'vfs', 'overlay'] },
  { from: [1, 6], range: 'v1.6.0 (47496519da)', list: ['aufs', 'btrfs', 'devicemapper', 'overlay', 'vfs'] },
  { from: [1, 7], range: 'v1.7.0 (0baf609845) – v1.12.x', list: ['aufs', 'btrfs', 'zfs', 'devicemapper', 'overlay', 'vfs'] },
  { from: [1, 13], range: 'v1.13.0 (49bf474f9e) – v17.06.x', list: ['aufs', 'btrfs', 'zfs', 'overlay2', 'overlay', 'devicemapper', 'vfs'] },
  { from: [17, 9], range: 'v17.09.0-ce (91437e70a0) – v19.03.x', list: ['btrfs', 'zfs', 'overlay2', 'aufs', 'overlay', 'devicemapper', 'vfs'] },
  { from: [20, 10], range: 'v20.10.0 (eeddea2f90) – v20.10.x', list: ['btrfs', 'zfs', 'overlay2', 'fuse-overlayfs', 'aufs', 'overlay', 'devicemapper', 'vfs'] },
  { from: [23, 0], range: 'v23.0.0 (d7573ab867) – v23.x', list: ['overlay2', 'fuse-overlayfs', 'btrfs', 'zfs', 'aufs', 'overlay', 'devicemapper', 'vfs'] },
  { from: [24, 0], range: 'v24.0.0 (1331b8c39a) – v24.x', list: ['overlay2', 'fuse-overlayfs', 'btrfs', 'zfs', 'devicemapper', 'vfs'] },
  { from: [25, 0], range: 'v25.0.0 (615dfdf672) – current', list: ['overlay2', 'fuse-overlayfs', 'btrfs', 'zfs', 'vfs'] },
];
/** Release in which each driver entered and left the moby tree (drivers.md §1a). */
const PRESENT: Record<ChoiceDriver, { from: [number, number]; until?: [number, number] }> = {
  aufs: { from: [0, 7], until: [24, 0] }, devicemapper: { from: [0, 7], until: [25, 0] }, vfs: { from: [0, 7] }, btrfs: { from: [0, 8] },
  overlay: { from: [1, 4], until: [24, 0] }, zfs: { from: [1, 7] }, overlay2: { from: [1, 12] }, 'fuse-overlayfs': { from: [20, 10] },
};

const atLeast = (v: [number, number], w: [number, number]): boolean => v[0] > w[0] || (v[0] === w[0] && v[1] >= w[1]);

export function parseDockerVersion(text: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-[\w.]+)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function deprecatedSkip(v: [number, number], d: ChoiceDriver): boolean {
  if (atLeast(v, [19, 3]) && !atLeast(v, [24, 0])) return d === 'aufs' || d === 'devicemapper' || d === 'overlay';
  return atLeast(v, [24, 0]) && !atLeast(v, [25, 0]) && d === 'devicemapper';
}

/** Why this driver's Init would fail here, or undefined if it would succeed (drivers.md §1a, §3). */
export function explainUnsupported(input: DriverChoiceInput, v: [number, number], d: ChoiceDriver): string | undefined {
  const fs = input.backingFs;
  const k = input.kernel;
  const present = PRESENT[d];
  if (!atLeast(v, present.from) || (present.until && atLeast(v, present.until))) return `not in this release (in moby from v${present.from.join('.')}${present.until ? ` until v${present.until.join('.')}` : ''})`;
  switch (d) {
    case 'aufs':
      if (!input.aufsModule) return 'the aufs kernel module is not available (it is out of tree)';
      return ['aufs', 'btrfs', 'ecryptfs'].includes(fs) ? `aufs does not run over ${fs}` : undefined;
    case 'btrfs':
      return fs === 'btrfs' ? undefined : '/var/lib/docker is not on btrfs (ErrPrerequisites)';
    case 'zfs':
      return fs === 'zfs' ? undefined : '/var/lib/docker is not on a ZFS dataset (ErrPrerequisites)';
    case 'overlay2':
    case 'fuse-overlayfs': {
      if (d === 'fuse-overlayfs') return input.fuseOverlayfsInstalled ? undefined : 'the fuse-overlayfs binary is not installed';
      if (!kernelAtLeast(k, 4, 0)) return `kernel ${formatKernel(k)} lacks multiple lowerdirs (needs 4.0)`;
      if (fs === 'xfs-ftype0') return 'the backing fs has no d_type support: "Reformat the filesystem with ftype=1"';
      if (!atLeast(v, [20, 10]) && ['aufs', 'ecryptfs', 'nfs', 'overlay', 'zfs'].includes(fs)) return `${fs} is refused as overlay2's backing fs`;
      if (!atLeast(v, [20, 10]) && fs === 'btrfs' && !kernelAtLeast(k, 4, 7)) return 'btrfs as backing fs needs kernel 4.7';
      return ['aufs', 'ecryptfs', 'nfs', 'overlay', 'zfs'].includes(fs) ? `the overlay test mount fails on ${fs} (modelled)` : undefined;
    }
    case 'overlay':
      if (!kernelAtLeast(k, 3, 18)) return `kernel ${formatKernel(k)} has no overlay (mainline since 3.18)`;
      if (fs === 'xfs-ftype0') return 'the backing fs has no d_type support';
      return ['aufs', 'zfs', 'overlay', 'ecryptfs', 'nfs'].includes(fs) ? `${fs} is refused as overlay's backing fs` : undefined;
    case 'devicemapper':
    case 'vfs':
      return undefined;
  }
}

/** Picks the driver dockerd would use and records every candidate's verdict. */
export function chooseDriver(input: DriverChoiceInput): Result<DriverChoice> {
  const v = parseDockerVersion(input.dockerVersion);
  if (!v || !atLeast(v, [0, 7])) return err('VERSION_INVALID', `"${input.dockerVersion}" is not a Docker version this model knows (0.7 or later, e.g. 1.13.1, 17.06.2-ce, 24.0.7)`);
  const era = [...ERAS].reverse().find((e) => atLeast(v, e.from))!;
  const notes: string[] = [];
  if (atLeast(v, [29, 0])) notes.push('Docker 29 defaults new installs to the containerd image store (snapshotter overlayfs); naming overlay2, vfs or btrfs explicitly, or prior graphdriver state, keeps graphdrivers');
  if (atLeast(v, [1, 13]) && !atLeast(v, [17, 9])) notes.push('this is the seed order aufs > btrfs/zfs > overlay2 > overlay > devicemapper; it held for v1.13.0–v17.06 only');
  else notes.push('the seed order aufs > btrfs/zfs > overlay2 > overlay > devicemapper held for v1.13.0–v17.06 only; overlay2 was promoted over aufs in v17.09 and to first place in v23.0');
  const base = { priority: era.list, priorityRange: era.range, sources: ['S13', 'S14'] as SourceId[] };
  for (const [how, d] of [['explicit', input.explicitDriver], ['prior', input.priorDriver]] as const) {
    if (d === undefined || (how === 'prior' && d === 'vfs')) continue;
    const why = explainUnsupported(input, v, d);
    if (why) return err('DRIVER_FAILED', `${how === 'explicit' ? 'configured' : 'prior'} storage driver ${d} failed: ${why}`);
    if (how === 'prior' && deprecatedSkip(v, d)) notes.push(`${d} is deprecated in this release; moby may refuse a deprecated prior driver unless it is chosen explicitly (not verified here)`);
    return ok({ ...base, chosen: d, how, candidates: [{ driver: d, outcome: 'chosen', reason: how === 'explicit' ? 'configured explicitly' : `/var/lib/docker/${d} already holds state` }], notes });
  }
  const candidates: CandidateVerdict[] = [];
  let chosen: ChoiceDriver | undefined;
  for (const d of era.list) {
    if (chosen) { candidates.push({ driver: d, outcome: 'not-reached', reason: `${chosen} was chosen first` }); continue; }
    if (deprecatedSkip(v, d)) { candidates.push({ driver: d, outcome: 'skipped-deprecated', reason: 'deprecated drivers are skipped by auto-selection' }); continue; }
    if (d === 'btrfs' && !atLeast(v, [1, 0])) { candidates.push({ driver: d, outcome: 'skipped-experimental', reason: 'experimental: has to be enabled manually' }); continue; }
    const why = explainUnsupported(input, v, d);
    if (why) candidates.push({ driver: d, outcome: 'unsupported', reason: why });
    else { chosen = d; candidates.push({ driver: d, outcome: 'chosen', reason: 'first in priority order whose Init succeeds' }); }
  }
  return ok({ ...base, chosen: chosen ?? 'vfs', how: 'priority', candidates, notes });
}
