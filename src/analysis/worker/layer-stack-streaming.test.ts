// Rows while layers stream: the layer above the finished prefix is stacked provisionally as its entries arrive,
// and once every layer has finished the views are exactly those of stacking the finished layers in one go —
// checked on random layer sets with whiteouts, opaque directories, duplicates, hardlinks and symlinks. Likewise
// a reopened image that adopts its stored union tree shows exactly the views of stacking its layers again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPortableContentHasher } from '../../core/layers/content-hash.ts';
import type { LayerIndex } from '../../core/layers/layer-index.ts';
import { LayerIndexBuilder } from '../../core/layers/layer-index-builder.ts';
import { TarReader } from '../../core/layers/tar-reader.ts';
import type { DiffId, Digest } from '../../core/oci/digest.ts';
import type { TreeView } from '../../protocol/messages.ts';
import { indexTar } from '../../testing/layers.ts';
import { buildTar, type TarSpec } from '../../testing/tar-builder.ts';
import type { LayerResult } from '../layer-pipeline.ts';
import { LayerStack, PROVISIONAL_MIN_INTERVAL_MS } from './layer-stack.ts';
import { TreeViews } from './tree-views.ts';

const result = (index: number, ix: LayerIndex, status: LayerResult['status'] = 'verified'): LayerResult => ({
  index, status, layer: ix, compression: 'none', digest: `sha256:${index}` as Digest, diffId: `sha256:${index}` as DiffId, compressedBytes: 0, uncompressedBytes: 0, warnings: [],
});

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DIRS = ['etc', 'usr', 'usr/lib', 'usr/lib/x', 'var', 'var/log', 'opt/app'];
const NAMES = ['a', 'b', 'c', 'conf', 'lib.so', 'data'];

/** Random layers: each path is a dir, file, symlink, hardlink, whiteout or opaque marker; some appear twice. */
function randomLayers(rand: () => number, count: number): TarSpec[][] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const layers: TarSpec[][] = [];
  const files: string[] = [];
  for (let l = 0; l < count; l++) {
    const specs: TarSpec[] = [];
    const n = 3 + Math.floor(rand() * 14);
    for (let i = 0; i < n; i++) {
      const dir = pick(DIRS);
      const path = `${dir}/${pick(NAMES)}`;
      const r = rand();
      if (r < 0.1) specs.push({ name: `${dir}/`, type: 'dir', mode: rand() < 0.5 ? 0o755 : 0o700 });
      else if (r < 0.45) {
        specs.push({ name: path, body: `${pick(NAMES)}${Math.floor(rand() * 3)}` });
        files.push(path);
      } else if (r < 0.55) specs.push({ name: path, type: 'symlink', link: `../${pick(NAMES)}` });
      else if (r < 0.65 && files.length > 0) specs.push({ name: path, type: 'hardlink', link: pick(files) });
      else if (r < 0.8) specs.push({ name: `${dir}/.wh.${pick(NAMES)}` });
      else if (r < 0.87) specs.push({ name: `${dir}/.wh..wh..opq` });
      else if (r < 0.92 && specs.length > 0) specs.push({ ...pick(specs), body: 'dup' });
      else specs.push({ name: `${pick(DIRS)}/.wh.${pick(DIRS).split('/').pop()!}` });
    }
    layers.push(specs);
  }
  return layers;
}

const VIEWS: TreeView[] = [
  { mode: 'merged', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'name' },
  { mode: 'layer', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'size' },
];

/** Every view of every layer as text (paths, types, diff kinds, layers, sizes, links, shadows). */
function renderAll(stack: LayerStack): string {
  const views = new TreeViews(stack);
  const out: string[] = [];
  for (let layer = 0; layer < stack.layerCount; layer++) {
    for (const v of VIEWS) {
      const r = views.rows({ ...v, layer }, 0, 10_000);
      assert.ok(r.ok);
      out.push(`${v.mode}@${layer} partial=${r.value.partial} asOf=${r.value.asOfLayer} total=${r.value.total}`);
      for (const x of r.value.rows) out.push(`  ${x.path} ${x.type} ${x.diff} @${x.layer} ${x.size} ${x.mode} ${x.link ?? ''} [${x.shadows.join(',')}] ${x.hasChildren}`);
    }
    out.push(`stats@${layer} ${JSON.stringify(stack.statsOf(layer))}`);
  }
  out.push(`warnings ${JSON.stringify(stack.tree.warnings)}`);
  return out.join('\n');
}

