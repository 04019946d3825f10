// A fixed-size view of a layer index that is still being built (its layer still streaming), so the union tree can
// stack what has arrived so far: the columns are views of the builder's current arrays, nothing is copied. Pure.
import type { LayerIndex } from '../layers/layer-index.ts';

/**
 * The first `ix.count` entries of a growing index. Later entries never show through; entries already read may still
 * change in place (a duplicate path, an opaque marker, a body hash), which only a provisional view can observe.
 */
export function snapshotLayerIndex(ix: LayerIndex): LayerIndex {
  const count = ix.count;
  const view = Object.create(Object.getPrototypeOf(ix) as object) as LayerIndex;
  for (const [key, value] of Object.entries(ix)) {
    (view as unknown as Record<string, unknown>)[key] = ArrayBuffer.isView(value) && !(value instanceof DataView) && key !== 'names'
      ? (value as unknown as Int32Array).subarray(0, count) : value;
  }
  return view;
}
