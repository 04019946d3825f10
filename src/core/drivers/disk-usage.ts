// Disk and memory cost of an image under each driver (drivers.md §1a "What a layer directory holds", "Inode usage",
// "Page cache"): union drivers store changes once, legacy overlay re-creates every directory per layer, snapshot
// drivers allocate in their unit, vfs pays every layer in full. Estimates; data only, fs metadata not modelled. Pure.
import type { LowerView } from '../cow/lower-view.ts';
import type { SimulatorOptions } from '../cow/options.ts';
import type { Basis, DriverModel } from './driver-model.ts';

export type LayerStats = { readonly files: number; readonly dirs: number; readonly whiteouts: number; readonly bytes: number; readonly fileSizes: readonly number[] };
export type MergedStats = { readonly files: number; readonly dirs: number; readonly bytes: number; readonly fileSizes: readonly number[] };

export type DiskUsage = {
  readonly driver: string;
  /** Bytes each image layer occupies on disk under this driver. */
  readonly layerBytes: readonly number[];
  readonly imageBytes: number;
  readonly fileInodes: number;
  readonly dirInodes: number;
  /** Extra bytes each new container costs before it writes anything (vfs copies the image twice: init and rw). */
  readonly perContainerBytes: number;
  readonly basis: Basis;
};

const roundUp = (n: number, u: number): number => Math.ceil(n / u) * u;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Per-layer change statistics and the merged tree's statistics as of each layer, by replaying the records. */
export function collectLayerStats(view: LowerView): { layers: LayerStats[]; merged: MergedStats[] } {
  const layers: LayerStats[] = [];
  const merged: MergedStats[] = [];
  const tree = new Map<string, { type: string; size: number }>();
  for (let i = 0; i < view.layers.length; i++) {
    let files = 0, dirs = 0, whiteouts = 0;
    const fileSizes: number[] = [];
    const records = [...view.layerRecords(i)];
    for (const r of records) {
      if (r.kind === 'entry') continue;
      whiteouts++;
      const prefix = `${r.path === '/' ? '' : r.path}/`;
      for (const p of [...tree.keys()]) if ((r.kind === 'whiteout' && p === r.path) || p.startsWith(prefix)) tree.delete(p);
    }
    for (const r of records) {
      if (r.kind !== 'entry') continue;
      const e = r.entry;
      if (e.type === 'dir') dirs++;
      else files++;
      if (e.type === 'file') fileSizes.push(e.size);
      tree.set(e.path, { type: e.type, size: e.type === 'file' ? e.size : 0 });
    }
    layers.push({ files, dirs, whiteouts, bytes: sum(fileSizes), fileSizes });
    const sizes = [...tree.values()].filter((t) => t.type === 'file').map((t) => t.size);
    merged.push({ files: [...tree.values()].filter((t) => t.type !== 'dir').length, dirs: [...tree.values()].filter((t) => t.type === 'dir').length, bytes: sum(sizes), fileSizes: sizes });
  }
  return { layers, merged };
}

export function computeDiskUsage(view: LowerView, driver: DriverModel, options: SimulatorOptions): DiskUsage {
  const { layers, merged } = collectLayerStats(view);
  const blocks = (sizes: readonly number[], unit: number): number => sum(sizes.map((s) => roundUp(s, unit)));
  const top = merged[merged.length - 1];
  const changesInodes = sum(layers.map((l) => l.files));
  const changesDirs = sum(layers.map((l) => l.dirs));
  const make = (layerBytes: number[], fileInodes: number, dirInodes: number, perContainerBytes: number, basis: Basis): DiskUsage => ({
    driver: driver.name, layerBytes, imageBytes: sum(layerBytes), fileInodes, dirInodes, perContainerBytes, basis,
  });
  switch (driver.name) {
    case 'overlay2':
      return make(layers.map((l) => blocks(l.fileSizes, 4096)), changesInodes + sum(layers.map((l) => l.whiteouts)), changesDirs, 0,
        { confidence: 'documented', sources: ['S1', 'S20', 'S32'], note: 'each layer holds only its changes; every whiteout is an inode (newer kernels may share one)' });
    case 'aufs':
      return make(layers.map((l) => blocks(l.fileSizes, 4096)), changesInodes, changesDirs, 0,
        { confidence: 'documented', sources: ['S6', 'S36'], note: 'each layer holds only its changes; whiteouts are hardlinks of .wh..wh.aufs and add no inode' });
    case 'overlay':
      return make(layers.map((l) => blocks(l.fileSizes, 4096)), changesInodes, sum(merged.map((m) => m.dirs)), 0,
        { confidence: 'derived', sources: ['S5', 'S20'], note: 'file data is shared through hardlinks, but every layer\'s root/ re-creates all directories' });
    case 'devicemapper': {
      const chunk = driver.allocationUnit(options);
      return make(layers.map((l) => roundUp(l.bytes, chunk)), changesInodes, changesDirs, 0,
        { confidence: 'derived', sources: ['S7', 'S22'], note: `new data per thin snapshot in ${chunk / 1024} KiB chunks; each device has its own fs with an inode table fixed at mkfs` });
    }
    case 'btrfs':
      return make(layers.map((l) => blocks(l.fileSizes, 4096)), changesInodes, changesDirs, 0,
        { confidence: 'derived', sources: ['S23', 'S39'], note: 'snapshots share extents; new data in 4 KiB sectors' });
    case 'zfs':
      return make(layers.map((l) => sum(l.fileSizes.map((s) => (s <= 131072 ? roundUp(s, 4096) : roundUp(s, 131072))))), changesInodes, changesDirs, 0,
        { confidence: 'derived', sources: ['S24', 'S40'], note: 'clones share blocks; new data in records of up to 128 KiB (before compression)' });
    case 'vfs': {
      if (options.reflink) {
        return make(layers.map((l) => blocks(l.fileSizes, 4096)), sum(merged.map((m) => m.files)), sum(merged.map((m) => m.dirs)), 0,
          { confidence: 'derived', sources: ['S10'], note: 'the copies are reflinked: extents shared, but every inode is duplicated per layer' });
      }
      return make(merged.map((m) => blocks(m.fileSizes, 4096)), sum(merged.map((m) => m.files)), sum(merged.map((m) => m.dirs)), 2 * blocks(top?.fileSizes ?? [], 4096),
        { confidence: 'documented', sources: ['S25'], note: 'every layer is a full copy of its parent; each container copies the image twice (init and rw layers)' });
    }
  }
}

/** Page cache for `containers` containers reading the same file: once when the driver shares it (S-17). */
export function pageCacheBytes(driver: DriverModel, fileBytes: number, containers: number): number {
  return driver.pageCache.shared ? fileBytes : fileBytes * containers;
}
