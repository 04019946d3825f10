// The `image` message (worker side): everything known about an image before any layer byte arrives — layers,
// history aligned with them (empty_layer steps have none), runtime config, platforms and warnings.
import { alignHistory } from '../../core/oci/config.ts';
import { formatPlatform } from '../../core/oci/platform.ts';
import type { ImageInfo, LayerSummary } from '../../protocol/messages.ts';
import type { OpenedImage } from './file-source.ts';

export function describeImage(imageId: string, opened: OpenedImage): ImageInfo {
  const { image } = opened;
  const { config } = image;
  const history = alignHistory(config.history, image.layers.length);
  const layers: LayerSummary[] = image.layers.map((job, i) => {
    const stepIndex = history.stepOfLayer[i];
    const step = stepIndex === undefined ? undefined : config.history[stepIndex];
    return {
      index: job.index, digest: job.digest ?? null, diffId: job.diffId ?? null, mediaType: job.mediaType, size: job.size ?? null,
      createdBy: step?.createdBy ?? null, created: step?.created ?? null,
    };
  });
  const warnings = [...image.warnings, ...opened.warnings];
  if (history.warning) warnings.push(history.warning);
  const rt = config.runtime;
  return {
    imageId,
    source: image.source,
    format: image.format,
    manifestDigest: image.manifestDigest ?? null,
    configDigest: image.configDigest ?? null,
    platform: formatPlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) }),
    platformChoice: image.platformChoice ?? null,
    platforms: opened.platforms,
    layers,
    history: history.steps.map((s) => ({
      createdBy: s.step.createdBy ?? '', created: s.step.created ?? null, emptyLayer: s.step.emptyLayer, layer: s.layerIndex ?? null, comment: s.step.comment ?? null,
    })),
    config: { env: rt.env, entrypoint: rt.entrypoint, cmd: rt.cmd, workingDir: rt.workingDir ?? null, user: rt.user ?? null, labels: rt.labels },
    warnings,
  };
}
