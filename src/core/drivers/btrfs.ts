// btrfs model (moby daemon/graphdriver/btrfs, docker docs; drivers.md §3.6): a subvolume per layer, each a snapshot
// of its parent showing the full rootfs; redirect-on-write in 4 KiB sectors. Pure.
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderChangedObjects } from './container-forms.ts';
import { dir, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { SNAPSHOT_RULES } from './rule-bases.ts';

export const btrfsDriver: DriverModel = {
  name: 'btrfs',
  title: 'btrfs',
  semantics: { kind: 'snapshot', unit: 'btrfs-sector' },
  cowUnit: () => ({ bytes: 4096, label: '4 KiB data sector (metadata nodes 16 KiB)', confidence: 'derived', sources: ['S23', 'S39'] }),
  allocationUnit: () => 4096,
  whiteoutForm: 'deletion',
  changesMethod: 'naive',
  commitMethod: () => 'naive',
  sizeMethod: () => 'naive',
  pageCache: { shared: false, confidence: 'documented', sources: ['S23'] },
  limits: { layerStore: 125 },
  history: { added: 'v0.8.0 (experimental until v1.0.0)' },
  rules: {
    ...SNAPSHOT_RULES,
    'block-write': { confidence: 'derived', sources: ['S23', 'S39'], note: 'redirect-on-write: changed sectors get new 4 KiB blocks; a partly overwritten shared sector is read and rewritten' },
    'free-space': { confidence: 'documented', sources: ['S23'], note: 'space is reclaimed' },
  },
  buildLayout: buildBtrfsLayout,
};

function buildBtrfsLayout({ view, container }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'btrfs');
  const subvolumes: LayoutNode[] = ids.map((id, i) => dir(id, [], { contents: { kind: 'rootfs', layerIndex: i }, note: i === 0 ? 'subvolume create' : `snapshot of ${ids[i - 1]!}` }));
  const listing: LayoutNode[] = ids.map((id, i) => ({ name: `ID ${256 + i} path btrfs/subvolumes/${id}`, type: 'file', note: i === 0 ? 'parent uuid -' : `parent uuid = ID ${255 + i}` }));
  if (container) {
    subvolumes.push(dir(container.initId, [], { contents: { kind: 'rootfs', layerIndex: ids.length - 1, extraEntries: container.initEntries }, note: 'snapshot of the top image layer plus the init files' }));
    subvolumes.push(dir(container.mountId, renderChangedObjects(container), { note: 'snapshot of the init subvolume: the full rootfs; shown as the changed objects only' }));
    listing.push({ name: `ID ${256 + ids.length} path btrfs/subvolumes/${container.initId}`, type: 'file' }, { name: `ID ${257 + ids.length} path btrfs/subvolumes/${container.mountId}`, type: 'file' });
  }
  return {
    driver: 'btrfs',
    idsIllustrative: true,
    notes: ['subvolume names and ids are illustrative', 'every subvolume shows the full rootfs; whiteouts became real deletions when the layer was applied'],
    sections: [
      { title: '/var/lib/docker', root: dir('/var/lib/docker', [dir('btrfs', [dir('subvolumes', subvolumes)]), buildImageMetadata(view, 'btrfs', container), ...buildContainersDir(container)]) },
      { title: 'btrfs subvolume list /var/lib/docker', root: dir('subvolumes', listing) },
    ],
  };
}
