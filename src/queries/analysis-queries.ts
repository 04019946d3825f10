// Tree rows, file contents and whiteout listings asked from the analysis worker, one query per window or file.
// Results are keyed by image id, view and the session epoch (which moves while layers stream in). Page side.
import { queryOptions } from '@tanstack/react-query';
import type { TreeView } from '../protocol/messages.ts';
import { getAnalysisClient } from '../worker-client/worker-bridge.ts';
import { queryKeys } from './query-keys.ts';

export const ROW_PAGE = 100;

export function rowsQueryOptions(imageId: string, view: TreeView, start: number, count: number, epoch: number) {
  return queryOptions({
    queryKey: queryKeys.rows(imageId, view, start, count, epoch),
    queryFn: ({ signal }) => getAnalysisClient().rows(imageId, view, start, count, signal),
    staleTime: Infinity,
    gcTime: 30_000,
    retry: false,
  });
}

export function fileQueryOptions(imageId: string, path: string, layer: number, maxBytes: number) {
  return queryOptions({
    queryKey: queryKeys.file(imageId, path, layer, maxBytes),
    queryFn: ({ signal }) => getAnalysisClient().file(imageId, path, layer, maxBytes, signal),
    staleTime: Infinity,
    gcTime: 15_000,
    retry: false,
  });
}

export function whiteoutsQueryOptions(imageId: string, layer: number, epoch: number) {
  return queryOptions({
    queryKey: queryKeys.whiteouts(imageId, layer, epoch),
    queryFn: ({ signal }) => getAnalysisClient().whiteouts(imageId, layer, signal),
    staleTime: Infinity,
    retry: false,
  });
}

/** Empties the IndexedDB cache of parsed layer indexes (the next open downloads every layer again). */
export function clearLayerCache(): Promise<void> {
  return getAnalysisClient().clearCache();
}
