// zfs model (moby daemon/graphdriver/zfs, docker docs, OpenZFS recordsize; drivers.md §3.7): a dataset per layer,
// each a clone of a snapshot of its parent; writes rewrite whole records (128 KiB). Pure.
import { sha256Hex } from '../hash/sha256.ts';
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderChangedObjects } from './container-forms.ts';
import { dir, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { SNAPSHOT_RULES } from './rule-bases.ts';

export const zfsDriver: DriverModel = {
  name: 'zfs',
  title: 'zfs',
  semantics: { kind: 'snapshot', unit: 'zfs-record' },
  cowUnit: () => ({ bytes: 128 * 1024, label: '128 KiB record (recordsize; smaller files are one block of their own size)', confidence: 'documented', sources: ['S24', 'S40'] }),
  allocationUnit: () => 128 * 1024,
  whiteoutForm: 'deletion',
  changesMethod: 'naive',
  commitMethod: () => 'naive',
  sizeMethod: () => 'naive',
  pageCache: { shared: true, confidence: 'documented', sources: ['S24'], note: 'one cached copy of a block in the ARC, shared by the clones' },
  limits: { layerStore: 125 },
  history: { added: 'v1.7.0' },
  rules: {
    ...SNAPSHOT_RULES,
    'block-write': { confidence: 'documented', sources: ['S24', 'S40'], note: 'each changed record is written as a new block; a partial overwrite reads, modifies and rewrites the whole record' },
    'free-space': { confidence: 'documented', sources: ['S24'], note: 'space is reclaimed' },
  },
  buildLayout: buildZfsLayout,
};

/** Docker names the snapshot after time.Now().Nanosecond(); this one is derived from the id (illustrative). */
const snapName = (id: string): string => String(parseInt(sha256Hex(`snap ${id}`).slice(0, 8), 16) % 1_000_000_000);

function buildZfsLayout({ view, container }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'zfs');
  const all = container ? [...ids, container.initId, container.mountId] : ids;
  const fs = 'tank/docker';
  const datasets: LayoutNode[] = all.map((id, i): LayoutNode => ({
    name: `${fs}/${id}`, type: 'dir', note: i === 0 ? 'zfs create; mountpoint=legacy' : `clone of ${fs}/${all[i - 1]!}@${snapName(all[i - 1]!)} (snapshot destroyed with deferred deletion)`,
  }));
  const graph = container ? [dir(container.mountId, renderChangedObjects(container), { note: 'mounted while the container runs: the full rootfs, shown as the changed objects only' })] : [];
  return {
    driver: 'zfs',
    idsIllustrative: true,
    notes: ['dataset names and snapshot names are illustrative', 'each dataset is a full filesystem; whiteouts became real deletions'],
    sections: [
      { title: '/var/lib/docker', root: dir('/var/lib/docker', [dir('zfs', [dir('graph', graph, { note: 'datasets are mounted here only while in use' })]), buildImageMetadata(view, 'zfs', container), ...buildContainersDir(container)]) },
      { title: 'zfs list -t all -o name,origin', root: dir(fs, datasets) },
    ],
  };
}
