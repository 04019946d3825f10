// The shareable state of the Compare and Shared-layers pages, read from and written to the query string next to the
// explorer's (page, both references and platforms, change-kind filter and search; a repository or reference list).
// Page side, pure functions.
import type { ChangeKindName } from '../protocol/messages.ts';

export type PageName = 'explore' | 'compare' | 'shared';
export type CompareSideName = 'a' | 'b';

export type CompareUrlState = {
  readonly a: string | null;
  readonly pa: string | null;
  readonly b: string | null;
  readonly pb: string | null;
  /** change kinds shown in the file diff (all three = no filter) */
  readonly kinds: readonly ChangeKindName[];
  readonly search: string;
};

export type SharedUrlState = {
  /** full repository name (host/path) whose every tag is compared */
  readonly repo: string | null;
  /** full references, each optionally followed by a space and a platform */
  readonly refs: readonly string[];
};

export type PageUrlState = { readonly page: PageName; readonly compare: CompareUrlState; readonly shared: SharedUrlState };

export const CHANGE_KINDS: readonly ChangeKindName[] = ['added', 'removed', 'modified'];
export const DEFAULT_PAGE_URL_STATE: PageUrlState = {
  page: 'explore',
  compare: { a: null, pa: null, b: null, pb: null, kinds: CHANGE_KINDS, search: '' },
  shared: { repo: null, refs: [] },
};

const PAGES: readonly PageName[] = ['explore', 'compare', 'shared'];

export function parsePageUrlState(q: URLSearchParams): PageUrlState {
  const kindsText = q.get('ck');
  return {
    page: PAGES.find((p) => p === q.get('page')) ?? 'explore',
    compare: {
      a: q.get('a') || null, pa: q.get('pa') || null, b: q.get('b') || null, pb: q.get('pb') || null,
      kinds: kindsText === null ? CHANGE_KINDS : CHANGE_KINDS.filter((k) => kindsText.split(',').includes(k)),
      search: q.get('cq') ?? '',
    },
    shared: { repo: q.get('repo') || null, refs: q.getAll('ref').filter((r) => r.trim() !== '') },
  };
}

/** Adds the non-default parts of `s` to `q`. */
export function writePageUrlState(q: URLSearchParams, s: PageUrlState): void {
  if (s.page !== 'explore') q.set('page', s.page);
  const c = s.compare;
  for (const [key, value] of [['a', c.a], ['pa', c.pa], ['b', c.b], ['pb', c.pb]] as const) if (value !== null) q.set(key, value);
  if (c.kinds.length !== CHANGE_KINDS.length) q.set('ck', c.kinds.join(','));
  if (c.search !== '') q.set('cq', c.search);
  if (s.shared.repo !== null) q.set('repo', s.shared.repo);
  for (const r of s.shared.refs) q.append('ref', r);
}
