// Derives the image entry budget (hardening B2) from the heap the analysing thread may use, so the budget fails a
// layer before the tab or the process runs out of memory (an OOM is not catchable: Chromium kills the whole tab).
// Pure; shared by the worker (heap reported by the page) and the CLI (V8's heap_size_limit, read in src/node).
import type { MemoryReport } from '../protocol/messages.ts';
import type { LayerLimits } from './layer-pipeline.ts';

/** Where the heap figure came from, named in the budget's error message. */
export type HeapSource = 'js-heap-size-limit' | 'device-memory' | 'v8-heap-statistics' | 'default';
export type HeapLimit = { readonly bytes: number; readonly source: HeapSource; readonly deviceMemoryGiB?: number };

/**
 * Peak bytes of analysing-thread memory per entry. Measured (README Performance, bench/bench-browser.ts): 407 MB peak
 * worker heap (JS heap + ArrayBuffer backing stores) for a 1.04M-entry layer ≈ 390 B/entry, which includes the
 * builder's column growth (doubling typed arrays), the interned names and the union tree; 200 MB stays retained.
 * Rounded up to 400 so a budget computed from it over-estimates rather than under-estimates what an entry costs.
 * Most of it is ArrayBuffer columns outside V8's heap: jsHeapSizeLimit bounds only the ~36 B/entry on the heap
 * (144 MB at the stacking peak of 4M entries in a 160 MB old space), so charging all 400 B against it is
 * conservative for the heap and keeps the whole index within a share of what Chromium sized from physical memory.
 */
export const PEAK_BYTES_PER_ENTRY = 400;
/**
 * Share of the heap the layer indexes may take at their peak. The other half is headroom for what grows with the
 * image but is not counted per entry: flattened and compare views, the provisional stacking of a streaming layer,
 * the cached-tree and checkpoint stores, file views, GC slack (V8 needs room to evacuate before it gives up).
 */
export const ENTRY_HEAP_SHARE = 0.5;
/** Floor: a browser reporting a tiny heap still opens ordinary images (100,000 entries ≈ 40 MB at the peak rate). */
export const MIN_IMAGE_ENTRIES = 100_000;
/** Ceiling: four full-size layers (the per-layer cap is 5,000,000), about 1.1 GiB of columnar index retained. */
export const MAX_IMAGE_ENTRIES = 20_000_000;
/**
 * Assumed when the browser reports nothing (Firefox, Safari: no performance.memory, no deviceMemory). 1 GiB is
 * below what 64-bit desktop browsers give a worker and about what a mobile Safari tab survives.
 */
export const DEFAULT_HEAP_LIMIT_BYTES = 1024 ** 3;
/**
 * From navigator.deviceMemory: V8 sizes its heap at about a quarter of physical memory; capped at 1 GiB because
 * the value is coarse (rounded to a power of two, capped by the browser) and says nothing about other tabs.
 */
export const DEVICE_MEMORY_HEAP_SHARE = 0.25;

const positive = (n: number | undefined): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;

/** The heap limit to budget with: the browser's own limit, else one estimated from device memory, else the default. */
export function resolveHeapLimit(report: MemoryReport | undefined): HeapLimit {
  if (positive(report?.jsHeapSizeLimit)) return { bytes: report.jsHeapSizeLimit, source: 'js-heap-size-limit' };
  if (positive(report?.deviceMemoryGiB)) {
    const bytes = Math.min(DEFAULT_HEAP_LIMIT_BYTES, report.deviceMemoryGiB * 1024 ** 3 * DEVICE_MEMORY_HEAP_SHARE);
    return { bytes, source: 'device-memory', deviceMemoryGiB: report.deviceMemoryGiB };
  }
  return { bytes: DEFAULT_HEAP_LIMIT_BYTES, source: 'default' };
}

/** Entries an image may hold in that heap: clamp(floor(bytes × share / peak per entry), min, max). */
export function deriveImageEntryBudget(heap: HeapLimit): number {
  const fit = Math.floor((heap.bytes * ENTRY_HEAP_SHARE) / PEAK_BYTES_PER_ENTRY);
  return Math.max(MIN_IMAGE_ENTRIES, Math.min(MAX_IMAGE_ENTRIES, Number.isFinite(fit) ? fit : MIN_IMAGE_ENTRIES));
}

/** `base` with the image budget derived from the heap; the per-layer cap becomes min(base's 5,000,000, budget). */
export function deriveLimitsForHeap(base: LayerLimits, heap: HeapLimit): LayerLimits {
  const budget = deriveImageEntryBudget(heap);
  return { ...base, maxEntries: Math.min(base.maxEntries, budget), maxImageEntries: budget, heap };
}

/** Why the budget is what it is and what to do, for the error message of the layer that crosses it. */
export function describeHeapBudget(heap: HeapLimit, budget: number): string {
  const mb = Math.round(heap.bytes / 1e6);
  const holds = `which holds about ${budget} entries (at ~${PEAK_BYTES_PER_ENTRY} bytes each while indexing, with half the heap kept for views)`;
  const browser = 'use the CLI (`strata tree <image>` or `strata inspect <image>`), which is not bound by a browser tab, for an image this large; the layers within the budget can be browsed here';
  switch (heap.source) {
    case 'js-heap-size-limit':
      return `this browser lets the analysis worker use about ${mb} MB of JavaScript heap (performance.memory.jsHeapSizeLimit), ${holds}; ${browser}`;
    case 'device-memory':
      return `this browser does not report its heap limit; from its ${heap.deviceMemoryGiB ?? '?'} GB of device memory (navigator.deviceMemory) Strata assumes the analysis worker may use about ${mb} MB of heap, ${holds}; ${browser}`;
    case 'default':
      return `this browser reports neither its heap limit nor its memory, so Strata assumes the analysis worker may use about ${mb} MB of heap, ${holds}; ${browser}`;
    case 'v8-heap-statistics':
      return `this Node process may use about ${mb} MB of heap (v8 heap_size_limit), ${holds}; allow more with NODE_OPTIONS=--max-old-space-size=<MiB> on a machine with memory to spare`;
  }
}
