// Depth limits that refuse an image before any container starts (drivers.md §1a "Depth limit", S-18): moby's layer
// store (125), overlay2's lower file (128), aufs branches (127). Pure.
import type { Basis, DriverModel } from './driver-model.ts';

export type DepthViolation = { readonly limit: 'layer-store' | 'driver'; readonly max: number; readonly message: string } & Basis;

/** Limits an image of `layerCount` layers would hit on this driver; [] when it fits. */
export function checkImageDepth(driver: DriverModel, layerCount: number): DepthViolation[] {
  const out: DepthViolation[] = [];
  if (layerCount > driver.limits.layerStore) {
    out.push({
      limit: 'layer-store', max: driver.limits.layerStore, confidence: 'documented', sources: ['S15'],
      message: `max depth exceeded: ${layerCount} layers, the layer store allows ${driver.limits.layerStore} (127 in some drivers minus the init and rw layers)`,
    });
  }
  const d = driver.limits.driverDepth;
  // A container adds its init layer (and, for aufs branches, its rw layer) to the image's chain.
  if (d && layerCount + d.containerAdds > d.max) {
    out.push({ limit: 'driver', max: d.max, confidence: d.confidence, sources: d.sources, message: `${driver.name}: a container needs ${layerCount + d.containerAdds}, over ${d.max} ${d.what}` });
  }
  return out;
}
