// The failing-layer rule through the CLI (issue 7): a registry layer with one corrupted byte makes `inspect` and
// `tree` exit 1 naming the error, and `inspect --json` marks that layer `status: "failed"` with the error. Node side.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MEDIA } from '../src/core/oci/media-types.ts';
import { FakeRegistry } from '../src/testing/fake-registry.ts';
import { buildImage } from '../src/testing/image-fixture.ts';

const cli = fileURLToPath(new URL('./strata.mjs', import.meta.url));
const image = buildImage({ layers: [[{ name: 'etc/lower.txt', body: 'below' }], [{ name: 'etc/middle.txt', body: 'middle' }], [{ name: 'etc/upper.txt', body: 'above' }]] });
let fake: FakeRegistry;

before(async () => {
  fake = await FakeRegistry.start();
  for (const l of image.layers) fake.addBlob('bad/image', l.bytes);
  fake.addBlob('bad/image', image.config.bytes);
  fake.addManifest('bad/image', 'latest', image.manifest.bytes, MEDIA.ociManifest);
  // The registry serves layer 1 with one byte flipped under its real digest (a real registry refuses such a push).
  const bad = image.layers[1]!;
  const copy = new Uint8Array(bad.bytes);
  const at = copy.length >> 1;
  copy[at] = copy[at]! ^ 0xff;
  fake.blobs.set(`bad/image@${bad.descriptor.digest}`, copy);
});
after(() => fake.close());

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { maxBuffer: 16 * 1024 * 1024 }, (e, stdout, stderr) => {
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : 1) : 0, stdout, stderr });
    });
  });
}

test('a corrupted registry layer: inspect exits 1 naming the digest mismatch; the JSON marks it failed with the error', async () => {
  const ref = `docker://${fake.host}/bad/image:latest`;
  const text = await run(['inspect', ref, '--quiet']);
  assert.equal(text.code, 1);
  assert.match(text.stderr, new RegExp(`error: layer 1: layer digest mismatch: expected ${image.layers[1]!.descriptor.digest}`));
  assert.match(text.stdout, /FAILED\(DIGEST_MISMATCH\)/);
  assert.match(text.stdout, /PARTIAL/);
  const json = await run(['inspect', ref, '--json', '--quiet']);
  assert.equal(json.code, 1);
  const out = JSON.parse(json.stdout) as { strata: { partial: boolean; layers: { status: string; error?: { code: string; message: string } }[] } };
  assert.equal(out.strata.partial, true);
  assert.deepEqual(out.strata.layers.map((l) => l.status), ['verified', 'failed', 'verified']);
  assert.equal(out.strata.layers[1]!.error?.code, 'DIGEST_MISMATCH');
  assert.match(out.strata.layers[1]!.error?.message ?? '', /expected sha256:/);
  assert.equal(out.strata.layers[0]!.error, undefined);
});

test('a corrupted registry layer: tree exits 1, leaves that layer\'s files out and keeps the others', async () => {
  const r = await run(['tree', `docker://${fake.host}/bad/image:latest`, '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /layer digest mismatch/);
  const paths = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path);
  assert.ok(paths.includes('/etc/lower.txt') && paths.includes('/etc/upper.txt'), paths.join(' '));
  assert.ok(!paths.includes('/etc/middle.txt'));
});
