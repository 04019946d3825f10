// The worker's request handler driven directly (no Worker) on dive's real images in ../shared/fixtures: event
// flow, row windows in both modes, search, sort, filters, whiteouts, file contents and the layer cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LayerState, Response, TreeRowOut, TreeView } from '../../protocol/messages.ts';
import { webCodecs } from '../codecs/web-codecs.ts';
import { createAnalysisHandler } from './handler.ts';
import { createMemoryLayerCache, stackKeyOf, type LayerCache } from './layer-cache.ts';

const dir = resolve(import.meta.dirname, '../../../../shared/fixtures/dive');
const fixture = (name: string) => new File([readFileSync(`${dir}/${name}`)], name);

type Sent = Response & { transfer?: unknown[] };

function harness(cache?: LayerCache) {
  const sent: Sent[] = [];
  const handler = createAnalysisHandler({ post: (m, transfer) => void sent.push({ ...m, ...(transfer ? { transfer } : {}) }), codecs: webCodecs, cache });
  let id = 0;
  const request = async (r: Record<string, unknown>): Promise<Sent[]> => {
    const rid = ++id;
    await handler.handle({ ...r, id: rid });
    return sent.filter((m) => m.id === rid);
  };
  const open = async (file: File) => {
    const out = await request({ type: 'open', source: { kind: 'file', file }, proxyBase: '/proxy' });
    const image = out.find((m) => m.type === 'image');
    assert.ok(image && image.type === 'image', `no image message: ${JSON.stringify(out.find((m) => m.type === 'error'))}`);
    return { out, imageId: image.info.imageId, info: image.info };
  };
  const rows = async (imageId: string, view: Partial<TreeView>, start = 0, count = 1000) => {
    const [r] = await request({ type: 'rows', imageId, view: { mode: 'merged', layer: 13, expanded: [], kinds: [], search: '', sort: 'name', ...view }, start, count });
    assert.ok(r, 'no answer');
    if (r.type === 'error') return { error: r };
    assert.equal(r.type, 'rows');
    return r as Extract<Response, { type: 'rows' }>;
  };
  return { sent, handler, request, open, rows };
}

const finalStates = (out: Sent[]) => {
  const last = new Map<number, LayerState>();
  for (const m of out) if (m.type === 'layer') last.set(m.state.index, m.state);
  return [...last.values()].sort((a, b) => a.index - b.index);
};
const paths = (rows: readonly TreeRowOut[]) => rows.map((r) => r.path);

test("opening dive's docker archive sends the image, each layer's progress and final stats, then metrics and done", async () => {
  const h = harness();
  const { out, info } = await h.open(fixture('test-docker-image.tar'));
  assert.equal(out[0]!.type, 'image');
  assert.deepEqual(out.slice(-2).map((m) => m.type), ['metrics', 'done']);
  assert.equal(info.format, 'docker-archive');
  assert.equal(info.layers.length, 14);
  assert.match(info.layers[9]!.createdBy ?? '', /rm -rf \/root\/example/);
  assert.equal(info.history.filter((h) => h.layer === null).length, 1);
  const states = finalStates(out);
  assert.equal(states.length, 14);
  assert.ok(states.every((s) => s.status === 'verified' && s.error === null && s.stats !== null));
  assert.deepEqual(states[9]!.stats, { added: 0, modified: 0, removed: 1, fileBytes: 0, reclaimableBytes: 0 });
  assert.equal(states[3]!.stats!.reclaimableBytes, 6405, 'somefile1.txt, added in layer 3, is gone by the end');
  const metrics = out.find((m) => m.type === 'metrics');
  assert.ok(metrics?.type === 'metrics');
  assert.equal(metrics.metrics.efficiencyScore, 0.9844212134184309);
  assert.equal(metrics.metrics.wastedBytes, 32025);
  assert.equal(metrics.metrics.partial, false);
});

