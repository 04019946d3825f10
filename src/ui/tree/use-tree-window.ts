// Windowed row fetching for the virtualized Files tree: only the pages covering the visible rows are asked from the
// worker (rows(start, count)); the previous answer stays on screen while a new epoch or view loads (rows of a layer
// still streaming refresh that way as its entries arrive). Page side.
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useRef } from 'react';
import type { TreeRowOut, TreeView } from '../../protocol/messages.ts';
import { ROW_PAGE, rowsQueryOptions } from '../../queries/analysis-queries.ts';
import { describeFailure, type Failure } from '../../state/failure.ts';

export type TreeWindow = {
  readonly total: number;
  /** the rows include a layer still streaming (its index and entries so far), from the latest answer */
  readonly streaming: { readonly layer: number; readonly entries: number } | null;
  /** index of `path` among the rows currently held, or -1 */
  indexOf(path: string): number;
  rowAt(index: number): TreeRowOut | undefined;
  readonly loading: boolean;
  readonly failure: Failure | null;
};

export function useTreeWindow(imageId: string | null, view: TreeView, epoch: number, first: number, last: number): TreeWindow {
  const firstPage = Math.floor(Math.max(0, first) / ROW_PAGE);
  const lastPage = Math.floor(Math.max(first, last) / ROW_PAGE);
  const pages: number[] = [];
  for (let p = firstPage; p <= lastPage; p++) pages.push(p * ROW_PAGE);
  const results = useQueries({
    queries: pages.map((start) => ({
      ...rowsQueryOptions(imageId ?? '', view, start, ROW_PAGE, epoch),
      enabled: imageId !== null,
      placeholderData: keepPreviousData,
    })),
  });
  const totalRef = useRef(0);
  const found = results.find((r) => r.data !== undefined)?.data?.total;
  if (found !== undefined) totalRef.current = found;
  if (imageId === null) totalRef.current = 0;
  const error = results.find((r) => r.error !== null)?.error ?? null;
  const answered = results.find((r) => r.data !== undefined)?.data;
  return {
    total: totalRef.current,
    streaming: answered?.loading ?? null,
    indexOf: (path) => {
      for (const r of results) {
        const i = r.data?.rows.findIndex((row) => row.path === path) ?? -1;
        if (i >= 0) return r.data!.start + i;
      }
      return -1;
    },
    rowAt: (index) => {
      const page = Math.floor(index / ROW_PAGE) - firstPage;
      const data = results[page]?.data;
      if (data === undefined) return undefined;
      return data.rows[index - data.start];
    },
    loading: results.some((r) => r.isFetching),
    failure: error !== null ? describeFailure(error) : null,
  };
}
