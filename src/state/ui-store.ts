// useUiStore: UI-only, serialisable state (selected layer and path, expanded directories, tree mode, filters, sort,
// active view, viewer). The shareable subset mirrors the URL (url-sync.ts). Page side (zustand).
import { create } from 'zustand';
import type { DiffKindName } from '../protocol/messages.ts';
import { ancestorsOf, DEFAULT_URL_STATE, type SortName, type TreeMode, type UrlState, type ViewName } from './url-state.ts';

export type UiState = UrlState & {
  /** expanded directory paths of the Files tree */
  readonly expanded: readonly string[];
  /** a path the tree should scroll to and focus once its rows are loaded */
  readonly revealRequest: string | null;
  readonly viewerOpen: boolean;
};

export type UiActions = {
  replaceUrlState(s: UrlState): void;
  setImage(image: string | null, platform: string | null): void;
  setPlatform(platform: string | null): void;
  selectLayer(layer: number): void;
  setMode(mode: TreeMode): void;
  toggleKind(kind: DiffKindName): void;
  setSearch(search: string): void;
  setSort(sort: SortName): void;
  setView(view: ViewName): void;
  selectPath(path: string | null): void;
  setExpanded(path: string, expanded: boolean): void;
  revealPath(path: string, layer: number | null): void;
  revealDone(): void;
  setViewerOpen(open: boolean): void;
};

export const useUiStore = create<UiState & UiActions>()((set) => ({
  ...DEFAULT_URL_STATE,
  expanded: [],
  revealRequest: null,
  viewerOpen: false,
  replaceUrlState: (s) => set({ ...s, expanded: s.path !== null ? ancestorsOf(s.path) : [], revealRequest: s.path, viewerOpen: false }),
  setImage: (image, platform) => set({ ...DEFAULT_URL_STATE, image, platform, expanded: [], revealRequest: null, viewerOpen: false }),
  setPlatform: (platform) => set({ platform, layer: null, path: null, expanded: [], viewerOpen: false }),
  selectLayer: (layer) => set({ layer }),
  setMode: (mode) => set({ mode }),
  toggleKind: (kind) => set((s) => ({ kinds: s.kinds.includes(kind) ? s.kinds.filter((k) => k !== kind) : [...s.kinds, kind] })),
  setSearch: (search) => set({ search }),
  setSort: (sort) => set({ sort }),
  setView: (view) => set({ view }),
  selectPath: (path) => set({ path }),
  setExpanded: (path, expanded) => set((s) => ({
    expanded: expanded ? (s.expanded.includes(path) ? s.expanded : [...s.expanded, path]) : s.expanded.filter((p) => p !== path && !p.startsWith(`${path}/`)),
  })),
  revealPath: (path, layer) => set((s) => ({
    path, view: 'files', revealRequest: path, layer: layer ?? s.layer, mode: 'merged', search: '', kinds: DEFAULT_URL_STATE.kinds,
    expanded: [...new Set([...s.expanded, ...ancestorsOf(path)])],
  })),
  revealDone: () => set({ revealRequest: null }),
  setViewerOpen: (viewerOpen) => set({ viewerOpen }),
}));

/** The shareable subset of the store. */
export function selectUrlState(s: UiState): UrlState {
  return { page: s.page, compare: s.compare, shared: s.shared, image: s.image, platform: s.platform, layer: s.layer, path: s.path, view: s.view, mode: s.mode, kinds: s.kinds, search: s.search, sort: s.sort };
}