test('merged rows: sorted names, an expanded directory shows its children with diff kind, layer and shadowed layers', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const r = await h.rows(imageId, { expanded: ['/root'] });
  assert.ok('rows' in r);
  assert.deepEqual(paths(r.rows), ['/bin', '/dev', '/etc', '/home', '/root', '/root/.data', '/root/.saved.txt', '/root/saved.txt', '/somefile.txt', '/tmp', '/usr', '/var']);
  assert.equal(r.partial, false);
  assert.equal(r.asOfLayer, 13);
  const saved = r.rows.find((x) => x.path === '/root/saved.txt')!;
  assert.deepEqual({ diff: saved.diff, layer: saved.layer, shadows: saved.shadows, size: saved.size, mode: saved.mode, depth: saved.depth }, { diff: 'modified', layer: 13, shadows: [7], size: 6405, mode: '0755', depth: 1 });
  const root = r.rows.find((x) => x.path === '/root')!;
  assert.deepEqual({ expanded: root.expanded, hasChildren: root.hasChildren, type: root.type }, { expanded: true, hasChildren: true, type: 'dir' });
  assert.equal(r.rows.find((x) => x.path === '/bin')!.expanded, false);
});

test("merged rows as of an earlier layer: that layer's removals are shown as 'removed', later files are absent", async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const r = await h.rows(imageId, { layer: 9, expanded: ['/root', '/root/example'] });
  assert.ok('rows' in r);
  const diffs = Object.fromEntries(r.rows.filter((x) => x.path.startsWith('/root')).map((x) => [x.path, x.diff]));
  assert.deepEqual(diffs, {
    '/root': 'unmodified', '/root/.saved.txt': 'unmodified', '/root/example': 'removed', '/root/example/really': 'removed',
    '/root/example/somefile1.txt': 'removed', '/root/example/somefile2.txt': 'removed', '/root/saved.txt': 'unmodified',
  });
  const at7 = await h.rows(imageId, { layer: 7, expanded: ['/root', '/root/example'] });
  assert.ok('rows' in at7);
  assert.equal(at7.rows.find((x) => x.path === '/root/saved.txt')?.diff, 'added');
  assert.equal(at7.rows.find((x) => x.path === '/root/example/somefile3.txt')?.diff, 'removed');
});

test("layer mode lists only that layer's entries; a whiteout is type 'whiteout' with diff 'removed'", async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const r = await h.rows(imageId, { mode: 'layer', layer: 9, expanded: ['*'] });
  assert.ok('rows' in r);
  assert.deepEqual(r.rows.map((x) => `${x.path} ${x.type} ${x.diff}`), ['/root dir unmodified', '/root/example whiteout removed']);
  assert.deepEqual(r.rows[1]!.shadows, [7, 6, 5, 4, 3, 2], 'every layer that wrote /root/example');
  const seven = await h.rows(imageId, { mode: 'layer', layer: 7, expanded: ['*'] });
  assert.ok('rows' in seven);
  assert.deepEqual(seven.rows.map((x) => `${x.path} ${x.diff}`), ['/root unmodified', '/root/example unmodified', '/root/example/somefile3.txt removed', '/root/saved.txt added']);
});

test('windows of a view slice one flattened list: the total stays and consecutive windows join up', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const all = await h.rows(imageId, { expanded: ['*'] }, 0, 100000);
  assert.ok('rows' in all);
  assert.ok(all.total > 420, `${all.total} rows`);
  assert.equal(all.rows.length, all.total);
  const a = await h.rows(imageId, { expanded: ['*'] }, 100, 50);
  const b = await h.rows(imageId, { expanded: ['*'] }, 150, 50);
  assert.ok('rows' in a && 'rows' in b);
  assert.equal(a.total, all.total);
  assert.deepEqual([...paths(a.rows), ...paths(b.rows)], paths(all.rows.slice(100, 200)));
  const end = await h.rows(imageId, { expanded: ['*'] }, all.total - 3, 100);
  assert.ok('rows' in end);
  assert.equal(end.rows.length, 3);
});

test('search: a glob shows the matches with their ancestors expanded; ** crosses directories; /regex/ works', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const glob = await h.rows(imageId, { search: '*.txt' });
  assert.ok('rows' in glob);
  assert.deepEqual(paths(glob.rows), ['/root', '/root/.data', '/root/.data/saved.again2.txt', '/root/.saved.txt', '/root/saved.txt', '/somefile.txt', '/tmp', '/tmp/saved.again1.txt']);
  assert.ok(glob.rows.filter((r) => r.type === 'dir').every((r) => r.expanded));
  const anchored = await h.rows(imageId, { search: '/root/*.txt' });
  assert.ok('rows' in anchored);
  assert.deepEqual(paths(anchored.rows), ['/root', '/root/.saved.txt', '/root/saved.txt']);
  const deep = await h.rows(imageId, { search: '/root/**/saved*' });
  assert.ok('rows' in deep);
  assert.deepEqual(paths(deep.rows), ['/root', '/root/.data', '/root/.data/saved.again2.txt', '/root/saved.txt']);
  const regex = await h.rows(imageId, { search: '/saved\\.again\\d/' });
  assert.ok('rows' in regex);
  assert.deepEqual(paths(regex.rows).filter((p) => p.includes('again')), ['/root/.data/saved.again2.txt', '/tmp/saved.again1.txt']);
  const text = await h.rows(imageId, { search: 'SOMEFILE' });
  assert.ok('rows' in text);
  assert.deepEqual(paths(text.rows), ['/somefile.txt']);
});

