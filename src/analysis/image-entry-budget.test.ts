// B2 at the engine level: the image-wide entry budget, on dive's 14-layer docker archive with small limits, through
// both front doors (analyzeImage for the CLI, the worker handler for the page, fresh and from the layer cache).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { listRows } from '../core/tree/tree-rows.ts';
import { nodeCodecs } from '../node/codecs.ts';
import { openFileBlob } from '../node/file-blob.ts';
import type { LayerState, Response } from '../protocol/messages.ts';
import { analyzeImage } from './analyze-image.ts';
import { webCodecs } from './codecs/web-codecs.ts';
import { IMAGE_ENTRY_LIMIT, ImageEntryBudget } from './image-entry-budget.ts';
import { DEFAULT_LIMITS, type LayerLimits, type LayerResult } from './layer-pipeline.ts';
import { resolveLayoutImage } from './sources/layout-image.ts';
import { openTarLayoutFiles } from './sources/tar-layout-files.ts';
import { createAnalysisHandler } from './worker/handler.ts';
import { createMemoryLayerCache, type LayerCache } from './worker/layer-cache.ts';

const dir = resolve(import.meta.dirname, '../../../shared/fixtures/dive');
const FIXTURE = 'test-docker-image.tar';

async function analyse(limits: LayerLimits, concurrency: number) {
  const files = await openTarLayoutFiles(await openFileBlob(`${dir}/${FIXTURE}`), FIXTURE);
  const image = await resolveLayoutImage(files, nodeCodecs, { prefer: 'docker-archive' });
  return analyzeImage(image, nodeCodecs, { signal: new AbortController().signal, limits, concurrency });
}

const entriesOf = (r: LayerResult) => r.layer.count - 1;

/** Per-layer entry counts with the default limits, and a budget that layer k crosses (k = first layer with ≥ 2 entries after layer 0). */
const baseline = (await analyse(DEFAULT_LIMITS, 1)).layers.map(entriesOf);
const k = baseline.findIndex((e, i) => i > 0 && e >= 2);
const budget = baseline.slice(0, k).reduce((a, b) => a + b, 0) + Math.floor(baseline[k]! / 2);
const small: LayerLimits = { ...DEFAULT_LIMITS, maxImageEntries: budget };

test('B2 the default limits table has an image-wide entry budget of 20,000,000 above the 5,000,000 per layer', () => {
  assert.equal(DEFAULT_LIMITS.maxImageEntries, 20_000_000);
  assert.equal(new ImageEntryBudget().max, 20_000_000);
  assert.ok(k > 0 && baseline[k]! >= 2, `fixture layer entries ${baseline.join(',')}`);
});

test('B2 the layer lowers its own entry cap to what is left of the image budget, and a crossing layer fails with IMAGE_ENTRY_LIMIT', () => {
  const b = new ImageEntryBudget({ ...DEFAULT_LIMITS, maxImageEntries: 10 });
  assert.equal(b.limitsFor().maxEntries, 11, 'ten entries left, plus the root');
  const layer = (index: number, count: number, status: LayerResult['status'] = 'verified', error?: LayerResult['error']) =>
    ({ index, status, layer: { count } as LayerResult['layer'], digest: `sha256:${'a'.repeat(64)}`, ...(error ? { error } : {}) }) as LayerResult;
  assert.equal(b.settle(layer(0, 7)).status, 'verified');
  assert.equal(b.entries, 6);
  const applied = b.limitsFor();
  assert.equal(applied.maxEntries, 5);
  const stopped = b.settle(layer(1, 5, 'failed', { code: 'ENTRY_LIMIT', message: 'layer has more than 5 entries' }), applied);
  assert.equal(stopped.status, 'failed');
  assert.equal(stopped.error?.code, IMAGE_ENTRY_LIMIT);
  assert.match(stopped.error?.message ?? '', /^image has more than 10 entries across its layers; layer 2 .* crosses that budget after 6 entries/);
  // Run alongside others, a layer may finish past the budget without hitting its lowered cap: it fails all the same.
  const late = b.settle(layer(2, 6));
  assert.equal(late.status, 'failed');
  assert.equal(late.error?.code, IMAGE_ENTRY_LIMIT);
  assert.equal(b.entries, 6, 'failed layers are not charged');
  assert.equal(b.settle(layer(3, 5)).status, 'verified', 'a later layer that fits is still accepted');
  // A per-layer ENTRY_LIMIT under the full per-layer cap keeps its own code.
  const own = new ImageEntryBudget({ ...DEFAULT_LIMITS, maxEntries: 3 });
  assert.equal(own.settle(layer(0, 3, 'failed', { code: 'ENTRY_LIMIT', message: 'x' }), own.limitsFor()).error?.code, 'ENTRY_LIMIT');
});

