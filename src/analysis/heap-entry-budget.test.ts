// B2: the image entry budget derived from the heap the analysing thread may use (pure), and its error message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_HEAP_LIMIT_BYTES, deriveImageEntryBudget, deriveLimitsForHeap, describeHeapBudget, ENTRY_HEAP_SHARE, MAX_IMAGE_ENTRIES,
  MIN_IMAGE_ENTRIES, PEAK_BYTES_PER_ENTRY, resolveHeapLimit, type HeapLimit,
} from './heap-entry-budget.ts';
import { ImageEntryBudget, IMAGE_ENTRY_LIMIT } from './image-entry-budget.ts';
import { DEFAULT_LIMITS, type LayerResult } from './layer-pipeline.ts';

const browser = (bytes: number): HeapLimit => ({ bytes, source: 'js-heap-size-limit' });

test('B2 the constants keep half the heap for views at the measured ~390 bytes per entry', () => {
  assert.equal(PEAK_BYTES_PER_ENTRY, 400);
  assert.equal(ENTRY_HEAP_SHARE, 0.5);
  assert.equal(MIN_IMAGE_ENTRIES, 100_000);
  assert.equal(MAX_IMAGE_ENTRIES, 20_000_000);
  assert.equal(DEFAULT_HEAP_LIMIT_BYTES, 1024 ** 3);
});

test('B2 the budget is floor(heap × share / peak bytes per entry) for the heaps Chromium reports', () => {
  // Chromium 156 on this machine (http page): 4,395,630,592 by default, 268,435,456 with --js-flags=--max-old-space-size=160
  // (an opaque data: page gets them rounded: 3.76e9 and 2.69e8).
  assert.equal(deriveImageEntryBudget(browser(4_395_630_592)), 5_494_538);
  assert.equal(deriveImageEntryBudget(browser(268_435_456)), 335_544);
  assert.equal(deriveImageEntryBudget(browser(269_000_000)), 336_250);
  assert.equal(deriveImageEntryBudget(browser(2_172_649_472)), 2_715_811);
  // Node's default heap_size_limit on this machine (4144 MiB).
  assert.equal(deriveImageEntryBudget({ bytes: 4144 * 2 ** 20, source: 'v8-heap-statistics' }), 5_431_623);
});

test('B2 the budget is clamped to [100,000, 20,000,000]', () => {
  assert.equal(deriveImageEntryBudget(browser(16_000_000)), MIN_IMAGE_ENTRIES, 'a tiny heap still opens ordinary images');
  assert.equal(deriveImageEntryBudget(browser(80_000_000)), MIN_IMAGE_ENTRIES);
  assert.equal(deriveImageEntryBudget(browser(80_000_800)), 100_001);
  assert.equal(deriveImageEntryBudget(browser(16_000_000_000)), MAX_IMAGE_ENTRIES);
  assert.equal(deriveImageEntryBudget(browser(64 * 1024 ** 3)), MAX_IMAGE_ENTRIES);
  assert.equal(deriveImageEntryBudget(browser(Number.POSITIVE_INFINITY)), MIN_IMAGE_ENTRIES, 'a nonsense figure falls to the floor');
});

test('B2 the heap comes from jsHeapSizeLimit, else device memory (a quarter, at most 1 GiB), else a 1 GiB default', () => {
  assert.deepEqual(resolveHeapLimit({ jsHeapSizeLimit: 269_000_000, deviceMemoryGiB: 8 }), { bytes: 269_000_000, source: 'js-heap-size-limit' });
  assert.deepEqual(resolveHeapLimit({ deviceMemoryGiB: 2 }), { bytes: 512 * 2 ** 20, source: 'device-memory', deviceMemoryGiB: 2 });
  assert.deepEqual(resolveHeapLimit({ deviceMemoryGiB: 0.5 }), { bytes: 128 * 2 ** 20, source: 'device-memory', deviceMemoryGiB: 0.5 });
  assert.deepEqual(resolveHeapLimit({ deviceMemoryGiB: 16 }), { bytes: 2 ** 30, source: 'device-memory', deviceMemoryGiB: 16 });
  for (const missing of [undefined, {}, { jsHeapSizeLimit: 0 }, { jsHeapSizeLimit: Number.NaN, deviceMemoryGiB: -1 }]) {
    assert.deepEqual(resolveHeapLimit(missing), { bytes: DEFAULT_HEAP_LIMIT_BYTES, source: 'default' }, JSON.stringify(missing));
  }
  assert.equal(deriveImageEntryBudget(resolveHeapLimit(undefined)), 1_342_177);
  assert.equal(deriveImageEntryBudget(resolveHeapLimit({ deviceMemoryGiB: 0.25 })), MIN_IMAGE_ENTRIES);
});

