// vfs model (moby daemon/graphdriver/vfs, docker docs; drivers.md §3.8): no copy-on-write; every layer, the init
// layer and the container are deep copies (reflinked since v17.12 where the fs can clone). Pure.
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderChangedObjects } from './container-forms.ts';
import { dir, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { VFS_RULES } from './rule-bases.ts';

export const vfsDriver: DriverModel = {
  name: 'vfs',
  title: 'vfs',
  semantics: { kind: 'copy' },
  cowUnit: (o) => (o.reflink
    ? { bytes: 4096, label: 'none at the driver; the reflinked copy shares 4 KiB extents', confidence: 'derived', sources: ['S10'] }
    : { bytes: undefined, label: 'none: full copy at layer creation', confidence: 'documented', sources: ['S25'] }),
  allocationUnit: () => 4096,
  whiteoutForm: 'deletion',
  changesMethod: 'naive',
  commitMethod: () => 'naive',
  sizeMethod: () => 'naive',
  pageCache: { shared: false, confidence: 'derived', sources: ['S25'], note: 'separate copies' },
  limits: { layerStore: 125 },
  history: { added: 'v0.7.0' },
  rules: VFS_RULES,
  buildLayout: buildVfsLayout,
};

function buildVfsLayout({ view, container }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'vfs');
  const dirs: LayoutNode[] = ids.map((id, i) => dir(id, [], { contents: { kind: 'rootfs', layerIndex: i }, note: i === 0 ? 'the tar applied into an empty dir' : 'deep copy of the parent, then the tar applied' }));
  if (container) {
    dirs.push(dir(container.initId, [], { contents: { kind: 'rootfs', layerIndex: ids.length - 1, extraEntries: container.initEntries }, note: 'deep copy of the top image layer plus the init files' }));
    dirs.push(dir(container.mountId, renderChangedObjects(container), { note: 'deep copy of the init layer: the full rootfs, shown as the changed objects only' }));
  }
  return {
    driver: 'vfs',
    idsIllustrative: true,
    notes: ['cache-ids are illustrative', 'no union mount: Get returns the directory (the docs\' "union mount" sentence does not match the code)'],
    sections: [{ title: '/var/lib/docker', root: dir('/var/lib/docker', [dir('vfs', [dir('dir', dirs)]), buildImageMetadata(view, 'vfs', container), ...buildContainersDir(container)]) }],
  };
}
