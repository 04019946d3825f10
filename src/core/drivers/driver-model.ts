// The interface every storage-driver model implements (drivers.md §1, §3): identity, copy-on-write semantics for the
// simulator, whiteout form, diff/commit/size methods, page-cache sharing, limits, and the on-disk layout. Pure types.
import type { SimulatorOptions } from '../cow/options.ts';
import type { LowerView } from '../cow/lower-view.ts';
import type { ContainerDelta } from '../cow/container-delta.ts';
import type { DriverLayout } from './layout-tree.ts';

export type DriverName = 'aufs' | 'overlay' | 'overlay2' | 'devicemapper' | 'btrfs' | 'zfs' | 'vfs';
export const DRIVER_NAMES: readonly DriverName[] = ['aufs', 'overlay', 'overlay2', 'devicemapper', 'btrfs', 'zfs', 'vfs'];

/** How firmly drivers.md backs a rule: a cited statement, a conclusion drawn from cited mechanics, or unsettled. */
export type Confidence = 'documented' | 'derived' | 'not-verified';
/** Source keys of drivers.md §5, e.g. 'S29'. */
export type SourceId = `S${number}`;
export type Basis = { readonly confidence: Confidence; readonly sources: readonly SourceId[]; readonly note?: string };

/** The rules the simulator applies; each driver says how it backs each one. */
export type RuleId =
  | 'lookup' | 'copy-up' | 'copy-up-trunc' | 'copy-up-no-write' | 'setattr' | 'block-write' | 'in-place'
  | 'delete-file' | 'delete-dir' | 'recreate-dir' | 'parent-dirs' | 'rename-file' | 'rename-dir'
  | 'hardlinks' | 'link' | 'fd-coherence' | 'free-space' | 'volume';

/** Union drivers keep only changes per layer and copy whole files up; snapshot drivers CoW blocks of a full
 *  filesystem; vfs copies everything. */
export type CowSemantics =
  | { readonly kind: 'union'; readonly implementation: 'overlayfs' | 'aufs'; readonly lookup: 'per-layer' | 'single-lower' }
  | { readonly kind: 'snapshot'; readonly unit: 'thin-chunk' | 'btrfs-sector' | 'zfs-record' }
  | { readonly kind: 'copy' };

export type WhiteoutForm = 'char-device' | 'aufs-wh-file' | 'deletion';

export type DriverLimits = {
  /** moby layer store: chains deeper than 125 are refused (layer_store.go). */
  readonly layerStore: number;
  /** The driver's own limit on lowers/branches, where it has one. */
  readonly driverDepth?: { readonly max: number; readonly what: string; readonly containerAdds: number } & Basis;
};

export type DriverHistory = { readonly added: string; readonly deprecated?: string; readonly removed?: string };

export type LayoutInput = {
  readonly view: LowerView;
  readonly options: SimulatorOptions;
  /** The container layer after the simulated commands; absent for an image without a container. */
  readonly container?: ContainerDelta;
};

export interface DriverModel {
  readonly name: DriverName;
  readonly title: string;
  readonly semantics: CowSemantics;
  /** The copy-on-write unit in bytes (undefined = whole file) and how the UI names it. */
  cowUnit(options: SimulatorOptions): { readonly bytes: number | undefined; readonly label: string } & Basis;
  /** The unit in which the container layer allocates space (backing-fs block for union drivers). */
  allocationUnit(options: SimulatorOptions): number;
  readonly whiteoutForm: WhiteoutForm;
  /** `docker diff`: naive tree compare, or aufs' walk of the rw branch (drivers.md §2.5). */
  readonly changesMethod: 'naive' | 'aufs';
  /** `docker commit` tar: native tar of the upper dir (with conversion), or naive ExportChanges. */
  commitMethod(options: SimulatorOptions): 'overlay-native' | 'aufs-native' | 'naive';
  /** `docker ps -s` SIZE: apparent size of the rw dir, or the naive ChangesSize. */
  sizeMethod(options: SimulatorOptions): 'diff-dir' | 'naive';
  readonly pageCache: { readonly shared: boolean } & Basis;
  readonly limits: DriverLimits;
  readonly history: DriverHistory;
  /** How the driver backs each simulator rule; missing rules fall back to the driver family's default. */
  readonly rules: Readonly<Partial<Record<RuleId, Basis>>>;
  /** The layout under /var/lib/docker (and pool/dataset listings) for the image and optional container. */
  buildLayout(input: LayoutInput): DriverLayout;
}
