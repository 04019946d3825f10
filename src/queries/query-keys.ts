// The react-query key factory: one place that names every cached async result. Digest- or image-keyed results
// never go stale; registry listings are refetched on demand. Page side.
import type { CompareFilter, TreeView } from '../protocol/messages.ts';

export const queryKeys = {
  registry: (host: string) => ['registry', host] as const,
  catalog: (host: string, withCredentials: boolean) => ['registry', host, 'catalog', withCredentials] as const,
  tags: (host: string, repository: string, withCredentials: boolean) => ['registry', host, 'tags', repository, withCredentials] as const,
  image: (imageId: string) => ['image', imageId] as const,
  rows: (imageId: string, view: TreeView, start: number, count: number, epoch: number) => ['image', imageId, 'rows', view, start, count, epoch] as const,
  file: (imageId: string, path: string, layer: number, maxBytes: number) => ['image', imageId, 'file', path, layer, maxBytes] as const,
  whiteouts: (imageId: string, layer: number, epoch: number) => ['image', imageId, 'whiteouts', layer, epoch] as const,
  compare: (imageIdA: string, imageIdB: string, filter: CompareFilter, start: number, count: number) => ['image', imageIdA, 'compare', imageIdB, filter, start, count] as const,
  describe: (reference: string, platform: string | null, withCredentials: boolean) => ['describe', reference, platform, withCredentials] as const,
  serverConfig: () => ['server', 'config'] as const,
};
