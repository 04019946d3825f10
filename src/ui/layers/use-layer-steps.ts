// The Layers list model: history steps in build order with empty steps kept in place, each layer step joined with
// its descriptor and live progress; plus the selected layer (default: the top one). Page side.
import { useMemo } from 'react';
import type { LayerState, LayerSummary } from '../../protocol/messages.ts';
import { useImageSession } from '../../state/image-session.ts';
import { useUiStore } from '../../state/ui-store.ts';

export type LayerStep =
  | { readonly kind: 'layer'; readonly key: string; readonly layer: number; readonly createdBy: string | null; readonly comment: string | null; readonly summary: LayerSummary | undefined; readonly state: LayerState | undefined }
  | { readonly kind: 'empty'; readonly key: string; readonly createdBy: string; readonly comment: string | null };

export function useLayerSteps(): readonly LayerStep[] {
  const info = useImageSession((s) => s.info);
  const states = useImageSession((s) => s.layers);
  return useMemo(() => {
    if (info === null) return [];
    const steps: LayerStep[] = [];
    const seen = new Set<number>();
    info.history.forEach((h, i) => {
      if (h.emptyLayer || h.layer === null) {
        steps.push({ kind: 'empty', key: `h${i}`, createdBy: h.createdBy, comment: h.comment });
        return;
      }
      seen.add(h.layer);
      steps.push({ kind: 'layer', key: `h${i}`, layer: h.layer, createdBy: h.createdBy, comment: h.comment, summary: info.layers[h.layer], state: states[h.layer] });
    });
    for (const l of info.layers) {
      if (!seen.has(l.index)) steps.push({ kind: 'layer', key: `l${l.index}`, layer: l.index, createdBy: l.createdBy, comment: null, summary: l, state: states[l.index] });
    }
    return steps;
  }, [info, states]);
}

/** The layer the tree shows: the URL's, clamped, or the top layer. */
export function useSelectedLayer(): number {
  const layer = useUiStore((s) => s.layer);
  const count = useImageSession((s) => s.info?.layers.length ?? 0);
  if (count === 0) return 0;
  return layer === null || layer >= count ? count - 1 : layer;
}
