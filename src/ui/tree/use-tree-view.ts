// The TreeView the Files tree asks the worker for, built from the UI store (mode, layer, expanded, filters, search,
// sort), plus the open image id and the epoch that moves while layers stream. Page side.
import { useMemo } from 'react';
import type { TreeView } from '../../protocol/messages.ts';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';
import { useSelectedLayer } from '../layers/use-layer-steps.ts';

export function useTreeView(): { imageId: string | null; view: TreeView; epoch: number } {
  const layer = useSelectedLayer();
  const mode = useUiStore((s) => s.mode);
  const expanded = useUiStore((s) => s.expanded);
  const kinds = useUiStore((s) => s.kinds);
  const search = useUiStore((s) => s.search);
  const sort = useUiStore((s) => s.sort);
  const imageId = useImageSession((s) => s.info?.imageId ?? null);
  const epoch = useImageSession((s) => s.epoch);
  const view = useMemo<TreeView>(() => ({ mode, layer, expanded, kinds, search, sort }), [mode, layer, expanded, kinds, search, sort]);
  return { imageId, view, epoch };
}
