// The handler's registry source against the scriptable fake registry (127.0.0.1): same-origin for the page's
// own host, the proxy for every other host, platforms from the index, Basic credentials, errors, and layers
// shared between images read from the cache instead of the network.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerState, Response } from '../../protocol/messages.ts';
import { FakeRegistry } from '../../testing/fake-registry.ts';
import { buildImage, buildIndex } from '../../testing/image-fixture.ts';
import { MEDIA } from '../../core/oci/media-types.ts';
import { webCodecs } from '../codecs/web-codecs.ts';
import { createAnalysisHandler } from './handler.ts';
import { createMemoryLayerCache, type LayerCache } from './layer-cache.ts';

const base = [{ name: 'etc/os-release', body: 'ID=strata\n' }, { name: 'bin/tool', body: 'TOOL' }];
const amd = buildImage({ layers: [base, [{ name: 'app/amd64.txt', body: 'amd64' }]] });
const arm = buildImage({ layers: [base, [{ name: 'app/arm64.txt', body: 'arm64' }]], platform: { os: 'linux', architecture: 'arm64' } });
let registry: FakeRegistry;
let secured: FakeRegistry;

function publish(r: FakeRegistry, repo: string) {
  for (const img of [amd, arm]) {
    for (const l of img.layers) r.addBlob(repo, l.bytes);
    r.addBlob(repo, img.config.bytes);
    r.addManifest(repo, undefined, img.manifest.bytes, MEDIA.ociManifest);
  }
  r.addManifest(repo, 'arm', arm.manifest.bytes, MEDIA.ociManifest);
  const index = buildIndex([
    { ...amd.manifest.descriptor, platform: { os: 'linux', architecture: 'amd64' } },
    { ...arm.manifest.descriptor, platform: { os: 'linux', architecture: 'arm64' } },
  ]);
  r.addManifest(repo, 'multi', index.bytes, MEDIA.ociIndex);
}

before(async () => {
  registry = await FakeRegistry.start();
  publish(registry, 'demo/app');
  secured = await FakeRegistry.start({ auth: { kind: 'basic', users: { alice: 's3cret' } } });
  publish(secured, 'team/app');
});

after(async () => {
  await registry.close();
  await secured.close();
});

function harness(options: { origin: string; cache?: LayerCache; fetch?: typeof fetch }) {
  const handler = createAnalysisHandler({ post: (m) => void sent.push(m), codecs: webCodecs, ...options });
  const sent: Response[] = [];
  let id = 0;
  const open = async (source: Record<string, unknown>, proxyBase = '/proxy') => {
    const rid = ++id;
    await handler.handle({ type: 'open', id: rid, source: { kind: 'registry', ...source }, proxyBase });
    const out = sent.filter((m) => m.id === rid);
    const last = new Map<number, LayerState>();
    for (const m of out) if (m.type === 'layer') last.set(m.state.index, m.state);
    return { out, states: [...last.values()].sort((a, b) => a.index - b.index), image: out.find((m) => m.type === 'image'), error: out.find((m) => m.type === 'error') };
  };
  const rows = async (imageId: string, layer: number) => {
    const rid = ++id;
    await handler.handle({ type: 'rows', id: rid, imageId, view: { mode: 'merged', layer, expanded: ['*'], kinds: [], search: '', sort: 'name' }, start: 0, count: 100 });
    const r = sent.find((m) => m.id === rid);
    assert.ok(r?.type === 'rows');
    return r.rows.map((x) => x.path);
  };
  return { open, rows };
}

test("a reference to the page's own host is read same-origin, with the platform asked for and the index's platforms listed", async () => {
  const h = harness({ origin: registry.url });
  const { image, states, out, error } = await h.open({ reference: `${registry.host}/demo/app:multi`, platform: 'linux/arm64' });
  assert.equal(error, undefined, JSON.stringify(error));
  assert.ok(image?.type === 'image');
  assert.equal(image.info.format, 'registry');
  assert.equal(image.info.platform, 'linux/arm64');
  assert.deepEqual(image.info.platforms, ['linux/amd64', 'linux/arm64']);
  assert.match(image.info.platformChoice ?? '', /linux\/arm64/);
  assert.deepEqual(states.map((s) => [s.status, s.compression]), [['verified', 'gzip'], ['verified', 'gzip']]);
  assert.equal(out.at(-1)?.type, 'done');
  assert.deepEqual(await h.rows(image.info.imageId, 1), ['/app', '/app/arm64.txt', '/bin', '/bin/tool', '/etc', '/etc/os-release']);
});

test('any other registry host is reached through the proxy base', async () => {
  const urls: string[] = [];
  const viaProxy: typeof fetch = (input, init) => {
    const url = String(input);
    urls.push(url);
    const m = /^http:\/\/page\.test\/proxy\/([^/]+)(\/.*)$/.exec(url);
    return m ? globalThis.fetch(`http://${m[1]}${m[2]}`, init) : Promise.reject(new TypeError(`not through the proxy: ${url}`));
  };
  const h = harness({ origin: 'http://page.test', fetch: viaProxy });
  const { states, error } = await h.open({ reference: `${registry.host}/demo/app:arm` }, 'http://page.test/proxy');
  assert.equal(error, undefined, JSON.stringify(error));
  assert.ok(states.every((s) => s.status === 'verified'));
  assert.ok(urls.length >= 4 && urls.every((u) => u.startsWith(`http://page.test/proxy/${registry.host}/v2/`)), urls.join('\n'));
});

test('basic credentials are passed to the registry client; without them the error says what to do', async () => {
  const h = harness({ origin: secured.url });
  const ok = await h.open({ reference: `${secured.host}/team/app:arm`, credentials: { username: 'alice', password: 's3cret' } });
  assert.equal(ok.error, undefined, JSON.stringify(ok.error));
  const denied = await h.open({ reference: `${secured.host}/team/app:arm` });
  assert.ok(denied.error?.type === 'error');
  assert.equal(denied.error.code, 'UNAUTHORIZED');
  assert.match(denied.error.message, /credentials/);
});

test('registry errors arrive as error messages with the registry code: unknown tag, bad reference, bad platform', async () => {
  const h = harness({ origin: registry.url });
  const codes = [];
  for (const source of [{ reference: `${registry.host}/demo/app:nope` }, { reference: 'Not A Reference' }, { reference: `${registry.host}/demo/app:multi`, platform: 'linux' }]) {
    const { error, image } = await h.open(source);
    assert.equal(image, undefined);
    codes.push(error?.type === 'error' ? error.code : 'none');
  }
  assert.deepEqual(codes, ['MANIFEST_UNKNOWN', 'NAME_INVALID', 'PLATFORM_INVALID']);
});

test('an image sharing a layer with one opened before reads that layer from the cache, not the registry', async () => {
  const h = harness({ origin: registry.url, cache: createMemoryLayerCache() });
  const baseBlob = `/v2/demo/app/blobs/${amd.layers[0]!.descriptor.digest}`;
  const before = registry.requestsTo(baseBlob).length;
  const first = await h.open({ reference: `${registry.host}/demo/app:multi`, platform: 'linux/amd64' });
  assert.deepEqual(first.states.map((s) => s.status), ['verified', 'verified']);
  const second = await h.open({ reference: `${registry.host}/demo/app:multi`, platform: 'linux/arm64' });
  assert.deepEqual(second.states.map((s) => s.status), ['cached', 'verified']);
  assert.equal(registry.requestsTo(baseBlob).filter((r) => r.method === 'GET').length - before, 1);
});