function batch(tars: readonly Uint8Array[]): string {
  const stack = new LayerStack(tars.length);
  tars.forEach((t, i) => stack.complete(result(i, indexTar(t))));
  return renderAll(stack);
}

/** Streams every layer in small chunks, round robin, finishing them in a random order, asking rows all along. */
function streamed(tars: readonly Uint8Array[], rand: () => number): { text: string; loadingAnswers: number } {
  let clock = 0;
  const stack = new LayerStack(tars.length, () => clock);
  const views = new TreeViews(stack);
  const streams = tars.map((bytes, i) => {
    const builder = new LayerIndexBuilder(createPortableContentHasher());
    return { i, bytes, at: 0, builder, reader: new TarReader(builder) };
  });
  let loadingAnswers = 0;
  const pending = [...streams];
  while (pending.length > 0) {
    const s = pending[Math.floor(rand() * pending.length)]!;
    const chunk = 512 * (1 + Math.floor(rand() * 3));
    assert.equal(s.reader.push(s.bytes.subarray(s.at, s.at + chunk)), undefined);
    s.at += chunk;
    stack.setPartial(s.i, s.builder.index);
    clock += PROVISIONAL_MIN_INTERVAL_MS * (rand() < 0.7 ? 1 : 0.1);
    const v = VIEWS[Math.floor(rand() * VIEWS.length)]!;
    const r = views.rows({ ...v, layer: Math.floor(rand() * tars.length) }, 0, 10_000);
    assert.ok(r.ok);
    if (r.value.loading !== undefined) {
      loadingAnswers++;
      assert.equal(r.value.partial, true, 'rows of a streaming layer are partial');
    }
    if (s.at >= s.bytes.length) {
      assert.equal(s.reader.finish(), undefined);
      stack.complete(result(s.i, s.builder.finish(s.reader.bytesConsumed)));
      pending.splice(pending.indexOf(s), 1);
    }
  }
  return { text: renderAll(stack), loadingAnswers };
}

test('rows of the layer above the finished prefix show while it streams, and the final views equal stacking in one go (random layers)', () => {
  let loading = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const rand = random(seed);
    const tars = randomLayers(rand, 1 + Math.floor(rand() * 4)).map((specs) => buildTar(specs));
    const s = streamed(tars, rand);
    assert.equal(s.text, batch(tars), `seed ${seed}`);
    loading += s.loadingAnswers;
  }
  assert.ok(loading > 0, 'some answers came from a layer still streaming');
});

test('a one-layer image shows its rows while streaming, marked loading with the entries so far', () => {
  let clock = 0;
  const stack = new LayerStack(1, () => clock);
  const views = new TreeViews(stack);
  const tar = buildTar([{ name: 'etc/' , type: 'dir' }, { name: 'etc/a', body: 'x' }, { name: 'etc/b', body: 'y' }, { name: 'usr/bin/sh', body: 'z' }]);
  const builder = new LayerIndexBuilder(createPortableContentHasher());
  const reader = new TarReader(builder);
  const merged: TreeView = { mode: 'merged', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'name' };
  reader.push(tar.subarray(0, 512 * 4)); // etc/, etc/a and its body, etc/b's header
  stack.setPartial(0, builder.index);
  const first = views.rows(merged, 0, 100);
  assert.ok(first.ok);
  assert.deepEqual(first.value.loading, { layer: 0, entries: 3 });
  assert.equal(first.value.rows.map((r) => `${r.path}:${r.diff}`).join(' '), '/etc:added /etc/a:added /etc/b:added');
  reader.push(tar.subarray(512 * 4));
  const soon = views.rows(merged, 0, 100);
  assert.ok(soon.ok);
  assert.equal(soon.value.total, 3, 'not refreshed before the interval');
  clock += PROVISIONAL_MIN_INTERVAL_MS;
  const later = views.rows(merged, 0, 100);
  assert.ok(later.ok);
  assert.deepEqual(later.value.loading, { layer: 0, entries: 6 });
  reader.finish();
  stack.complete(result(0, builder.finish(reader.bytesConsumed)));
  const done = views.rows(merged, 0, 100);
  assert.ok(done.ok);
  assert.equal(done.value.loading, undefined);
  assert.equal(done.value.partial, false);
  assert.equal(done.value.rows.map((r) => r.path).join(' '), '/etc /etc/a /etc/b /usr /usr/bin /usr/bin/sh');
});

