// How drivers.md backs each simulator rule, per driver family (confidence + source keys of drivers.md §5).
// Driver modules pick these up and override where their section says otherwise. Pure data.
import type { Basis, RuleId } from './driver-model.ts';

const doc = (note: string, ...sources: Basis['sources']): Basis => ({ confidence: 'documented', sources, note });
const der = (note: string, ...sources: Basis['sources']): Basis => ({ confidence: 'derived', sources, note });
const nv = (note: string, ...sources: Basis['sources']): Basis => ({ confidence: 'not-verified', sources, note });

type Rules = Readonly<Partial<Record<RuleId, Basis>>>;

const COMMON: Rules = {
  volume: doc('writes below a volume or a bind-mounted file go to the mount, not the container layer', 'S16'),
};

/** Kernel overlayfs (overlay and overlay2), drivers.md §3.1 and S-1…S-19. */
export const OVERLAYFS_RULES: Rules = {
  ...COMMON,
  lookup: doc('lookup walks upper, then each lower from the top, and caches the result in the dentry', 'S27', 'S29'),
  'copy-up': doc('copy_up of the whole file at open for write (clone on a reflink fs, else 1 MiB splices)', 'S29', 'S31'),
  'copy-up-trunc': doc('open with O_TRUNC copies up with size forced to 0: no data copied', 'S31'),
  'copy-up-no-write': doc('copy_up happens at open even if nothing is written', 'S29', 'S31'),
  setattr: doc('chmod/chown copy the whole file up; metadata only with metacopy=on', 'S29', 'S31', 'S33'),
  'delete-file': doc('unlink of a lower file leaves a whiteout: char device 0/0 in upper', 'S29', 'S32'),
  'delete-dir': der('rmdir of a lower/merged dir ends as one whiteout; child whiteouts are cleared (ovl_clear_empty). Docker docs say "opaque directory"', 'S32', 'S20'),
  'recreate-dir': doc('mkdir over a whiteout creates an upper dir with trusted.overlay.opaque=y', 'S32'),
  'parent-dirs': doc('the parent chain is copied up first, as directories only', 'S29', 'S31', 'S32'),
  'rename-file': doc('rename copies the source up, renames in upper and whites out the old name (RENAME_WHITEOUT)', 'S32'),
  'rename-dir': doc('renaming a lower/merged dir: EXDEV unless redirect_dir=on (then dir-only copy-up + trusted.overlay.redirect)', 'S29', 'S32'),
  hardlinks: doc('with index=off (Docker always passes it) copy-up breaks hardlinks', 'S29', 'S1', 'S14'),
  link: doc('link(2) copies the target up first (ovl_link)', 'S32'),
  'fd-coherence': doc('an O_RDONLY fd opened before another fd\'s copy-up reads stale data before kernel 4.19', 'S20', 'S33', 'S34'),
};

/** aufs, drivers.md §3.4 (several details are derived or not verified). */
export const AUFS_RULES: Rules = {
  ...COMMON,
  lookup: doc('branches are searched top-down; the read comes from the first hit', 'S21'),
  'copy-up': doc('copy_up of the whole file to the rw branch, "very similar to cp(1)"', 'S21', 'S36'),
  'copy-up-trunc': nv('aufs behaviour for open(O_TRUNC) was not verified; modelled as a whole-file copy-up', 'S21'),
  'copy-up-no-write': nv('whether aufs copies up on open(O_RDWR) without a write was not verified; modelled as copy-up at open', 'S36'),
  setattr: nv('docs: metadata changes can copy a file up; aufs-specific behaviour not verified', 'S27'),
  'delete-file': doc('`.wh.<name>` hardlinked to the branch\'s whiteout base .wh..wh.aufs (no new inode)', 'S21', 'S36'),
  'delete-dir': der('`.wh.<dir>` (docs say "opaque file"; rmdir internals not verified)', 'S21', 'S36'),
  'recreate-dir': doc('a re-created dir gets a .wh..wh..opq marker', 'S36'),
  'parent-dirs': der('parent dirs are created on the rw branch', 'S21'),
  'rename-file': der('copy_up + rename + whiteout', 'S21'),
  'rename-dir': doc('EXDEV for directories with children (Docker never sets dirren)', 'S6', 'S21', 'S36'),
  hardlinks: doc('pseudo-links in .wh..wh.plnk keep hardlinks coherent after copy_up', 'S36'),
  link: der('copy_up, then link', 'S36'),
  'fd-coherence': nv('aufs behaviour for fds opened before a copy-up was not verified; modelled as coherent'),
};

/** Full-filesystem snapshot drivers (devicemapper, btrfs, zfs). */
export const SNAPSHOT_RULES: Rules = {
  ...COMMON,
  lookup: doc('one filesystem: no per-layer lookup; data blocks are shared with the parent snapshot', 'S22', 'S23', 'S24', 'S35'),
  'in-place': der('the object is changed inside the container\'s own filesystem; metadata blocks are CoW\'d (not modelled)', 'S22', 'S23', 'S24'),
  setattr: der('chmod/chown change metadata blocks only', 'S22', 'S23', 'S24'),
  'delete-file': doc('real unlink inside the container fs; the parent snapshot still holds the data', 'S22', 'S23', 'S24'),
  'delete-dir': doc('real rmdir', 'S22', 'S23', 'S24'),
  'recreate-dir': der('an ordinary new directory', 'S12'),
  'rename-file': der('a metadata-only rename', 'S22', 'S23', 'S24'),
  'rename-dir': doc('an ordinary rename, metadata only', 'S22', 'S23', 'S24'),
  hardlinks: doc('ordinary hardlinks: every name sees the write', 'S22', 'S23', 'S24'),
  link: der('metadata only', 'S22'),
  'fd-coherence': doc('one inode: every fd sees every write', 'S20'),
};

/** vfs: deep copies, no CoW (drivers.md §3.8). */
export const VFS_RULES: Rules = {
  ...SNAPSHOT_RULES,
  lookup: doc('the container has a private deep copy of the image', 'S25'),
  'in-place': doc('writes happen in place in the private copy', 'S25'),
  setattr: doc('in place', 'S25'),
  'delete-file': doc('real unlink', 'S25'),
  'block-write': der('with reflink the copy shares extents (FICLONE), so a write allocates the touched 4 KiB blocks', 'S10'),
};
