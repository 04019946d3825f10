// Rows for the treemap: the children of one directory of the final merged tree, largest first (directory sizes
// come from the worker). Page side.
import { useQuery } from '@tanstack/react-query';
import type { TreeRowOut, TreeView } from '../../protocol/messages.ts';
import { rowsQueryOptions } from '../../queries/analysis-queries.ts';
import { useImageSession } from '../../state/image-session.ts';
import { ALL_KINDS, ancestorsOf } from '../../state/url-state.ts';

const MAX_ROWS = 2000;
const MAX_CELLS = 40;

export function useTreemapCells(dir: string): { cells: readonly TreeRowOut[]; loading: boolean } {
  const imageId = useImageSession((s) => s.info?.imageId ?? null);
  const layers = useImageSession((s) => s.info?.layers.length ?? 0);
  const epoch = useImageSession((s) => s.epoch);
  const view: TreeView = { mode: 'merged', layer: Math.max(0, layers - 1), expanded: dir === '' ? [] : ancestorsOf(`${dir}/x`), kinds: ALL_KINDS.filter((k) => k !== 'removed'), search: '', sort: 'size' };
  const q = useQuery({ ...rowsQueryOptions(imageId ?? '', view, 0, MAX_ROWS, epoch), enabled: imageId !== null && layers > 0 });
  const cells = (q.data?.rows ?? []).filter((r) => r.path.slice(0, r.path.lastIndexOf('/')) === dir && r.size > 0).slice(0, MAX_CELLS);
  return { cells, loading: q.isFetching };
}
