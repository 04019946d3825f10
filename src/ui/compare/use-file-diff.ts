// State of the virtualized file diff: viewport measurement, the visible window, and the compare pages covering it
// (only those rows are asked from the worker); the previous answer stays on screen while a new filter loads.
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import type { CompareAnswer, CompareFilter, FileChangeRow } from '../../protocol/messages.ts';
import { compareQueryOptions, DIFF_PAGE } from '../../queries/compare-queries.ts';
import { describeFailure, type Failure } from '../../state/failure.ts';
import { useVirtualViewport } from '../common/use-virtual-viewport.ts';

export const DIFF_ROW_HEIGHT = 26;
const OVERSCAN = 10;

export type FileDiffModel = {
  readonly scrollRef: React.RefObject<HTMLDivElement | null>;
  onScroll(): void;
  readonly first: number;
  readonly last: number;
  readonly total: number;
  rowAt(index: number): FileChangeRow | undefined;
  /** the newest answer: shared layers, first difference, counts (the same for every window) */
  readonly answer: CompareAnswer | undefined;
  readonly loading: boolean;
  readonly failure: Failure | null;
};

export function useFileDiff(imageIdA: string, imageIdB: string, filter: CompareFilter): FileDiffModel {
  const { scrollRef, onScroll, first, last } = useVirtualViewport(DIFF_ROW_HEIGHT, OVERSCAN);
  const firstPage = Math.floor(first / DIFF_PAGE);
  const pages: number[] = [];
  for (let p = firstPage; p <= Math.floor(last / DIFF_PAGE); p++) pages.push(p * DIFF_PAGE);
  const results = useQueries({
    queries: pages.map((start) => ({ ...compareQueryOptions(imageIdA, imageIdB, filter, start, DIFF_PAGE), placeholderData: keepPreviousData })),
  });
  const answer = results.find((r) => r.data !== undefined)?.data;
  const error = results.find((r) => r.error !== null)?.error ?? null;
  const total = answer?.total ?? 0;
  return {
    scrollRef, onScroll,
    first, last: Math.min(last, total - 1), total, answer,
    rowAt: (index) => {
      const data = results[Math.floor(index / DIFF_PAGE) - firstPage]?.data;
      return data === undefined ? undefined : data.files[index - data.start];
    },
    loading: results.some((r) => r.isFetching),
    failure: error !== null ? describeFailure(error) : null,
  };
}
