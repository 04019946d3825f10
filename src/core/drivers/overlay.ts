// Legacy overlay model (moby daemon/graphdriver/overlay @ v23.0.0; drivers.md §3.3): every image layer is a full
// root/ built from hardlinks of its parent, the container mounts exactly one lowerdir. Removed in v24.0.0. Pure.
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderOverlayUpper } from './container-forms.ts';
import { dir, textFile, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { initNodes } from './overlay2.ts';
import { OVERLAYFS_RULES } from './rule-bases.ts';

export const overlayDriver: DriverModel = {
  name: 'overlay',
  title: 'overlay (legacy)',
  semantics: { kind: 'union', implementation: 'overlayfs', lookup: 'single-lower' },
  cowUnit: () => ({ bytes: undefined, label: 'whole file', confidence: 'documented', sources: ['S20'] }),
  allocationUnit: () => 4096,
  whiteoutForm: 'char-device',
  changesMethod: 'naive',
  commitMethod: () => 'naive',
  sizeMethod: () => 'naive',
  pageCache: { shared: true, confidence: 'derived', sources: ['S5'], note: 'same inodes via hardlinks, same lower' },
  limits: { layerStore: 125 },
  history: { added: 'v1.4.0', deprecated: 'v19.03.0', removed: 'v24.0.0' },
  rules: {
    ...OVERLAYFS_RULES,
    lookup: { confidence: 'documented', sources: ['S5', 'S36'], note: 'exactly one lowerdir: the top image layer\'s root/, which holds the full rootfs' },
  },
  buildLayout: buildOverlayLayout,
};

function buildOverlayLayout({ view, container }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'overlay');
  const layers: LayoutNode[] = ids.map((id, i) =>
    dir(id, [dir('root', [], { contents: { kind: 'rootfs', layerIndex: i, hardlinkedFromParent: true } })], {
      note: i === 0 ? 'base layer: the tar applied into root/' : 'parent root/ hardlink-copied (files shared, directories re-created), then the tar applied with real deletes',
    }),
  );
  const top = ids[ids.length - 1] ?? '';
  if (container) {
    const init = initNodes(container.initEntries);
    layers.push(
      dir(container.initId, [dir('upper', init), dir('work'), textFile('lower-id', top)], { note: 'init layer: parent has root/, so upper + work + lower-id' }),
      dir(container.mountId, [
        dir('upper', mergeUpper(init, renderOverlayUpper(container)), { note: 'the parent (init) upper/ is copied in, then the container writes here' }),
        dir('work', [dir('work')]), dir('merged', [], { note: `mount: lowerdir=${top}/root (one lowerdir only)` }), textFile('lower-id', top),
      ]),
    );
  }
  return {
    driver: 'overlay',
    idsIllustrative: true,
    notes: [
      'cache-ids are illustrative (derived from the ChainID; Docker makes them at random)',
      'directory inodes multiply with depth: each layer\'s root/ re-creates every directory (derived)',
      'the legacy overlay docs print overlay2 paths in their examples; the code uses /var/lib/docker/overlay/<id> (drivers.md §5 disagreement 5)',
    ],
    sections: [{
      title: '/var/lib/docker',
      root: dir('/var/lib/docker', [dir('overlay', layers), buildImageMetadata(view, 'overlay', container), ...buildContainersDir(container)]),
    }],
  };
}

/** The container's upper/ = a copy of the init upper plus the container's own changes (changes win). */
function mergeUpper(init: readonly LayoutNode[], changes: readonly LayoutNode[]): LayoutNode[] {
  const out = new Map<string, LayoutNode>(init.map((n) => [n.name, n]));
  for (const c of changes) {
    const prev = out.get(c.name);
    out.set(c.name, prev && prev.type === 'dir' && c.type === 'dir' ? { ...c, children: mergeUpper(prev.children ?? [], c.children ?? []) } : c);
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

