// Adapts analysed layers (columnar LayerIndex) to the simulator's changeset input, so `strata simulate` and the
// UI run the container simulator over a real image. Pure.
import type { DiffId, Digest } from '../oci/digest.ts';
import type { LayerIndex } from '../layers/layer-index.ts';
import { KIND, KIND_NAMES } from '../layers/tar-header.ts';
import type { ChangesetEntry, LayerChangeset } from './changeset-lower-view.ts';
import type { EntryType } from './lower-view.ts';

export function changesetsFromLayers(layers: readonly { readonly index: LayerIndex; readonly diffId?: DiffId; readonly digest?: Digest; readonly createdBy?: string }[]): LayerChangeset[] {
  return layers.map(({ index: ix, diffId, digest, createdBy }) => {
    const entries: ChangesetEntry[] = [];
    for (let e = 1; e < ix.count; e++) {
      const kind = ix.kind[e]!;
      const path = ix.pathOf(e).slice(1);
      const type: EntryType = kind === KIND.whiteout || kind === KIND.opaque ? 'file' : (KIND_NAMES[kind] as EntryType);
      const link = ix.linkOf(e);
      entries.push({
        path, type, size: kind === KIND.file ? ix.sizeOf(e) : 0, mode: ix.mode[e]!, uid: ix.uid[e]!, gid: ix.gid[e]!,
        ...(link !== undefined ? { linkTarget: link } : {}),
      });
    }
    return { entries, ...(diffId ? { diffId } : {}), ...(digest ? { digest } : {}), ...(createdBy ? { createdBy } : {}) };
  });
}
