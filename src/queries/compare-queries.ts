// Windows of a comparison between two open images, and manifest+config descriptions of images (no layer is read)
// for the Shared-layers matrix; both answered by the analysis worker. Page side (react-query).
import { queryOptions } from '@tanstack/react-query';
import type { CompareFilter } from '../protocol/messages.ts';
import { credentialsFor } from '../state/credentials-store.ts';
import { splitReference } from '../state/image-reference.ts';
import { toSpec } from '../state/image-session.ts';
import { getAnalysisClient } from '../worker-client/worker-bridge.ts';
import { queryKeys } from './query-keys.ts';

export const DIFF_PAGE = 100;

/** Image ids are never reused, so an answer for a pair never goes stale. */
export function compareQueryOptions(imageIdA: string, imageIdB: string, filter: CompareFilter, start: number, count: number) {
  return queryOptions({
    queryKey: queryKeys.compare(imageIdA, imageIdB, filter, start, count),
    queryFn: ({ signal }) => getAnalysisClient().compare(imageIdA, imageIdB, filter, start, count, signal),
    staleTime: Infinity,
    gcTime: 30_000,
    retry: false,
  });
}

export function describeQueryOptions(reference: string, platform: string | null) {
  const parts = splitReference(reference);
  const withCredentials = parts.ok && credentialsFor(parts.value.registry) !== undefined;
  return queryOptions({
    queryKey: queryKeys.describe(reference, platform, withCredentials),
    queryFn: ({ signal }) => getAnalysisClient().describe(toSpec({ kind: 'registry', reference, platform }), signal),
    // A tag may move: a minute, like the tag list it came from.
    staleTime: 60_000,
    retry: false,
  });
}
