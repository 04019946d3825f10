// aufs model (moby daemon/graphdriver/aufs @ v23.0.0, aufs design docs; drivers.md §3.4): diff/ layers/ mnt/,
// `.wh.` whiteouts hardlinked to the branch's whiteout base, EXDEV for directory renames. Removed in v24.0.0. Pure.
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderAufsBranch } from './container-forms.ts';
import { dir, textFile, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { initNodes } from './overlay2.ts';
import { AUFS_RULES } from './rule-bases.ts';

export const aufsDriver: DriverModel = {
  name: 'aufs',
  title: 'aufs',
  semantics: { kind: 'union', implementation: 'aufs', lookup: 'per-layer' },
  cowUnit: () => ({ bytes: undefined, label: 'whole file', confidence: 'documented', sources: ['S21'] }),
  allocationUnit: () => 4096,
  whiteoutForm: 'aufs-wh-file',
  changesMethod: 'aufs',
  commitMethod: () => 'aufs-native',
  sizeMethod: () => 'diff-dir',
  pageCache: { shared: true, confidence: 'documented', sources: ['S21'] },
  limits: {
    layerStore: 125,
    driverDepth: { max: 127, containerAdds: 2, what: 'branches (CONFIG_AUFS_BRANCH_MAX_127)', confidence: 'documented', sources: ['S36'] },
  },
  history: { added: 'v0.7.0', deprecated: 'v19.03.0', removed: 'v24.0.0' },
  rules: AUFS_RULES,
  buildLayout: buildAufsLayout,
};

function buildAufsLayout({ view, container }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'aufs');
  const all = container ? [...ids, container.initId, container.mountId] : ids;
  const diff: LayoutNode[] = ids.map((id, i) => dir(id, [], { contents: { kind: 'changes', layerIndex: i, form: 'aufs-wh-file' } }));
  if (container) {
    diff.push(dir(container.initId, initNodes(container.initEntries)));
    diff.push(dir(container.mountId, renderAufsBranch(container), { note: 'the rw branch' }));
  }
  const layers = all.map((id, i) => textFile(id, all.slice(0, i).reverse().join('\n'), i === 0 ? 'base layer: no parents' : 'parent ids, nearest first'));
  const mnt = all.map((id) => dir(id, [], id === container?.mountId ? { note: 'union mount while running: br:<rw>=rw:<init>=ro+wh:<layers>=ro+wh,dio,xino=/dev/shm/aufs.xino' } : {}));
  return {
    driver: 'aufs',
    idsIllustrative: true,
    notes: ['cache-ids are illustrative (derived from the ChainID; Docker makes them at random)'],
    sections: [{
      title: '/var/lib/docker',
      root: dir('/var/lib/docker', [dir('aufs', [dir('diff', diff), dir('layers', layers), dir('mnt', mnt)]), buildImageMetadata(view, 'aufs', container), ...buildContainersDir(container)]),
    }],
  };
}
