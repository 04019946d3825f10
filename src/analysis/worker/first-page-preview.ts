// The first page of the Files tree's default view (merged, top layer, nothing expanded or filtered), stored beside
// an image's stacked tree: a cached reopen answers that page from this small record while the tree (tens of MB at
// 1M entries) and the layer indexes are still being read from IndexedDB. Worker side.
import type { TreeView } from '../../protocol/messages.ts';
import { DIFF_CODES } from './flatten-view.ts';
import type { RowsAnswer } from './tree-views.ts';

/** Rows kept: a little more than the page's first window (ROW_PAGE = 100 rows per request). */
export const PREVIEW_ROWS = 200;
const VERSION = 1;

export type FirstPagePreview = { readonly v: 1; readonly layer: number; readonly answer: RowsAnswer };

/** The view a preview answers for `layer`: what the app first asks for when it opens an image. */
export function previewView(layer: number): TreeView {
  return { mode: 'merged', layer, expanded: [], kinds: [], search: '', sort: 'name' };
}

export function createPreview(layer: number, answer: RowsAnswer): FirstPagePreview {
  return { v: VERSION, layer, answer: { ...answer, start: 0, rows: answer.rows.slice(0, PREVIEW_ROWS) } };
}

/** A stored record read back, or undefined when it is not a preview of this version (never trusted as is). */
export function readPreview(value: unknown, layerCount: number): FirstPagePreview | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Partial<FirstPagePreview>;
  const a = p.answer as Partial<RowsAnswer> | undefined;
  if (p.v !== VERSION || !Number.isInteger(p.layer) || p.layer! < 0 || p.layer! >= layerCount || typeof a !== 'object' || a === null) return undefined;
  if (!Array.isArray(a.rows) || a.rows.length > PREVIEW_ROWS || !Number.isSafeInteger(a.total) || a.total! < a.rows.length || a.start !== 0) return undefined;
  if (a.partial !== false || a.asOfLayer !== p.layer || a.loading !== undefined) return undefined;
  if (!a.rows.every((r: unknown) => typeof r === 'object' && r !== null && typeof (r as { path?: unknown }).path === 'string')) return undefined;
  return p as FirstPagePreview;
}

/** The preview's answer to a rows request, when it is the previewed view's first page (else undefined). */
export function answerFromPreview(preview: FirstPagePreview, view: TreeView, start: number, count: number): RowsAnswer | undefined {
  const kinds = new Set(view.kinds.map((k) => DIFF_CODES[k]).filter((c) => c !== undefined));
  const unfiltered = kinds.size === 0 || kinds.size === 4;
  if (view.mode !== 'merged' || view.layer !== preview.layer || view.expanded.length > 0 || !unfiltered || view.search !== '' || view.sort !== 'name') return undefined;
  const a = preview.answer;
  if (start !== 0 || !Number.isInteger(count) || count < 0 || (count > a.rows.length && a.total > a.rows.length)) return undefined;
  return { ...a, rows: a.rows.slice(0, count) };
}