test('B2 the per-layer cap is min(5,000,000, budget); the heap travels with the limits', () => {
  const small = deriveLimitsForHeap(DEFAULT_LIMITS, browser(269_000_000));
  assert.deepEqual([small.maxEntries, small.maxImageEntries], [336_250, 336_250]);
  assert.equal(small.heap?.source, 'js-heap-size-limit');
  assert.equal(small.maxUncompressedBytes, DEFAULT_LIMITS.maxUncompressedBytes, 'the other limits are kept');
  const large = deriveLimitsForHeap(DEFAULT_LIMITS, browser(16_000_000_000));
  assert.deepEqual([large.maxEntries, large.maxImageEntries], [5_000_000, 20_000_000]);
});

test('B2 the message says the heap, where it came from, the entries it holds and what to do', () => {
  const m = describeHeapBudget(browser(269_000_000), 336_250);
  assert.match(m, /^this browser lets the analysis worker use about 269 MB of JavaScript heap \(performance\.memory\.jsHeapSizeLimit\), which holds about 336250 entries/);
  assert.match(m, /use the CLI \(`strata tree <image>`/);
  assert.match(describeHeapBudget(resolveHeapLimit({ deviceMemoryGiB: 2 }), 671_088), /from its 2 GB of device memory \(navigator\.deviceMemory\) Strata assumes the analysis worker may use about 537 MB/);
  assert.match(describeHeapBudget(resolveHeapLimit(undefined), 1_342_177), /reports neither its heap limit nor its memory, so Strata assumes .* about 1074 MB of heap, which holds about 1342177 entries/);
  assert.match(describeHeapBudget({ bytes: 4144 * 2 ** 20, source: 'v8-heap-statistics' }, 5_431_623), /^this Node process may use about 4345 MB of heap \(v8 heap_size_limit\).*NODE_OPTIONS=--max-old-space-size=/);
});

const layer = (index: number, count: number, status: LayerResult['status'] = 'verified', error?: LayerResult['error']) =>
  ({ index, status, layer: { count } as LayerResult['layer'], digest: `sha256:${'b'.repeat(64)}`, ...(error ? { error } : {}) }) as LayerResult;

test('B2 with a derived budget below 5,000,000 a single layer over it fails as the image budget, with the memory message', () => {
  const limits = deriveLimitsForHeap(DEFAULT_LIMITS, browser(269_000_000));
  const b = new ImageEntryBudget(limits);
  const applied = b.limitsFor();
  assert.equal(applied.maxEntries, 336_250, 'the per-layer cap is the budget');
  const r = b.settle(layer(0, 336_250, 'failed', { code: 'ENTRY_LIMIT', message: 'layer has more than 336250 entries' }), applied);
  assert.equal(r.error?.code, IMAGE_ENTRY_LIMIT);
  assert.match(r.error?.message ?? '', /^image has more than 336250 entries across its layers; layer 1 \(b{12}\) crosses that budget after 0 entries .*; this browser lets the analysis worker use about 269 MB/);
  // Two layers that fit alone but not together: the second fails, the first stays.
  const two = new ImageEntryBudget(limits);
  assert.equal(two.settle(layer(0, 150_001), two.limitsFor()).status, 'verified');
  const second = two.settle(layer(1, 250_001), limits);
  assert.equal(second.error?.code, IMAGE_ENTRY_LIMIT);
  assert.match(second.error?.message ?? '', /layer 2 .* after 150000 entries in the layers accepted before it/);
});