test('B2 analyzeImage (the CLI path): the layer crossing the image budget fails, is not stacked, and the rest stays usable', async () => {
  const a = await analyse(small, 1);
  // In order: a layer that does not fit in what is left fails; a later, smaller one may still fit.
  let used = 0;
  const expected = baseline.flatMap((e, i) => (used + e > budget ? [i] : ((used += e), [])));
  const failed = a.layers.filter((l) => l.status === 'failed');
  assert.deepEqual(failed.map((l) => l.index), expected, `entries ${baseline.join(',')}, budget ${budget}`);
  assert.equal(expected[0], k);
  assert.equal(failed[0]!.error?.code, IMAGE_ENTRY_LIMIT);
  assert.match(failed[0]!.error!.message, new RegExp(`^image has more than ${budget} entries across its layers; layer ${k + 1} `));
  assert.ok(!a.stacked.includes(k), 'never stacked');
  assert.equal(a.partial, true);
  const kept = a.stacked.reduce((n, i) => n + entriesOf(a.layers[i]!), 0);
  assert.ok(kept <= budget, `${kept} entries stacked, budget ${budget}`);
  assert.ok(a.layers.every((l) => l.status !== 'failed' || l.error?.code === IMAGE_ENTRY_LIMIT), 'only the budget fails layers');
  assert.ok(listRows(a.tree).length > 0, 'the tree of the other layers is there');
});

test('B2 analyzeImage with layers in parallel never stacks more entries than the image budget', async () => {
  const half = Math.floor(baseline.reduce((x, y) => x + y, 0) / 2);
  const a = await analyse({ ...DEFAULT_LIMITS, maxImageEntries: half }, 4);
  const kept = a.stacked.reduce((n, i) => n + entriesOf(a.layers[i]!), 0);
  assert.ok(kept <= half, `${kept} entries stacked, budget ${half}`);
  assert.ok(a.layers.some((l) => l.status === 'failed' && l.error?.code === IMAGE_ENTRY_LIMIT));
  assert.ok(a.layers.every((l) => l.status !== 'failed' || l.error?.code === IMAGE_ENTRY_LIMIT), 'only the budget fails layers');
});

function harness(cache: LayerCache | undefined, limits: LayerLimits) {
  const sent: Response[] = [];
  const handler = createAnalysisHandler({ post: (m) => void sent.push(m), codecs: webCodecs, cache, limits });
  let id = 0;
  return async () => {
    const rid = ++id;
    const file = new File([readFileSync(`${dir}/${FIXTURE}`)], FIXTURE);
    await handler.handle({ id: rid, type: 'open', source: { kind: 'file', file }, proxyBase: '/proxy' });
    const out = sent.filter((m) => m.id === rid);
    const last = new Map<number, LayerState>();
    for (const m of out) if (m.type === 'layer') last.set(m.state.index, m.state);
    return { out, states: [...last.values()].sort((x, y) => x.index - y.index) };
  };
}

test('B2 the worker: a layer crossing the image budget is failed with IMAGE_ENTRY_LIMIT, fresh and from the cache; the image still opens', async () => {
  const open = harness(createMemoryLayerCache(), small);
  for (const round of ['fresh', 'cached']) {
    const { out, states } = await open();
    assert.equal(out.at(-1)?.type, 'done', round);
    const failed = states.filter((s) => s.status === 'failed');
    assert.ok(failed.length >= 1, `${round}: ${states.map((s) => s.status).join(',')}`);
    for (const s of failed) {
      assert.equal(s.error?.code, IMAGE_ENTRY_LIMIT, round);
      assert.match(s.error?.message ?? '', new RegExp(`image has more than ${budget} entries across its layers`));
    }
    const kept = states.filter((s) => s.status !== 'failed').reduce((n, s) => n + s.entries, 0);
    assert.ok(kept <= budget, `${round}: ${kept} entries kept, budget ${budget}`);
    if (round === 'cached') assert.ok(states.some((s) => s.status === 'cached'), 'the second open reads the cache');
  }
});