test('a bad or over-long regular expression is an error that says what to fix', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const bad = await h.rows(imageId, { search: '/saved[/' });
  assert.ok('error' in bad);
  assert.equal(bad.error.code, 'SEARCH_INVALID');
  const long = await h.rows(imageId, { search: `/${'a'.repeat(201)}/` });
  assert.ok('error' in long);
  assert.match(long.error.message, /200 characters/);
});

test('size sort puts the largest first, directories by their cumulative size', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const r = await h.rows(imageId, { sort: 'size', expanded: ['/root'] });
  assert.ok('rows' in r);
  assert.deepEqual(r.rows.slice(0, 2).map((x) => `${x.path} ${x.size}`), ['/bin 1153344', '/root 21402']);
  const top = r.rows.filter((x) => x.depth === 0).map((x) => x.size);
  assert.deepEqual(top, [...top].sort((a, b) => b - a));
  assert.deepEqual(r.rows.filter((x) => x.depth === 1).map((x) => x.path), ['/root/.data', '/root/.saved.txt', '/root/saved.txt']);
});

test('a kind filter shows the matching entries and the directories that lead to them', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const r = await h.rows(imageId, { kinds: ['modified'], expanded: ['*'] });
  assert.ok('rows' in r);
  assert.deepEqual(r.rows.map((x) => `${x.path} ${x.diff}`), ['/root unmodified', '/root/saved.txt modified']);
  const removed = await h.rows(imageId, { layer: 9, kinds: ['removed'], expanded: ['/root'] });
  assert.ok('rows' in removed);
  assert.deepEqual(paths(removed.rows), ['/root', '/root/example']);
});

test("whiteouts of layer 9 (rm -rf /root/example/) list what they hide in the tree below", async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const [r] = await h.request({ type: 'whiteouts', imageId, layer: 9 });
  assert.ok(r?.type === 'whiteouts');
  assert.equal(r.rows.length, 1);
  const w = r.rows[0]!;
  assert.deepEqual({ path: w.path, opaque: w.opaque, hides: w.hides, hiddenBytes: w.hiddenBytes }, { path: '/root/example', opaque: false, hides: 5, hiddenBytes: 12810 });
  assert.ok(w.hiddenPaths.includes('/root/example/somefile1.txt') && w.hiddenPaths.includes('/root/example/somefile2.txt'));
  assert.equal(w.hiddenPaths.includes('/root/example/somefile3.txt'), false, 'somefile3 was moved away in layer 7');
  const [none] = await h.request({ type: 'whiteouts', imageId, layer: 1 });
  assert.ok(none?.type === 'whiteouts');
  assert.deepEqual(none.rows, []);
});

