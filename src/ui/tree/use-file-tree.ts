// State of the virtualized Files tree: viewport measurement, the visible window of rows, the active (focused) row
// kept in step with the URL's path, and "reveal this path" requests from the summary. Page side.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { TreeRowOut } from '../../protocol/messages.ts';
import { rowsQueryOptions } from '../../queries/analysis-queries.ts';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { useVirtualViewport } from '../common/use-virtual-viewport.ts';
import { useTreeView } from './use-tree-view.ts';
import { useTreeWindow, type TreeWindow } from './use-tree-window.ts';

export const ROW_HEIGHT = 26;
const OVERSCAN = 10;
const REVEAL_PAGE = 500;

export function useFileTree() {
  const { imageId, view, epoch } = useTreeView();
  const { scrollRef, onScroll, first, last, visible } = useVirtualViewport(ROW_HEIGHT, OVERSCAN);
  const [active, setActive] = useState(0);
  const selectPath = useUiStore((s) => s.selectPath);
  const setViewerOpen = useUiStore((s) => s.setViewerOpen);

  const win = useTreeWindow(imageId, view, epoch, first, last);

  const scrollToIndex = useCallback((index: number) => {
    const el = scrollRef.current;
    if (el === null) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [scrollRef]);

  const rowAtRef = useRef(win.rowAt);
  rowAtRef.current = win.rowAt;
  const moveTo = useCallback((index: number, row?: TreeRowOut) => {
    setActive(index);
    scrollToIndex(index);
    const r = row ?? rowAtRef.current(index);
    if (r !== undefined) selectPath(r.path);
  }, [scrollToIndex, selectPath]);

  useReveal(imageId, epoch, moveTo);
  useKeepSelection(win, epoch, active, setActive, scrollRef);
  const activeRow = win.rowAt(Math.min(active, Math.max(0, win.total - 1)));

  return {
    scrollRef, onScroll,
    first, last: Math.min(last, win.total - 1), total: win.total, rowAt: win.rowAt, loading: win.loading, failure: win.failure,
    streaming: win.streaming,
    active, activeRow, moveTo, pageSize: Math.max(1, visible - 1),
    openFile: (row: TreeRowOut) => { selectPath(row.path); setViewerOpen(true); },
    view, imageId,
  };
}

/**
 * While a layer streams, refreshed rows can insert entries above the selected one: follow the selected path to its
 * new index and scroll by the same number of rows, so the selection and what is on screen stay put.
 */
function useKeepSelection(win: TreeWindow, epoch: number, active: number, setActive: (i: number) => void, scrollRef: RefObject<HTMLDivElement | null>) {
  const path = useUiStore((s) => s.path);
  const shown = win.rowAt(active)?.path;
  // Only a refresh (a new epoch) moves rows under the selection; the user's own moves are left alone.
  const seen = useRef({ epoch, pending: false });
  if (seen.current.epoch !== epoch) seen.current = { epoch, pending: true };
  useEffect(() => {
    if (!seen.current.pending || win.loading) return;
    seen.current.pending = false;
    if (path === null || shown === undefined || shown === path) return;
    const moved = win.indexOf(path);
    if (moved < 0) return;
    setActive(moved);
    const el = scrollRef.current;
    if (el !== null) el.scrollTop += (moved - active) * ROW_HEIGHT;
  });
}

/** Finds a requested path among the rows (walking windows of 500), then focuses and scrolls to it. */
function useReveal(imageId: string | null, epoch: number, moveTo: (index: number, row: TreeRowOut) => void) {
  const revealRequest = useUiStore((s) => s.revealRequest);
  const revealDone = useUiStore((s) => s.revealDone);
  const status = useImageSession((s) => s.status);
  const { view } = useTreeView();
  const client = useQueryClient();
  useEffect(() => {
    if (revealRequest === null || imageId === null) return;
    let cancelled = false;
    void (async () => {
      let total = Infinity;
      for (let start = 0; start < total && start < REVEAL_PAGE * 40 && !cancelled; start += REVEAL_PAGE) {
        const page = await client.fetchQuery(rowsQueryOptions(imageId, view, start, REVEAL_PAGE, epoch)).catch(() => null);
        if (page === null || cancelled) return;
        total = page.total;
        const i = page.rows.findIndex((r) => r.path === revealRequest);
        const row = page.rows[i];
        if (row !== undefined) {
          moveTo(page.start + i, row);
          revealDone();
          return;
        }
      }
      if (!cancelled && (status === 'ready' || status === 'failed')) revealDone();
    })();
    return () => {
      cancelled = true;
    };
  }, [revealRequest, imageId, epoch, view, status, client, moveTo, revealDone]);
}