test('views below the streaming layer stay exact while it is shown provisionally', () => {
  const clock = 0;
  const stack = new LayerStack(2, () => clock);
  const views = new TreeViews(stack);
  stack.complete(result(0, indexTar(buildTar([{ name: 'a', body: '1' }, { name: 'd/x', body: '2' }]))));
  const builder = new LayerIndexBuilder(createPortableContentHasher());
  const reader = new TarReader(builder);
  reader.push(buildTar([{ name: '.wh.a' }, { name: 'd/.wh..wh..opq' }, { name: 'n', body: '3' }], { end: false }));
  stack.setPartial(1, builder.index);
  const top = views.rows({ mode: 'merged', layer: 1, expanded: ['*'], kinds: [], search: '', sort: 'name' }, 0, 100);
  assert.ok(top.ok);
  assert.equal(top.value.rows.map((r) => `${r.path}:${r.diff}`).join(' '), '/a:removed /d:unmodified /d/x:removed /n:added');
  const below = views.rows({ mode: 'merged', layer: 0, expanded: ['*'], kinds: [], search: '', sort: 'name' }, 0, 100);
  assert.ok(below.ok);
  assert.equal(below.value.partial, false);
  assert.equal(below.value.loading, undefined);
  assert.equal(below.value.rows.map((r) => `${r.path}:${r.diff}`).join(' '), '/a:added /d:added /d/x:added');
  stack.dropProvisional();
  assert.equal(stack.tree.layers.length, 1);
  assert.equal(stack.tree.lookup('/a') > 0 && stack.tree.lookup('/d/x') > 0, true);
});

test('an image reopened from its stored union tree shows the same views as stacking its layers again (random layers)', () => {
  for (let seed = 100; seed < 140; seed++) {
    const rand = random(seed);
    const tars = randomLayers(rand, 1 + Math.floor(rand() * 4)).map((specs) => buildTar(specs));
    const first = new LayerStack(tars.length);
    tars.forEach((t, i) => first.complete(result(i, indexTar(t))));
    const stored = first.serializeStack();
    assert.ok(stored);
    const again = new LayerStack(tars.length);
    assert.equal(again.adopt(stored.bytes.slice(0), stored.meta), true);
    const order = tars.map((_, i) => i).sort(() => rand() - 0.5);
    for (const i of order) again.complete(result(i, indexTar(tars[i]!)));
    assert.equal(again.fromCache, true);
    assert.equal(renderAll(again), batch(tars), `seed ${seed}`);
  }
});

test('a stored union tree is dropped, and the layers stacked again, when a layer fails or does not match it', () => {
  const tars = [[{ name: 'a', body: '1' }, { name: 'd/x', body: '2' }], [{ name: '.wh.a' }, { name: 'b', body: '3' }], [{ name: 'c', body: '4' }]].map((s) => buildTar(s));
  const first = new LayerStack(3);
  tars.forEach((t, i) => first.complete(result(i, indexTar(t))));
  const stored = first.serializeStack()!;
  const failed = new LayerStack(3);
  assert.equal(failed.adopt(stored.bytes.slice(0), stored.meta), true);
  failed.complete(result(0, indexTar(tars[0]!)));
  failed.complete(result(1, indexTar(tars[1]!), 'failed'));
  failed.complete(result(2, indexTar(tars[2]!)));
  const expected = new LayerStack(3);
  expected.complete(result(0, indexTar(tars[0]!)));
  expected.complete(result(1, indexTar(tars[1]!), 'failed'));
  expected.complete(result(2, indexTar(tars[2]!)));
  assert.equal(failed.fromCache, false);
  assert.equal(renderAll(failed), renderAll(expected));
  const other = new LayerStack(3);
  assert.equal(other.adopt(stored.bytes.slice(0), stored.meta), true);
  const changed = [tars[0]!, buildTar([{ name: 'b', body: '3' }]), tars[2]!];
  changed.forEach((t, i) => other.complete(result(i, indexTar(t))));
  assert.equal(other.fromCache, false);
  assert.equal(renderAll(other), batch(changed));
  assert.equal(new LayerStack(3).adopt(stored.bytes.slice(0, stored.bytes.byteLength - 64), stored.meta), false, 'a truncated tree is refused');
});
