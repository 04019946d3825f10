// The handler's `compare` and `describe` requests, driven directly: dive's real archives from ../shared/fixtures
// (the gzip and zstd OCI archives hold the same layer recompressed), and a fake registry for describe.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { MEDIA } from '../../core/oci/media-types.ts';
import type { CompareFilter, Response } from '../../protocol/messages.ts';
import { FakeRegistry } from '../../testing/fake-registry.ts';
import { buildImage } from '../../testing/image-fixture.ts';
import { webCodecs } from '../codecs/web-codecs.ts';
import { createAnalysisHandler } from './handler.ts';

const dir = resolve(import.meta.dirname, '../../../../shared/fixtures/dive');
const fixture = (name: string) => new File([readFileSync(`${dir}/${name}`)], name);

function harness(options: { origin?: string } = {}) {
  const sent: Response[] = [];
  const handler = createAnalysisHandler({ post: (m) => void sent.push(m), codecs: webCodecs, ...options });
  let id = 0;
  const request = async (r: Record<string, unknown>) => {
    const rid = ++id;
    await handler.handle({ ...r, id: rid });
    return sent.filter((m) => m.id === rid);
  };
  const open = async (name: string) => {
    const out = await request({ type: 'open', source: { kind: 'file', file: fixture(name) }, proxyBase: '/proxy' });
    const image = out.find((m) => m.type === 'image');
    assert.ok(image?.type === 'image', JSON.stringify(out.find((m) => m.type === 'error')));
    return image.info.imageId;
  };
  const compare = async (imageIdA: string, imageIdB: string, filter?: CompareFilter, start = 0, count = 1000) => {
    const [r] = await request({ type: 'compare', imageIdA, imageIdB, start, count, ...(filter ? { filter } : {}) });
    assert.ok(r, 'no answer');
    return r;
  };
  return { handler, request, open, compare };
}

const answer = (r: Response) => {
  assert.ok(r.type === 'compare', JSON.stringify(r));
  return r;
};

test('the gzip and zstd OCI archives share their one layer by diffId only (recompressed) and differ in no file', async () => {
  const h = harness();
  const a = await h.open('test-oci-gzip-image.tar');
  const b = await h.open('test-oci-zstd-image.tar');
  const c = answer(await h.compare(a, b));
  assert.deepEqual(c.shared, []);
  assert.equal(c.sharedByDiffId.length, 1);
  assert.notEqual(c.sharedByDiffId[0]!.digestA, c.sharedByDiffId[0]!.digestB);
  assert.deepEqual([c.onlyA, c.onlyB, c.firstDifference, c.total, c.sizeDelta, c.partial], [[], [], null, 0, 0, false]);
});

test("dive's docker image against the OCI image: first difference at layer 0, files sorted by size impact, windows join up", async () => {
  const h = harness();
  const a = await h.open('test-docker-image.tar');
  const b = await h.open('test-oci-gzip-image.tar');
  const all = answer(await h.compare(a, b));
  assert.equal(all.firstDifference, 0);
  assert.equal(all.shared.length, 0);
  assert.equal(all.onlyA.length, 14);
  assert.equal(all.total, all.counts.added + all.counts.removed + all.counts.modified);
  assert.ok(all.total > 10, `${all.total} changes`);
  const impact = all.files.map((f) => Math.abs((f.sizeB ?? 0) - (f.sizeA ?? 0)));
  assert.deepEqual(impact, [...impact].sort((x, y) => y - x));
  const removed = all.files.find((f) => f.path === '/root/saved.txt');
  assert.deepEqual(removed && [removed.change, removed.sizeA, removed.sizeB, removed.layerA, removed.layerB], ['removed', 6405, null, 13, null]);
  assert.equal(all.sizeDelta, all.files.reduce((s, f) => s + (f.sizeB ?? 0) - (f.sizeA ?? 0), 0));
  const w1 = answer(await h.compare(a, b, undefined, 0, 5));
  const w2 = answer(await h.compare(a, b, undefined, 5, 5));
  assert.equal(w1.total, all.total);
  assert.deepEqual([...w1.files, ...w2.files].map((f) => f.path), all.files.slice(0, 10).map((f) => f.path));
});

test('a filter by change kind and search narrows the rows; counts and sizeDelta stay those of the whole diff', async () => {
  const h = harness();
  const a = await h.open('test-docker-image.tar');
  const b = await h.open('test-oci-gzip-image.tar');
  const all = answer(await h.compare(a, b));
  const removed = answer(await h.compare(a, b, { kinds: ['removed'], search: '' }));
  assert.equal(removed.total, all.counts.removed);
  assert.ok(removed.files.every((f) => f.change === 'removed'));
  const txt = answer(await h.compare(a, b, { kinds: [], search: '/root/*.txt' }));
  assert.deepEqual(txt.files.map((f) => f.path).sort(), ['/root/.saved.txt', '/root/saved.txt']);
  assert.deepEqual([txt.counts, txt.sizeDelta], [all.counts, all.sizeDelta]);
  const bad = await h.compare(a, b, { kinds: [], search: '/[/' });
  assert.deepEqual(bad.type === 'error' && bad.code, 'SEARCH_INVALID');
});

test('compare names an image that is not open, and forgets the pair when an image closes', async () => {
  const h = harness();
  const a = await h.open('test-oci-gzip-image.tar');
  const gone = await h.compare(a, 'image-99');
  assert.deepEqual(gone.type === 'error' && gone.code, 'IMAGE_UNKNOWN');
  const b = await h.open('test-oci-zstd-image.tar');
  answer(await h.compare(a, b));
  await h.request({ type: 'close', imageId: b });
  const closed = await h.compare(a, b);
  assert.deepEqual(closed.type === 'error' && closed.code, 'IMAGE_UNKNOWN');
  const badWindow = await h.compare(a, a, undefined, -1, 10);
  assert.deepEqual(badWindow.type === 'error' && badWindow.code, 'BAD_REQUEST');
});

let registry: FakeRegistry;
before(async () => {
  registry = await FakeRegistry.start();
  const img = buildImage({ layers: [[{ name: 'etc/os-release', body: 'ID=strata\n' }], [{ name: 'app/run', body: 'run' }]] });
  for (const l of img.layers) registry.addBlob('demo/app', l.bytes);
  registry.addBlob('demo/app', img.config.bytes);
  registry.addManifest('demo/app', 'v1', img.manifest.bytes, MEDIA.ociManifest);
});
after(async () => {
  await registry.close();
});

test('describe answers one image message from the manifest and config alone: no layer blob is read, nothing stays open', async () => {
  const h = harness({ origin: registry.url });
  const out = await h.request({ type: 'describe', source: { kind: 'registry', reference: `${registry.host}/demo/app:v1` }, proxyBase: '/proxy' });
  assert.deepEqual(out.map((m) => m.type), ['image']);
  const info = out[0]!.type === 'image' ? out[0]!.info : undefined;
  assert.equal(info?.layers.length, 2);
  assert.ok(info?.layers.every((l) => l.digest !== null && l.diffId !== null && (l.size ?? 0) > 0));
  const blobReads = registry.requestsTo('/blobs/').filter((r) => r.method === 'GET');
  assert.equal(blobReads.length, 1, 'only the config blob');
  assert.equal(h.handler.openImages, 0);
});
