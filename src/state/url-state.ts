// The shareable part of the view, read from and written to the query string (image, platform, layer, path, view,
// tree mode, diff filters, search, sort) so a reload or a shared link reproduces the view. Page side, pure functions.
import type { DiffKindName } from '../protocol/messages.ts';
import { DEFAULT_PAGE_URL_STATE, parsePageUrlState, writePageUrlState, type PageUrlState } from './page-url-state.ts';

export type ViewName = 'files' | 'whiteouts' | 'summary' | 'container';
export type TreeMode = 'merged' | 'layer';
export type SortName = 'name' | 'size';

/** The page (explore / compare / shared) and its own fields live in page-url-state.ts. */
export type UrlState = PageUrlState & {
  readonly image: string | null;
  readonly platform: string | null;
  readonly layer: number | null;
  readonly path: string | null;
  readonly view: ViewName;
  readonly mode: TreeMode;
  readonly kinds: readonly DiffKindName[];
  readonly search: string;
  readonly sort: SortName;
};

export const ALL_KINDS: readonly DiffKindName[] = ['added', 'modified', 'removed', 'unmodified'];
export const DEFAULT_URL_STATE: UrlState = { ...DEFAULT_PAGE_URL_STATE, image: null, platform: null, layer: null, path: null, view: 'files', mode: 'merged', kinds: ALL_KINDS, search: '', sort: 'name' };

const VIEWS: readonly ViewName[] = ['files', 'whiteouts', 'summary', 'container'];

/** Reads a query string ("?image=…&layer=2") into a full state; unknown or malformed values fall back to defaults. */
export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const layerText = q.get('layer');
  const layer = layerText !== null && /^\d+$/.test(layerText) ? Number(layerText) : null;
  const view = q.get('view');
  const kindsText = q.get('kinds');
  const kinds = kindsText === null ? ALL_KINDS : ALL_KINDS.filter((k) => kindsText.split(',').includes(k));
  return {
    ...parsePageUrlState(q),
    image: q.get('image') || null,
    platform: q.get('platform') || null,
    layer,
    path: q.get('path') || null,
    view: VIEWS.find((v) => v === view) ?? 'files',
    mode: q.get('mode') === 'layer' ? 'layer' : 'merged',
    kinds,
    search: q.get('q') ?? '',
    sort: q.get('sort') === 'size' ? 'size' : 'name',
  };
}

/** The query string for a state; defaults are left out so links stay short. */
export function formatUrlState(s: UrlState): string {
  const q = new URLSearchParams();
  if (s.image !== null) q.set('image', s.image);
  if (s.platform !== null) q.set('platform', s.platform);
  if (s.layer !== null) q.set('layer', String(s.layer));
  if (s.path !== null) q.set('path', s.path);
  if (s.view !== 'files') q.set('view', s.view);
  if (s.mode !== 'merged') q.set('mode', s.mode);
  if (s.kinds.length !== ALL_KINDS.length) q.set('kinds', s.kinds.join(','));
  if (s.search !== '') q.set('q', s.search);
  if (s.sort !== 'name') q.set('sort', s.sort);
  writePageUrlState(q, s);
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/** Every ancestor directory of a path ("/a/b/c" → ["/a", "/a/b"]). */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}
