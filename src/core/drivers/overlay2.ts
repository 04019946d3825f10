// overlay2 model (moby daemon/graphdriver/overlay2; drivers.md §3.1, §3.2): per-layer diff dirs, `l/` short links,
// `lower` chains, char-device whiteouts, native diff unless redirect_dir is on. Pure.
import type { LayerEntry } from '../cow/lower-view.ts';
import type { ContainerDelta } from '../cow/container-delta.ts';
import type { DriverModel, LayoutInput } from './driver-model.ts';
import { deriveLinkId } from './layer-ids.ts';
import { buildContainersDir, buildImageMetadata, cacheIdsOf } from './layerdb.ts';
import { renderOverlayUpper } from './container-forms.ts';
import { dir, nodesFromPaths, textFile, type DriverLayout, type LayoutNode } from './layout-tree.ts';
import { OVERLAYFS_RULES } from './rule-bases.ts';

export const overlay2Driver: DriverModel = {
  name: 'overlay2',
  title: 'overlay2',
  semantics: { kind: 'union', implementation: 'overlayfs', lookup: 'per-layer' },
  cowUnit: (o) => ({
    bytes: undefined, label: o.metacopy ? 'whole file (metadata only for chmod/chown: metacopy=on)' : 'whole file',
    confidence: 'documented', sources: ['S20', 'S29'],
  }),
  allocationUnit: () => 4096,
  whiteoutForm: 'char-device',
  changesMethod: 'naive',
  commitMethod: (o) => (o.redirectDir ? 'naive' : 'overlay-native'),
  sizeMethod: (o) => (o.redirectDir ? 'naive' : 'diff-dir'),
  pageCache: { shared: true, confidence: 'documented', sources: ['S20'], note: 'containers read the same lower inodes' },
  limits: {
    layerStore: 125,
    driverDepth: { max: 128, containerAdds: 1, what: 'entries in a layer\'s lower file ("max depth exceeded"); the kernel allows 500 (OVL_MAX_STACK)', confidence: 'documented', sources: ['S1', 'S32'] },
  },
  history: { added: 'v1.12.0 (in the priority list from v1.13.0)' },
  rules: OVERLAYFS_RULES,
  buildLayout: buildOverlay2Layout,
};

/** Entries of an init layer as flat layout nodes. */
export function initNodes(entries: readonly LayerEntry[]): LayoutNode[] {
  return nodesFromPaths(entries.map((e) => ({
    path: e.path,
    node: e.type === 'symlink' ? { type: 'symlink', target: e.linkTarget ?? '' } : e.type === 'dir' ? { type: 'dir', mode: e.mode } : { type: 'file', size: e.size, mode: e.mode },
  })));
}

function buildOverlay2Layout({ view, container }: LayoutInput): DriverLayout {
  const ids = cacheIdsOf(view, 'overlay2');
  const links = ids.map(deriveLinkId);
  const n = ids.length;
  const lowerOf = (i: number): string => links.slice(0, i).reverse().map((l) => `l/${l}`).join(':');
  const layers: LayoutNode[] = ids.map((id, i) =>
    dir(id, [
      dir('diff', [], { contents: { kind: 'changes', layerIndex: i, form: 'char-device' } }),
      textFile('link', links[i]!),
      ...(i > 0 ? [textFile('lower', lowerOf(i)), dir('work')] : []),
      ...(i < n - 1 || container ? [{ name: 'committed', type: 'file' as const, size: 0, note: 'written when a child layer is created (v20.10+)' }] : []),
    ], i === 0 ? { note: 'base layer: no lower, no work; mounting it returns diff/ directly' } : {}),
  );
  const shortLinks: LayoutNode[] = ids.map((id, i) => ({ name: links[i]!, type: 'symlink', target: `../${id}/diff` }));
  if (container) layers.push(...containerDirs(container, links, lowerOf(n)));
  if (container) shortLinks.push(...containerLinks(container));
  const notes = [
    'cache-ids and l/ names are illustrative: Docker makes them at random; here they are derived from the ChainID',
    'merged/ exists only while the layer is mounted; Docker docs show it on every layer (drivers.md §5 disagreement 8)',
  ];
  return {
    driver: 'overlay2',
    idsIllustrative: true,
    notes,
    sections: [{
      title: '/var/lib/docker',
      root: dir('/var/lib/docker', [
        dir('overlay2', [dir('l', shortLinks.sort((a, b) => (a.name < b.name ? -1 : 1))), ...layers]),
        buildImageMetadata(view, 'overlay2', container),
        ...buildContainersDir(container),
      ]),
    }],
  };
}

function containerLinks(c: ContainerDelta): LayoutNode[] {
  return [
    { name: deriveLinkId(c.initId), type: 'symlink', target: `../${c.initId}/diff` },
    { name: deriveLinkId(c.mountId), type: 'symlink', target: `../${c.mountId}/diff` },
  ];
}

function containerDirs(c: ContainerDelta, _links: readonly string[], imageLower: string): LayoutNode[] {
  const initLink = deriveLinkId(c.initId);
  return [
    dir(c.initId, [
      dir('diff', initNodes(c.initEntries)), textFile('link', initLink), textFile('lower', imageLower), dir('work'),
      { name: 'committed', type: 'file', size: 0 },
    ], { note: 'init layer: /.dockerenv, /etc/hosts … and /dev, /proc, /sys mount points' }),
    dir(c.mountId, [
      dir('diff', renderOverlayUpper(c), { note: 'upperdir: the container layer' }),
      textFile('link', deriveLinkId(c.mountId)),
      textFile('lower', `l/${initLink}${imageLower ? `:${imageLower}` : ''}`),
      dir('merged', [], { note: 'the container\'s rootfs (overlay mount) while it runs' }),
      dir('work', [dir('work')], { note: 'overlay workdir (must be empty, same fs as upper)' }),
    ]),
  ];
}
