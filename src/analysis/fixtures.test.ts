// The real images in ../shared/fixtures/dive (read in place): all load; the four OCI archives give identical
// merged trees; docker and kaniko builds agree on what the Dockerfile made; dive's own numbers are matched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { listRows } from '../core/tree/tree-rows.ts';
import { nodeCodecs } from '../node/codecs.ts';
import { openFileBlob } from '../node/file-blob.ts';
import { analyzeImage } from './analyze-image.ts';
import { resolveLayoutImage } from './sources/layout-image.ts';
import { openTarLayoutFiles } from './sources/tar-layout-files.ts';

const dir = resolve(import.meta.dirname, '../../../shared/fixtures/dive');

async function analyse(name: string, prefer: 'docker-archive' | 'oci-layout') {
  const files = await openTarLayoutFiles(await openFileBlob(`${dir}/${name}`), name);
  const image = await resolveLayoutImage(files, nodeCodecs, { prefer });
  return analyzeImage(image, nodeCodecs, { signal: new AbortController().signal });
}

const rowsText = (a: Awaited<ReturnType<typeof analyse>>) => listRows(a.tree).map((r) => JSON.stringify({ ...r, layer: undefined })).join('\n');

test('fixtures are present beside the repository', () => {
  assert.ok(existsSync(dir), `${dir} is missing: the tests read ../shared/fixtures in place`);
});

test('the four OCI archives (gzip, eStargz, zstd, plain) give identical merged trees', async () => {
  const names = ['test-oci-gzip-image.tar', 'test-oci-estargz-image.tar', 'test-oci-zstd-image.tar', 'test-oci-uncompressed-image.tar'];
  const results = await Promise.all(names.map((n) => analyse(n, 'oci-layout')));
  for (const r of results) {
    assert.equal(r.partial, false, `${r.image.source}: ${r.layers.map((l) => l.error?.message).join(' ')}`);
    assert.equal(r.layers.every((l) => l.status === 'verified'), true);
  }
  assert.deepEqual(results.map((r) => r.layers[0]!.compression), ['gzip', 'gzip', 'zstd', 'none']);
  const first = rowsText(results[0]!);
  assert.ok(first.length > 0);
  for (const r of results.slice(1)) assert.equal(rowsText(r), first);
  assert.equal(results[0]!.image.config.architecture, 'arm64');
});

test("dive's test image: efficiency, wasted bytes and size equal dive's own export", async () => {
  const a = await analyse('test-docker-image.tar', 'docker-archive');
  assert.equal(a.layers.length, 14);
  assert.equal(a.metrics.sizeBytes, 1220598);
  assert.equal(a.metrics.wastedBytes, 32025);
  assert.equal(a.metrics.efficiencyScore, 0.9844212134184309);
  assert.deepEqual(a.metrics.inefficiencies.map((i) => `${i.count} ${i.cumulativeSize} ${i.path}`).sort(), ['2 12810 /root/example/somefile1.txt', '2 12810 /root/saved.txt', '2 6405 /root/example/somefile3.txt'].sort());
  assert.equal(a.metrics.reclaimableBytes, 32025);
  const busybox = listRows(a.tree).filter((r) => r.link === '/bin/[');
  assert.ok(busybox.length > 300, 'busybox hardlinks resolve to /bin/[');
  assert.equal(a.history.steps.filter((s) => s.layerIndex === undefined).length, 1);
});

test('docker and kaniko builds of the same Dockerfile agree on the files the Dockerfile made', async () => {
  const [d, k] = await Promise.all([analyse('test-docker-image.tar', 'docker-archive'), analyse('test-kaniko-image.tar', 'docker-archive')]);
  assert.equal(k.partial, false);
  assert.equal(k.layers[1]!.compression, 'gzip');
  const made = ['/somefile.txt', '/root/saved.txt', '/root/.saved.txt', '/tmp/saved.again1.txt', '/root/.data/saved.again2.txt'];
  // Content and permissions of the copied README differ between the two builds (different build contexts);
  // what the Dockerfile steps did — which paths exist, their types and owners — must agree.
  const pick = (a: typeof d) => new Map(listRows(a.tree).map((r) => [r.path, `${r.type} ${r.uid}:${r.gid}`]));
  const dm = pick(d);
  const km = pick(k);
  for (const p of made) assert.equal(km.get(p), dm.get(p), p);
  for (const gone of ['/root/example', '/root/example/somefile3.txt']) {
    assert.equal(dm.has(gone), false);
    assert.equal(km.has(gone), false);
  }
});
