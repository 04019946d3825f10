// The simulator's view of an open image (worker side): every layer's columnar index adapted to a LowerView, built
// once per image and kept with it. Only a complete image qualifies: a failed or still-loading layer is refused.
import { createLowerViewFromChangesets } from '../../core/cow/changeset-lower-view.ts';
import { changesetsFromLayers } from '../../core/cow/layer-index-changesets.ts';
import type { LowerView } from '../../core/cow/lower-view.ts';
import { LayerError } from '../layer-error.ts';
import type { ImageSession } from './image-session.ts';

const views = new WeakMap<ImageSession, LowerView>();

/** The LowerView of a fully loaded image; throws IMAGE_PARTIAL with what to do otherwise. */
export function lowerViewOf(session: ImageSession): LowerView {
  const cached = views.get(session);
  if (cached) return cached;
  const stack = session.stack;
  if (!stack.allFinished) throw new LayerError('IMAGE_LOADING', 'the image is still loading; simulate once every layer is verified');
  const failed = stack.results.findIndex((r) => r?.status === 'failed');
  if (failed >= 0 || stack.stacked.length !== stack.layerCount) {
    throw new LayerError('IMAGE_PARTIAL', `layer ${failed} failed to load, so the image is partial; a container on a partial image would be wrong — reopen the image and retry`);
  }
  const history = session.opened.image.config.history.filter((h) => !h.emptyLayer);
  const layers = stack.stacked.map((imageLayer, pos) => {
    const r = stack.results[imageLayer]!;
    const createdBy = history.length === stack.layerCount ? history[imageLayer]?.createdBy : undefined;
    return { index: stack.tree.layers[pos]!, diffId: r.diffId, digest: r.digest, ...(createdBy ? { createdBy } : {}) };
  });
  const view = createLowerViewFromChangesets(changesetsFromLayers(layers));
  if (!view.ok) throw new LayerError(view.error.code, `the image cannot be simulated: ${view.error.message}`);
  views.set(session, view.value);
  return view.value;
}
