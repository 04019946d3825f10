// The graphdriver-independent metadata under /var/lib/docker/image/<driver>/layerdb (moby layer_store.go,
// filestore.go; drivers.md §2.2): one dir per ChainID with diff, size, cache-id, parent, tar-split; mounts/. Pure.
import type { LowerView } from '../cow/lower-view.ts';
import type { ContainerDelta } from '../cow/container-delta.ts';
import { digestHex } from '../oci/digest.ts';
import { deriveCacheId } from './layer-ids.ts';
import { dir, textFile, type LayoutNode } from './layout-tree.ts';

/** cache-id of every image layer for this driver (illustrative, derived from the ChainID). */
export function cacheIdsOf(view: LowerView, driver: string): string[] {
  return view.layers.map((l) => deriveCacheId(l.chainId, driver));
}

export function buildImageMetadata(view: LowerView, driver: string, container: ContainerDelta | undefined): LayoutNode {
  const cacheIds = cacheIdsOf(view, driver);
  const layers = view.layers.map((l, i) =>
    dir(digestHex(l.chainId), [
      textFile('cache-id', cacheIds[i]!),
      textFile('diff', l.diffId),
      ...(i > 0 ? [textFile('parent', view.layers[i - 1]!.chainId)] : []),
      textFile('size', String(l.size)),
      { name: 'tar-split.json.gz', type: 'file' as const, note: 'original tar headers and padding, so the exact tar (and its DiffID) can be rebuilt' },
    ]),
  );
  const top = view.layers[view.layers.length - 1];
  const mounts = container && top
    ? [dir('mounts', [dir(container.containerId, [textFile('init-id', container.initId), textFile('mount-id', container.mountId), textFile('parent', top.chainId)])])]
    : [];
  return dir('image', [dir(driver, [dir('layerdb', [...mounts, dir('sha256', layers), dir('tmp')])])]);
}

/** containers/<id>/ with the files Docker bind-mounts over /etc (container_unix.go). */
export function buildContainersDir(container: ContainerDelta | undefined): LayoutNode[] {
  if (!container) return [];
  return [dir('containers', [dir(container.containerId, [
    { name: 'config.v2.json', type: 'file' }, { name: 'hostconfig.json', type: 'file' },
    { name: 'hostname', type: 'file', note: 'bind-mounted at /etc/hostname' }, { name: 'hosts', type: 'file', note: 'bind-mounted at /etc/hosts' },
    { name: 'resolv.conf', type: 'file', note: 'bind-mounted at /etc/resolv.conf' },
  ])])];
}
