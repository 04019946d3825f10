// Demo images: deterministic bytes (stable digests), built once and rebuilt when the folder is missing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { ensureDemoImages } from './build-demo-images.ts';

let work: string;
before(async () => { work = await mkdtemp(join(tmpdir(), 'strata-demo-')); });
after(async () => { await rm(work, { recursive: true, force: true }); });

test('builds the same bytes, and so the same digests, every time', async () => {
  await ensureDemoImages(join(work, 'a'));
  await ensureDemoImages(join(work, 'b'));
  for (const repo of ['layers', 'multiarch']) {
    assert.equal(await readFile(join(work, 'a', repo, 'index.json'), 'utf8'), await readFile(join(work, 'b', repo, 'index.json'), 'utf8'));
    assert.deepEqual((await readdir(join(work, 'a', repo, 'blobs', 'sha256'))).sort(), (await readdir(join(work, 'b', repo, 'blobs', 'sha256'))).sort());
  }
});

test('reuses a complete demo folder and rebuilds a missing one', async () => {
  const dir = join(work, 'c');
  const first = await ensureDemoImages(dir);
  assert.ok(first.images.includes('demo/layers:latest'));
  const lines: string[] = [];
  await ensureDemoImages(dir, (l) => lines.push(l));
  assert.equal(lines.length, 0);
  await rm(dir, { recursive: true });
  await ensureDemoImages(dir, (l) => lines.push(l));
  assert.ok(existsSync(join(dir, 'layers', 'index.json')));
  assert.equal(lines.length, 1);
});

test('demo/layers config lists a diffId per layer and history with empty_layer steps', async () => {
  const dir = join(work, 'a', 'layers');
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (digest: string): Promise<Buffer> => readFile(join(dir, 'blobs', 'sha256', digest.slice(7)));
  const manifest = JSON.parse((await blob(index.manifests[0]!.digest)).toString()) as { config: { digest: string }; layers: { digest: string; mediaType: string }[] };
  const config = JSON.parse((await blob(manifest.config.digest)).toString()) as { rootfs: { diff_ids: string[] }; history: { empty_layer?: boolean }[] };
  assert.equal(config.rootfs.diff_ids.length, manifest.layers.length);
  assert.equal(config.history.filter((h) => !h.empty_layer).length, manifest.layers.length);
  assert.ok(config.history.some((h) => h.empty_layer));
  assert.ok(manifest.layers.every((l) => l.mediaType === 'application/vnd.oci.image.layer.v1.tar+gzip'));
  const cleanup = gunzipSync(await blob(manifest.layers[2]!.digest)).toString('latin1');
  assert.match(cleanup, /etc\/\.wh\.app\.conf/);
  assert.match(cleanup, /opt\/app\/cache\/\.wh\.\.wh\.\.opq/);
});
