// devicemapper model (moby daemon/graphdriver/devmapper @ v24.0.0, docker docs; drivers.md §3.5): every layer is a
// dm-thin snapshot of its parent; 64 KiB chunks (loop-lvm) or 512 KiB (direct-lvm). Removed in v25.0.0. Pure.
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderChangedObjects } from './container-forms.ts';
import { dir, textFile, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { SNAPSHOT_RULES } from './rule-bases.ts';

const KIB = 1024;
const BASE_SIZE = 10 * 1024 ** 3;

export const devicemapperDriver: DriverModel = {
  name: 'devicemapper',
  title: 'devicemapper',
  semantics: { kind: 'snapshot', unit: 'thin-chunk' },
  cowUnit: (o) => ({
    bytes: o.lvm === 'direct' ? 512 * KIB : 64 * KIB,
    label: o.lvm === 'direct' ? '512 KiB thin-pool chunk (direct-lvm, lvconvert -c 512K)' : '64 KiB thin-pool chunk (loop-lvm default)',
    confidence: 'documented', sources: ['S7', 'S22', 'S35'],
  }),
  allocationUnit: (o) => (o.lvm === 'direct' ? 512 * KIB : 64 * KIB),
  whiteoutForm: 'deletion',
  changesMethod: 'naive',
  commitMethod: () => 'naive',
  sizeMethod: () => 'naive',
  pageCache: { shared: false, confidence: 'documented', sources: ['S22'], note: 'each container loads its own copy of the files' },
  limits: { layerStore: 125, driverDepth: { max: 2 ** 24, containerAdds: 2, what: 'thin device ids (24-bit); snapshot depth itself is arbitrary', confidence: 'documented', sources: ['S7', 'S35'] } },
  history: { added: 'v0.7.0', deprecated: 'v19.03.0', removed: 'v25.0.0' },
  rules: {
    ...SNAPSHOT_RULES,
    'block-write': { confidence: 'derived', sources: ['S22', 'S35'], note: 'each touched chunk still shared with the parent is copied whole; new chunks are provisioned on demand' },
    'free-space': { confidence: 'documented', sources: ['S22'], note: 'freed blocks return to the pool with direct-lvm; with loop-lvm they "may not be freed"' },
  },
  buildLayout: buildDevicemapperLayout,
};

function deviceJson(id: number, transaction: number): string {
  return JSON.stringify({ device_id: id, size: BASE_SIZE, transaction_id: transaction, initialized: false, deleted: false });
}

function buildDevicemapperLayout({ view, container, options }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'devicemapper');
  const all = container ? [...ids, container.initId, container.mountId] : ids;
  const prefix = 'docker-8:1-1234';
  const metadata: LayoutNode[] = [
    textFile('base', deviceJson(1, 1)), { name: 'deviceset-metadata', type: 'file' }, { name: 'transaction-metadata', type: 'file' },
    ...all.map((id, i) => textFile(id, deviceJson(i + 2, i + 2))),
  ];
  const loop = options.lvm === 'loop'
    ? [dir('devicemapper', [
      { name: 'data', type: 'file' as const, size: 100 * 1024 ** 3, note: 'sparse loop file (100 GiB); docs print /var/lib/docker/devicemapper/data (drivers.md §5 disagreement 3)' },
      { name: 'metadata', type: 'file' as const, size: 2 * 1024 ** 3, note: 'sparse loop file (2 GiB)' },
    ])]
    : [];
  const mnt = container
    ? [dir('mnt', [dir(container.mountId, [dir('rootfs', renderChangedObjects(container), { note: 'the container\'s thin device (ext4/xfs): the whole image, shown here as the changed objects only' }), textFile('id', container.mountId)])])]
    : [dir('mnt')];
  const pool = options.lvm === 'direct' ? 'docker-thinpool' : `${prefix}-pool`;
  const devices: LayoutNode[] = [
    { name: pool, type: 'block', note: options.lvm === 'direct' ? 'LVM thin pool, 512 KiB chunks, --zero n' : 'thin pool over the loop files, 64 KiB chunks, skip_block_zeroing' },
    { name: `${prefix}-base`, type: 'block', note: 'base device: 10 GiB, xfs (or ext4); the maximum size of any container' },
    ...all.map((id, i): LayoutNode => ({ name: `${prefix}-${id}`, type: 'block', note: `thin snapshot of ${i === 0 ? `${prefix}-base` : `${prefix}-${all[i - 1]!}`}` })),
  ];
  return {
    driver: 'devicemapper',
    idsIllustrative: true,
    notes: ['device names, ids and cache-ids are illustrative', 'each layer is a complete filesystem on its own thin device; whiteouts are real deletions'],
    sections: [
      { title: '/var/lib/docker', root: dir('/var/lib/docker', [dir('devicemapper', [...loop, dir('metadata', metadata), ...mnt]), buildImageMetadata(view, 'devicemapper', container), ...buildContainersDir(container)]) },
      { title: 'thin devices (dmsetup ls)', root: dir('/dev/mapper', devices) },
    ],
  };
}
