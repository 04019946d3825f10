// Actions of the Compare and Shared-layers pages on useUiStore (their fields mirror the URL through url-sync.ts).
// Kept apart from ui-store.ts so the explorer's actions stay small. Page side (zustand).
import type { ChangeKindName } from '../protocol/messages.ts';
import type { CompareSideName, PageName, SharedUrlState } from './page-url-state.ts';
import { useUiStore } from './ui-store.ts';

export function setPage(page: PageName): void {
  useUiStore.setState({ page });
}

/** Names the registry image (and platform) of one side; null forgets it (a local archive has no URL). */
export function setCompareSide(side: CompareSideName, reference: string | null, platform: string | null): void {
  useUiStore.setState((s) => ({ compare: { ...s.compare, ...(side === 'a' ? { a: reference, pa: platform } : { b: reference, pb: platform }) } }));
}

export function swapCompareSides(): void {
  useUiStore.setState((s) => ({ compare: { ...s.compare, a: s.compare.b, pa: s.compare.pb, b: s.compare.a, pb: s.compare.pa } }));
}

export function toggleCompareKind(kind: ChangeKindName): void {
  useUiStore.setState((s) => {
    const kinds = s.compare.kinds.includes(kind) ? s.compare.kinds.filter((k) => k !== kind) : [...s.compare.kinds, kind];
    return { compare: { ...s.compare, kinds } };
  });
}

export function setCompareSearch(search: string): void {
  useUiStore.setState((s) => ({ compare: { ...s.compare, search } }));
}

export function setSharedImages(shared: SharedUrlState): void {
  useUiStore.setState({ shared });
}