test("file: /root/saved.txt as of the last layer equals the fixture's bytes; maxBytes truncates; hardlinks resolve", async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const manifest = JSON.parse(execFileSync('tar', ['-xOf', `${dir}/test-docker-image.tar`, 'manifest.json'], { encoding: 'utf8' })) as [{ Layers: string[] }];
  const expected = execFileSync('bash', ['-c', `tar -xOf "$0" "$1" | tar -xOf - root/saved.txt`, `${dir}/test-docker-image.tar`, manifest[0].Layers[7]!]);
  const [full] = await h.request({ type: 'file', imageId, path: '/root/saved.txt', layer: 13, maxBytes: 1 << 20 });
  assert.ok(full?.type === 'file', JSON.stringify(full));
  assert.equal(full.size, expected.length);
  assert.equal(full.truncated, false);
  assert.deepEqual(Buffer.from(full.bytes), expected);
  assert.ok(full.transfer?.includes(full.bytes), 'the bytes travel as a transferred ArrayBuffer');
  const [part] = await h.request({ type: 'file', imageId, path: '/root/saved.txt', layer: 13, maxBytes: 100 });
  assert.ok(part?.type === 'file');
  assert.deepEqual({ size: part.size, truncated: part.truncated, length: part.bytes.byteLength }, { size: expected.length, truncated: true, length: 100 });
  assert.deepEqual(Buffer.from(part.bytes), expected.subarray(0, 100));
  const [sh] = await h.request({ type: 'file', imageId, path: '/bin/sh', layer: 13, maxBytes: 4 });
  assert.ok(sh?.type === 'file', JSON.stringify(sh));
  assert.deepEqual([...new Uint8Array(sh.bytes)], [0x7f, 0x45, 0x4c, 0x46], 'busybox ELF header through the hardlink');
  const [old] = await h.request({ type: 'file', imageId, path: '/root/example/somefile1.txt', layer: 4, maxBytes: 1 << 20 });
  assert.ok(old?.type === 'file');
  assert.deepEqual(Buffer.from(old.bytes), expected);
});

test('file contents come out of zstd and gzip layers alike', async () => {
  const h = harness();
  const texts = [];
  for (const name of ['test-oci-zstd-image.tar', 'test-oci-gzip-image.tar', 'test-oci-uncompressed-image.tar']) {
    const { imageId } = await h.open(fixture(name));
    const r = await h.rows(imageId, { layer: 0, expanded: ['*'] });
    assert.ok('rows' in r);
    const file = r.rows.find((x) => x.type === 'file' && x.size > 0)!;
    const [content] = await h.request({ type: 'file', imageId, path: file.path, layer: 0, maxBytes: 1 << 20 });
    assert.ok(content?.type === 'file', JSON.stringify(content));
    assert.equal(content.bytes.byteLength, file.size);
    texts.push(Buffer.from(content.bytes).toString('base64'));
  }
  assert.equal(new Set(texts).size, 1);
});

test('file errors: a path gone by that layer, a directory, a path never there', async () => {
  const h = harness();
  const { imageId } = await h.open(fixture('test-docker-image.tar'));
  const codes = [];
  for (const [path, layer] of [['/root/example/somefile1.txt', 13], ['/root', 13], ['/nope', 0]] as const) {
    const [r] = await h.request({ type: 'file', imageId, path, layer, maxBytes: 10 });
    codes.push(r?.type === 'error' ? r.code : r?.type);
  }
  assert.deepEqual(codes, ['NOT_FOUND', 'NOT_A_FILE', 'NOT_FOUND']);
});

test('the OCI archives (gzip, eStargz, zstd, plain) open through the browser codecs and give identical rows', async () => {
  const h = harness();
  const views = [];
  for (const name of ['test-oci-gzip-image.tar', 'test-oci-estargz-image.tar', 'test-oci-zstd-image.tar', 'test-oci-uncompressed-image.tar']) {
    const { out, imageId, info } = await h.open(fixture(name));
    assert.equal(info.format, 'oci-layout');
    assert.deepEqual(info.platforms, ['linux/arm64']);
    assert.ok(finalStates(out).every((s) => s.status === 'verified'), name);
    const r = await h.rows(imageId, { layer: 0, expanded: ['*'] });
    assert.ok('rows' in r);
    views.push(JSON.stringify(r.rows));
  }
  assert.deepEqual(finalStates((await h.open(fixture('test-oci-zstd-image.tar'))).out).map((s) => s.compression), ['zstd']);
  assert.equal(new Set(views).size, 1);
});

test('re-opening an image reads every layer index from the cache and streams no layer blob', async () => {
  const cache = createMemoryLayerCache();
  const h = harness(cache);
  const first = await h.open(fixture('test-docker-image.tar'));
  assert.equal(cache.size, 14);
  const file = fixture('test-docker-image.tar');
  let streams = 0;
  const slice = file.slice.bind(file);
  file.slice = (...args: Parameters<Blob['slice']>) => {
    const b = slice(...args);
    const stream = b.stream.bind(b);
    b.stream = () => { streams++; return stream(); };
    return b;
  };
  const second = await h.open(file);
  assert.equal(streams, 0);
  assert.ok(finalStates(second.out).every((s) => s.status === 'cached'), JSON.stringify(finalStates(second.out).map((s) => s.status)));
  const m1 = first.out.find((m) => m.type === 'metrics');
  const m2 = second.out.find((m) => m.type === 'metrics');
  assert.deepEqual(m2, { ...m1!, id: m2!.id, imageId: second.imageId } as Sent);
  const a = await h.rows(first.imageId, { expanded: ['*'] });
  const b = await h.rows(second.imageId, { expanded: ['*'] });
  assert.deepEqual(b, { ...a, id: (b as { id: number }).id });
  const [content] = await h.request({ type: 'file', imageId: second.imageId, path: '/somefile.txt', layer: 13, maxBytes: 10 });
  assert.equal(content?.type, 'file', 'file contents still stream from the source');
});

