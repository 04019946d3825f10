// The images of the Shared-layers page — every tag of a repository (from its tag list) or typed references, each
// optionally with a platform — described through the worker (manifest and config only, no layer download), and the
// sharing matrix computed from them. Page side.
import { useQueries, useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { computeLayerSharing, type SharingImage } from '../../core/oci/layer-sharing.ts';
import { describeQueryOptions } from '../../queries/compare-queries.ts';
import { tagsQueryOptions } from '../../queries/registry-listing.ts';
import { describeFailure, type Failure } from '../../state/failure.ts';
import { splitReference } from '../../state/image-reference.ts';
import { useUiStore } from '../../state/ui-store.ts';

export const MAX_TAGS = 40;

export type SharedEntry = { readonly reference: string; readonly platform: string | null };

/** "reference [platform]" lines; blank lines are skipped. */
export function parseEntryLines(lines: readonly string[]): SharedEntry[] {
  return lines.map((l) => l.trim().split(/\s+/)).filter((p) => p[0] !== undefined && p[0] !== '').map((p) => ({ reference: p[0]!, platform: p[1] ?? null }));
}

export function useSharedLayers() {
  const shared = useUiStore((s) => s.shared);
  const repoParts = shared.repo !== null ? splitReference(`${shared.repo}:latest`) : null;
  const host = repoParts?.ok ? repoParts.value.registry : '';
  const repository = repoParts?.ok ? repoParts.value.repository : '';
  const tags = useQuery({ ...tagsQueryOptions(host, repository), enabled: shared.repo !== null && host !== '' });
  const allTags = tags.data?.items ?? [];
  const entries = useMemo(
    () => (shared.repo !== null ? allTags.slice(0, MAX_TAGS).map((t) => ({ reference: `${shared.repo}:${t}`, platform: null })) : parseEntryLines(shared.refs)),
    [shared.repo, shared.refs, allTags],
  );
  const results = useQueries({ queries: entries.map((e) => describeQueryOptions(e.reference, e.platform)) });
  // A few dozen images at most: recomputed on each render, no memo needed.
  const images: SharingImage[] = results.flatMap((r, i) => {
    const info = r.data;
    const entry = entries[i]!;
    if (info === undefined) return [];
    const name = `${entry.reference}${info.platforms.length > 1 || entry.platform !== null ? ` (${info.platform})` : ''}`;
    return [{ name, layers: info.layers.map((l) => ({ digest: l.digest ?? `${info.imageId}:${l.index}`, diffId: l.diffId, size: l.size ?? 0 })) }];
  });
  const sharing = computeLayerSharing(images);
  const failures: { reference: string; failure: Failure }[] = results.flatMap((r, i) => (r.error !== null ? [{ reference: entries[i]!.reference, failure: describeFailure(r.error) }] : []));
  return {
    mode: shared.repo !== null ? 'repository' as const : 'list' as const,
    entries, sharing, failures,
    tagsFailure: tags.error !== null ? describeFailure(tags.error, host) : null,
    truncatedTags: allTags.length > MAX_TAGS ? allTags.length : 0,
    loading: tags.isFetching || results.some((r) => r.isFetching),
    pending: results.filter((r) => r.data === undefined && r.error === null).length,
  };
}
