// Test kit: turn tar specs into layer indexes and union trees through the real reader and builder.
import { createPortableContentHasher } from '../core/layers/content-hash.ts';
import type { LayerIndex } from '../core/layers/layer-index.ts';
import { LayerIndexBuilder } from '../core/layers/layer-index-builder.ts';
import { TarReader } from '../core/layers/tar-reader.ts';
import { stackLayers, type UnionTree } from '../core/tree/union-tree.ts';
import { buildTar, type TarSpec } from './tar-builder.ts';

/** Indexes tar bytes, feeding them in chunks of `chunk` bytes; throws on a reader error. */
export function indexTar(bytes: Uint8Array, chunk = 4096): LayerIndex {
  const builder = new LayerIndexBuilder(createPortableContentHasher());
  const reader = new TarReader(builder);
  for (let i = 0; i < bytes.length; i += chunk) {
    const e = reader.push(bytes.subarray(i, Math.min(bytes.length, i + chunk)));
    if (e) throw Object.assign(new Error(e.message), { code: e.code });
  }
  const e = reader.finish();
  if (e) throw Object.assign(new Error(e.message), { code: e.code });
  return builder.finish(reader.bytesConsumed);
}

export function layer(...entries: TarSpec[]): LayerIndex {
  return indexTar(buildTar(entries));
}

export function stack(...layers: LayerIndex[]): UnionTree {
  return stackLayers(layers);
}