test('re-opening an image adopts its stored union tree instead of stacking again, with the same rows and metrics', async () => {
  const cache = createMemoryLayerCache();
  const stacks = { gets: 0, hits: 0, puts: 0 };
  const getStack = cache.getStack!.bind(cache);
  const putStack = cache.putStack!.bind(cache);
  const counted: LayerCache = {
    ...cache,
    getStack: async (key) => { stacks.gets++; const hit = await getStack(key); if (hit) stacks.hits++; return hit; },
    putStack: async (key, entry) => { stacks.puts++; return putStack(key, entry); },
  };
  const h = harness(counted);
  const first = await h.open(fixture('test-docker-image.tar'));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(stacks, { gets: 1, hits: 0, puts: 1 });
  const second = await h.open(fixture('test-docker-image.tar'));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(stacks, { gets: 2, hits: 1, puts: 1 }, 'the adopted tree is not stored again');
  const m1 = first.out.find((m) => m.type === 'metrics');
  const m2 = second.out.find((m) => m.type === 'metrics');
  assert.deepEqual(m2, { ...m1!, id: m2!.id, imageId: second.imageId } as Sent);
  for (const view of [{ expanded: ['*'] }, { layer: 5, expanded: ['*'] }, { mode: 'layer' as const, layer: 7, expanded: ['*'] }]) {
    const a = await h.rows(first.imageId, view);
    const b = await h.rows(second.imageId, view);
    assert.deepEqual(b, { ...a, id: (b as { id: number }).id });
  }
  assert.deepEqual(finalStates(second.out).map((s) => s.stats), finalStates(first.out).map((s) => s.stats));
});

test('a cached reopen answers the default first page from the stored preview before the tree is read, as the tree would', async () => {
  const cache = createMemoryLayerCache();
  let release: () => void = () => undefined;
  let gated = false;
  const gate = new Promise<void>((r) => { release = r; });
  const getStack = cache.getStack!.bind(cache);
  const slow: LayerCache = { ...cache, getStack: async (key) => { if (gated) await gate; return getStack(key); } };
  const h = harness(slow);
  const first = await h.open(fixture('test-docker-image.tar'));
  await new Promise((r) => setTimeout(r, 20));
  const expected = await h.rows(first.imageId, {}, 0, 100);
  gated = true;
  const reopening = h.request({ type: 'open', source: { kind: 'file', file: fixture('test-docker-image.tar') }, proxyBase: '/proxy' });
  let imageId: string | undefined;
  for (let i = 0; i < 200 && imageId === undefined; i++) {
    await new Promise((r) => setTimeout(r, 5));
    const m = h.sent.find((x) => x.type === 'image' && x.info.imageId !== first.imageId);
    if (m?.type === 'image') imageId = m.info.imageId;
  }
  assert.ok(imageId);
  let early = await h.rows(imageId, {}, 0, 100);
  for (let i = 0; i < 200 && 'rows' in early && early.total === 0; i++) {
    await new Promise((r) => setTimeout(r, 5));
    early = await h.rows(imageId, {}, 0, 100);
  }
  assert.deepEqual(early, { ...expected, id: (early as { id: number }).id }, 'the preview gives the rows the tree gives');
  const expandedEarly = await h.rows(imageId, { expanded: ['*'] });
  assert.ok('rows' in expandedEarly && expandedEarly.partial, 'other views wait for the tree');
  release();
  await reopening;
  const expandedLate = await h.rows(imageId, { expanded: ['*'] });
  const expandedFirst = await h.rows(first.imageId, { expanded: ['*'] });
  assert.deepEqual(expandedLate, { ...expandedFirst, id: (expandedLate as { id: number }).id });
});

