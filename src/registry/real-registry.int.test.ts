// Integration: push to and pull from a real distribution registry (docker-registry 2.8, htpasswd auth) with our own
// client, then let skopeo inspect what we pushed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { MEDIA } from '../core/oci/media-types.ts';
import { buildImage, buildIndex, noiseBytes, sha256Of } from '../testing/image-fixture.ts';
import { isRealRegistryInstalled, startRealRegistry, type RealRegistry } from '../testing/real-registry.ts';
import { createTestClient, drain, rejection } from '../testing/registry-test-kit.ts';
import { pushBlob, pushBlobStream, pushImage, pushManifest, statBlob } from './push.ts';
import type { RegistryClient } from './registry-client.ts';
import { resolveImage } from './resolve-image.ts';

const run = promisify(execFile);
const skip = isRealRegistryInstalled() ? false : 'docker-registry is not installed (apt-get install docker-registry)';
const user = { username: 'strata', password: 'p@ss wörd' };
const creds = { kind: 'basic' as const, ...user };
const amd64 = buildImage({ layers: [[{ name: 'etc/', type: 'dir' }, { name: 'etc/os-release', body: 'ID=strata\n' }], [{ name: 'app/run.sh', body: '#!/bin/sh\necho hi\n', mode: 0o755 }]] });
const arm64 = buildImage({ layers: [[{ name: 'arch', body: 'arm64' }]], platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });

let registry: RealRegistry | undefined;
let client: RegistryClient;
let pushedDigest = '';

before(async () => {
  if (skip) return;
  registry = await startRealRegistry({ user });
  client = createTestClient(registry.host, { credentials: creds });
});
after(async () => {
  await registry?.stop();
});

describe('real registry (docker-registry 2.8)', { skip }, () => {
  test('ping learns the Basic challenge; anonymous pulls are refused with a --creds hint', async () => {
    const ping = await client.ping();
    assert.equal(ping.auth, 'basic');
    assert.equal(ping.scheme, 'http');
    const e = await rejection(createTestClient(registry!.host).getManifest('strata/test', 'v1'));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.match(e.message, /--creds/);
  });

  test('pushes an image (blobs by monolithic upload, manifest last) and pulls it back verified', async () => {
    const pushed = await pushImage(client, 'strata/test', 'v1', {
      config: { bytes: amd64.config.bytes, mediaType: MEDIA.ociConfig },
      layers: amd64.layers.map((l) => ({ bytes: l.bytes, mediaType: MEDIA.ociLayerGzip })),
    });
    pushedDigest = pushed.digest;
    assert.equal(pushed.digest, sha256Of(pushed.manifest));
    const resolved = await resolveImage(client, `${registry!.host}/strata/test:v1`);
    assert.equal(resolved.manifestDigest, pushed.digest);
    assert.deepEqual(resolved.config?.diffIds, amd64.layers.map((l) => l.diffId));
    for (const [i, l] of resolved.manifest.layers.entries()) {
      const bytes = await drain(client.verifiedChunks('strata/test', l));
      assert.equal(sha256Of(bytes), amd64.layers[i]!.descriptor.digest);
    }
    const again = await pushBlob(client, 'strata/test', amd64.layers[0]!.bytes);
    assert.equal(again.how, 'existed');
  });

  test('pushes blobs by chunked upload, from memory and from a stream', async () => {
    const big = noiseBytes(300 * 1024, 11);
    const chunked = await pushBlob(client, 'strata/chunks', big, { mode: 'chunked', chunkSize: 64 * 1024, skipExisting: false });
    assert.equal(chunked.digest, sha256Of(big));
    assert.equal(await statBlob(client, 'strata/chunks', chunked.digest), big.byteLength);
    const streamed = noiseBytes(150 * 1024 + 17, 12);
    async function* pieces(): AsyncGenerator<Uint8Array> {
      for (let at = 0; at < streamed.byteLength; at += 10_000) yield streamed.subarray(at, at + 10_000);
    }
    const fromStream = await pushBlobStream(client, 'strata/chunks', pieces(), { chunkSize: 40 * 1024 });
    assert.equal(fromStream.digest, sha256Of(streamed));
    assert.equal(fromStream.size, streamed.byteLength);
    const back = await drain(client.verifiedChunks('strata/chunks', { mediaType: 'application/octet-stream', digest: fromStream.digest, size: streamed.byteLength }));
    assert.equal(sha256Of(back), fromStream.digest);
  });

  test('resolves a multi-platform index to the chosen platform', async () => {
    const arm = await pushImage(client, 'strata/multi', 'arm64-only', {
      config: { bytes: arm64.config.bytes, mediaType: MEDIA.ociConfig },
      layers: arm64.layers.map((l) => ({ bytes: l.bytes, mediaType: MEDIA.ociLayerGzip })),
    });
    const amd = await pushImage(client, 'strata/multi', 'amd64-only', {
      config: { bytes: amd64.config.bytes, mediaType: MEDIA.ociConfig },
      layers: amd64.layers.map((l) => ({ bytes: l.bytes, mediaType: MEDIA.ociLayerGzip })),
    });
    const index = buildIndex([
      { mediaType: MEDIA.ociManifest, digest: amd.digest, size: amd.manifest.byteLength, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: MEDIA.ociManifest, digest: arm.digest, size: arm.manifest.byteLength, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    await pushManifest(client, 'strata/multi', 'latest', index.bytes, MEDIA.ociIndex);
    const r = await resolveImage(client, `${registry!.host}/strata/multi:latest`, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(r.manifestDigest, arm.digest);
    assert.equal(r.index?.digest, index.descriptor.digest);
    assert.equal(r.config?.architecture, 'arm64');
  });

  // distribution 2.8 ignores `n` for tag lists (one page); Link pagination of tags is covered by listing.test.ts.
  test('lists tags and pages through the catalog by its Link headers', async () => {
    for (const t of ['v2', 'v3', 'v4', 'v5']) await pushManifest(client, 'strata/test', t, amd64.manifest.bytes, MEDIA.ociManifest);
    const tags = await client.listTags('strata/test', { pageSize: 2 });
    assert.deepEqual([...tags.items].sort(), ['v1', 'v2', 'v3', 'v4', 'v5']);
    assert.equal(tags.complete, true);
    assert.ok(tags.pages >= 1);
    const catalog = await client.listCatalog({ pageSize: 1 });
    assert.deepEqual([...catalog.items].sort(), ['strata/chunks', 'strata/multi', 'strata/test']);
    assert.equal(catalog.pages, 3, 'one repository per page, following Link headers');
  });

  test('skopeo inspect sees the pushed image', { skip: existsSync('/usr/bin/skopeo') ? false : 'skopeo is not installed' }, async () => {
    const { stdout } = await run('/usr/bin/skopeo', ['inspect', '--tls-verify=false', '--creds', `${user.username}:${user.password}`, `docker://${registry!.host}/strata/test:v1`], { timeout: 60_000 });
    const info = JSON.parse(stdout) as { Digest: string; Layers: string[]; Os: string; Architecture: string };
    assert.equal(info.Digest, pushedDigest);
    assert.deepEqual(info.Layers, amd64.layers.map((l) => l.descriptor.digest));
    assert.equal(info.Architecture, 'amd64');
  });
});
