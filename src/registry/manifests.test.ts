import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MANIFEST_ACCEPT, MEDIA } from '../core/oci/media-types.ts';
import { FakeRegistry } from '../testing/fake-registry.ts';
import { buildImage, buildIndex, descriptorOf, sha256Of } from '../testing/image-fixture.ts';
import { createTestClient, rejection, type FetchLog } from '../testing/registry-test-kit.ts';
import { resolveImage } from './resolve-image.ts';

const enc = new TextEncoder();
const amd64 = buildImage({ layers: [[{ name: 'a.txt', body: 'amd64' }]] });
const arm64 = buildImage({ layers: [[{ name: 'a.txt', body: 'arm64' }]], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
let fake: FakeRegistry;

before(async () => {
  fake = await FakeRegistry.start();
  for (const img of [amd64, arm64]) {
    for (const l of img.layers) fake.addBlob('multi/app', l.bytes);
    fake.addBlob('multi/app', img.config.bytes);
    fake.addManifest('multi/app', undefined, img.manifest.bytes, MEDIA.ociManifest);
  }
  fake.addManifest('multi/app', 'single', amd64.manifest.bytes, MEDIA.ociManifest);
});
after(() => fake.close());

describe('manifest requests', () => {
  test('P5 every manifest request sends the full Accept list; a schema1 answer is refused as deprecated', async () => {
    const log: FetchLog = [];
    const client = createTestClient(fake.host, { log });
    await client.getManifest('multi/app', 'single');
    const accept = log.filter((l) => l.url.includes('/manifests/')).map((l) => l.headers.get('accept'));
    assert.ok(accept.length > 0 && accept.every((a) => a === MANIFEST_ACCEPT));
    for (const t of [MEDIA.ociIndex, MEDIA.ociManifest, MEDIA.dockerList, MEDIA.dockerManifest]) assert.ok(MANIFEST_ACCEPT.includes(t));
    fake.script({ path: '/v2/multi/app/manifests/old', fault: { kind: 'status', status: 200, headers: { 'content-type': MEDIA.dockerSchema1Signed }, body: '{"schemaVersion":1,"name":"multi/app","tag":"old","fsLayers":[]}' } });
    const e = await rejection(client.getManifest('multi/app', 'old'));
    assert.equal(e.code, 'UNSUPPORTED');
    assert.match(e.message, /schema 1.*deprecated/);
  });

  test('P6 a body mediaType that disagrees with Content-Type is rejected as a media type mismatch', async () => {
    const list = buildIndex([amd64.manifest.descriptor], MEDIA.dockerList);
    fake.script({ path: '/v2/multi/app/manifests/liar', fault: { kind: 'status', status: 200, headers: { 'content-type': MEDIA.ociManifest }, body: list.bytes } });
    const e = await rejection(createTestClient(fake.host).getManifest('multi/app', 'liar'));
    assert.equal(e.code, 'MANIFEST_INVALID');
    assert.match(e.message, /media type mismatch/);
  });

  test('P7 Content-Type parameters such as charset are ignored', async () => {
    fake.script({ path: '/v2/multi/app/manifests/single', fault: { kind: 'headers', headers: { 'content-type': `${MEDIA.ociManifest}; charset=utf-8` } } });
    const got = await createTestClient(fake.host).getManifest('multi/app', 'single');
    assert.equal(got.mediaType, MEDIA.ociManifest);
    assert.equal(got.document.kind, 'manifest');
  });

  test('P8 pulling by digest verifies the bytes and names both digests on a mismatch', async () => {
    const wanted = amd64.manifest.descriptor.digest;
    const other = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: amd64.config.descriptor, layers: [] }));
    fake.script({ path: `/v2/multi/app/manifests/${wanted}`, fault: { kind: 'body', body: other } });
    const e = await rejection(createTestClient(fake.host).getManifest('multi/app', wanted));
    assert.equal(e.code, 'DIGEST_MISMATCH');
    assert.ok(e.message.includes(wanted) && e.message.includes(sha256Of(other)), e.message);
  });

  test('P9 pulling by tag computes the digest; a wrong or missing Docker-Content-Digest is not fatal', async () => {
    const client = createTestClient(fake.host);
    fake.script({ path: '/v2/multi/app/manifests/single', fault: { kind: 'headers', headers: { 'docker-content-digest': `sha256:${'0'.repeat(64)}` } } });
    const wrong = await client.getManifest('multi/app', 'single');
    assert.equal(wrong.digest, amd64.manifest.descriptor.digest);
    assert.equal(wrong.headerDigest, `sha256:${'0'.repeat(64)}`);
    fake.script({ path: '/v2/multi/app/manifests/bare', fault: { kind: 'status', status: 200, headers: { 'content-type': MEDIA.ociManifest }, body: amd64.manifest.bytes } });
    const bare = await client.getManifest('multi/app', 'bare');
    assert.equal(bare.digest, amd64.manifest.descriptor.digest);
    assert.equal(bare.headerDigest, undefined);
  });

  test('P10 a manifest over 4 MiB, 100 MiB or never-ending stops at the cap with "manifest too large"', async () => {
    const client = createTestClient(fake.host);
    const big = new Uint8Array(4 * 1024 * 1024 + 1).fill(0x20);
    fake.script({ path: '/v2/multi/app/manifests/big', fault: { kind: 'status', status: 200, headers: { 'content-type': MEDIA.ociManifest }, body: big } });
    const e1 = await rejection(client.getManifest('multi/app', 'big'));
    assert.equal(e1.code, 'TOO_LARGE');
    assert.match(e1.message, /manifest too large/);
    fake.script({ path: '/v2/multi/app/manifests/single', fault: { kind: 'endless' } });
    const e2 = await rejection(client.getManifest('multi/app', 'single'));
    assert.equal(e2.code, 'TOO_LARGE');
    fake.script({ path: '/v2/multi/app/manifests/single', fault: { kind: 'wrong-length', contentLength: 100 * 1024 * 1024 } });
    const e3 = await rejection(client.getManifest('multi/app', 'single'));
    assert.equal(e3.code, 'TOO_LARGE', 'a declared 100 MiB is refused before reading, whatever the body');
    assert.match(e3.message, /manifest too large/);
  });

  test('P11 index entries with unknown media or artifact types cause no error and are never fetched', async () => {
    const unknown = descriptorOf(enc.encode('{"x":1}'), 'application/vnd.example.sbom+json', { artifactType: 'application/spdx+json' });
    const index = buildIndex([{ ...amd64.manifest.descriptor, platform: { os: 'linux', architecture: 'amd64' } }, unknown]);
    fake.addManifest('multi/app', 'with-artifact', index.bytes, MEDIA.ociIndex);
    const log: FetchLog = [];
    const resolved = await resolveImage(createTestClient(fake.host, { log }), `${fake.host}/multi/app:with-artifact`);
    assert.equal(resolved.manifestDigest, amd64.manifest.descriptor.digest);
    assert.equal(resolved.index?.document.manifests.length, 2);
    assert.ok(!log.some((l) => l.url.includes(unknown.digest)));
  });

  test('P12 index → index → manifest resolves with an explicit platform choice', async () => {
    const inner = buildIndex([
      { ...amd64.manifest.descriptor, platform: { os: 'linux', architecture: 'amd64' } },
      { ...arm64.manifest.descriptor, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    fake.addManifest('multi/app', undefined, inner.bytes, MEDIA.ociIndex);
    const outer = buildIndex([{ ...inner.descriptor, platform: { os: 'linux', architecture: 'arm64' } }]);
    fake.addManifest('multi/app', 'nested', outer.bytes, MEDIA.ociIndex);
    const client = createTestClient(fake.host);
    const r = await resolveImage(client, `${fake.host}/multi/app:nested`, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(r.manifestDigest, arm64.manifest.descriptor.digest);
    assert.equal(r.indexes.length, 2);
    assert.match(r.platformChoice?.reason ?? '', /linux\/arm64/);
    assert.equal(r.config?.architecture, 'arm64');
    const none = await rejection(resolveImage(client, `${fake.host}/multi/app:nested`, { platform: { os: 'windows', architecture: 'amd64' } }));
    assert.equal(none.code, 'PLATFORM_NOT_FOUND');
  });

  test('P13 a manifest with zero layers and a {} config resolves; the config problem is reported, not thrown', async () => {
    const config = enc.encode('{}');
    fake.addBlob('multi/app', config);
    const m = enc.encode(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: descriptorOf(config, MEDIA.ociConfig), layers: [] }));
    fake.addManifest('multi/app', 'empty', m, MEDIA.ociManifest);
    const r = await resolveImage(createTestClient(fake.host), `${fake.host}/multi/app:empty`);
    assert.equal(r.manifest.layers.length, 0);
    assert.equal(r.config, undefined);
    assert.match(r.configProblem ?? '', /diff_ids/);
    assert.equal(r.configBytes?.byteLength, 2);
  });

  test('P14 malformed digests are rejected before any request; sha512 manifests are verified', async () => {
    const log: FetchLog = [];
    const client = createTestClient(fake.host, { log });
    for (const bad of [`sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, 'md5:abc']) {
      const e = await rejection(client.getManifest('multi/app', bad));
      assert.ok(e.code === 'DIGEST_INVALID' || e.code === 'UNSUPPORTED', `${bad}: ${e.code}`);
    }
    assert.equal(log.length, 0);
    const { createHash } = await import('node:crypto');
    const sha512 = `sha512:${createHash('sha512').update(amd64.manifest.bytes).digest('hex')}`;
    fake.manifests.set(`multi/app@${sha512}`, { bytes: amd64.manifest.bytes, mediaType: MEDIA.ociManifest });
    const got = await client.getManifest('multi/app', sha512);
    assert.equal(got.digest, sha512);
  });

  test('P15 a descriptor with size -1 or beyond MAX_SAFE_INTEGER makes the manifest invalid', async () => {
    for (const size of [-1, 2 ** 60]) {
      const m = enc.encode(`{"schemaVersion":2,"mediaType":"${MEDIA.ociManifest}","config":{"mediaType":"${MEDIA.ociConfig}","digest":"${amd64.config.descriptor.digest}","size":${size}},"layers":[]}`);
      fake.addManifest('multi/app', `size${size > 0 ? 'huge' : 'neg'}`, m, MEDIA.ociManifest);
      const e = await rejection(createTestClient(fake.host).getManifest('multi/app', `size${size > 0 ? 'huge' : 'neg'}`));
      assert.equal(e.code, 'MANIFEST_INVALID');
      assert.match(e.message, /invalid size/);
    }
  });

  test('P21 HEAD answered 405 falls back to GET', async () => {
    fake.script({ method: 'HEAD', path: '/v2/multi/app/manifests/single', fault: { kind: 'status', status: 405 } });
    const head = await createTestClient(fake.host).headManifest('multi/app', 'single');
    assert.equal(head.via, 'GET');
    assert.equal(head.digest, amd64.manifest.descriptor.digest);
    const plain = await createTestClient(fake.host).headManifest('multi/app', 'single');
    assert.equal(plain.via, 'HEAD');
    assert.equal(plain.size, amd64.manifest.bytes.byteLength);
  });
});