test('a preview whose stored tree is gone is not used: the reopen stacks its layers again', async () => {
  const cache = createMemoryLayerCache();
  const h = harness({ ...cache, getStack: async () => undefined });
  const first = await h.open(fixture('test-docker-image.tar'));
  await new Promise((r) => setTimeout(r, 20));
  const key = stackKeyOf(first.info.layers.map((l) => l.digest ?? l.diffId ?? undefined))!;
  assert.ok(await cache.getPreview!(key) !== undefined, 'a preview was stored');
  const second = await h.open(fixture('test-docker-image.tar'));
  const a = await h.rows(first.imageId, {}, 0, 100);
  const b = await h.rows(second.imageId, {}, 0, 100);
  assert.deepEqual(b, { ...a, id: (b as { id: number }).id });
});

test('B4 a full cache is reported as a layer warning, caching stops, and the image still opens', async () => {
  const h = harness(createMemoryLayerCache({ quotaBytes: 4096 }));
  const { out } = await h.open(fixture('test-docker-image.tar'));
  const states = finalStates(out);
  const full = states.filter((s) => s.warnings.some((w) => w.code === 'CACHE_FULL'));
  assert.equal(full.length, 1, 'reported once, then caching is off');
  assert.ok(states.every((s) => s.status === 'verified'));
  assert.equal(out.at(-1)?.type, 'done');
});

test('B6 after clearCache (or an eviction) the layers are simply downloaded again', async () => {
  const cache = createMemoryLayerCache();
  const h = harness(cache);
  await h.open(fixture('test-oci-gzip-image.tar'));
  const [done] = await h.request({ type: 'clearCache' });
  assert.equal(done?.type, 'done');
  assert.equal(cache.size, 0);
  const { out } = await h.open(fixture('test-oci-gzip-image.tar'));
  assert.deepEqual(finalStates(out).map((s) => s.status), ['verified']);
});

test('a corrupt layer is reported failed and never stacked; views above it and the metrics are partial', async () => {
  const bytes = new Uint8Array(readFileSync(`${dir}/test-docker-image.tar`));
  const at = Buffer.from(bytes).indexOf('root/example/somefile2.txt');
  bytes[at + 512 + 40]! ^= 0xff; // a byte of the file body inside layer 5's layer.tar
  const h = harness();
  const { out, imageId } = await h.open(new File([bytes], 'corrupt.tar'));
  const states = finalStates(out);
  assert.equal(states[5]!.status, 'failed');
  assert.equal(states[5]!.error?.code, 'DIGEST_MISMATCH');
  assert.equal(states[5]!.stats, null);
  assert.ok(states.filter((s) => s.index !== 5).every((s) => s.status === 'verified'));
  const metrics = out.find((m) => m.type === 'metrics');
  assert.ok(metrics?.type === 'metrics' && metrics.metrics.partial);
  const below = await h.rows(imageId, { layer: 4 });
  const above = await h.rows(imageId, { layer: 13, expanded: ['/root'] });
  assert.ok('rows' in below && 'rows' in above);
  assert.equal(below.partial, false);
  assert.equal(above.partial, true);
  assert.equal(above.asOfLayer, 13);
  const failed = await h.rows(imageId, { layer: 5 });
  assert.ok('rows' in failed);
  assert.deepEqual({ partial: failed.partial, asOfLayer: failed.asOfLayer }, { partial: true, asOfLayer: 4 });
});

test('cancel aborts an open and close drops an image: later requests say the image is not open', async () => {
  const h = harness();
  const opening = h.request({ type: 'open', source: { kind: 'file', file: fixture('test-docker-image.tar') }, proxyBase: '/proxy' });
  await h.handler.handle({ type: 'cancel', id: 999, target: 1 });
  const out = await opening;
  assert.deepEqual(out.at(-1) && { type: out.at(-1)!.type, code: (out.at(-1) as { code?: string }).code }, { type: 'error', code: 'ABORTED' });
  assert.equal(h.handler.openImages, 0);
  const { imageId } = await h.open(fixture('test-oci-gzip-image.tar'));
  const [closed] = await h.request({ type: 'close', imageId });
  assert.equal(closed?.type, 'done');
  const r = await h.rows(imageId, {});
  assert.ok('error' in r);
  assert.equal(r.error.code, 'IMAGE_UNKNOWN');
});
