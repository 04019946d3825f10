// Simulated-container results asked from the analysis worker: one query per (image, lanes, commands), the driver
// layout, commit (archive or push), and path completion for the command line from the merged tree. Page side.
import { queryOptions } from '@tanstack/react-query';
import type { CommitOutput, SimulationLane } from '../protocol/messages.ts';
import { getAnalysisClient } from '../worker-client/worker-bridge.ts';

export function simulationQueryOptions(imageId: string, lanes: readonly SimulationLane[], commands: readonly string[]) {
  return queryOptions({
    queryKey: ['image', imageId, 'simulate', lanes, commands] as const,
    queryFn: ({ signal }) => getAnalysisClient().simulate(imageId, lanes, commands, signal),
    staleTime: Infinity,
    gcTime: 60_000,
    retry: false,
  });
}

export function layoutQueryOptions(imageId: string, lane: SimulationLane, commands: readonly string[], expand: boolean) {
  return queryOptions({
    queryKey: ['image', imageId, 'layout', lane, commands, expand] as const,
    queryFn: ({ signal }) => getAnalysisClient().layout(imageId, lane, commands, expand, signal),
    staleTime: Infinity,
    gcTime: 30_000,
    retry: false,
  });
}

export function commitContainer(imageId: string, lane: SimulationLane, commands: readonly string[], output: CommitOutput) {
  return getAnalysisClient().commit(imageId, lane, commands, output);
}

/** Paths of the merged tree (as of `layer`) that start with `prefix`, for Tab completion: one directory level. */
export async function completePath(imageId: string, layer: number, prefix: string): Promise<string[]> {
  const slash = prefix.lastIndexOf('/');
  const dir = slash <= 0 ? '/' : prefix.slice(0, slash);
  const parts = dir.split('/').filter((p) => p !== '');
  const expanded = parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
  const view = { mode: 'merged' as const, layer, expanded, kinds: [], search: '', sort: 'name' as const };
  const r = await getAnalysisClient().rows(imageId, view, 0, 5000);
  const depth = dir === '/' ? 0 : dir.split('/').length - 1;
  return r.rows.filter((row) => row.depth === depth && row.diff !== 'removed' && row.path.startsWith(prefix)).map((row) => (row.type === 'dir' ? `${row.path}/` : row.path));
}
