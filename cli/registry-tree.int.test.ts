// Against a real distribution registry (Debian's docker-registry, htpasswd auth): images copied in by skopeo in
// OCI and Docker v2s2 form, multi-platform included, give the same `strata tree` as the OCI layout they came from.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { strata } from './cli-test-kit.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDemoImages } from '../server/demo/build-demo-images.ts';
import { isRealRegistryInstalled, startRealRegistry, type RealRegistry } from '../src/testing/real-registry.ts';

const user = { username: 'tester', password: 'correct horse battery' };
const creds = `${user.username}:${user.password}`;
let registry: RealRegistry;
let demo: string;
const run = promisify(execFile);

const skopeo = (...args: string[]) => run('/usr/bin/skopeo', ['--insecure-policy', ...args], { maxBuffer: 16 * 1024 * 1024 });

before(async () => {
  assert.ok(isRealRegistryInstalled(), 'docker-registry is not installed: run npm test as root or apt-get install docker-registry');
  registry = await startRealRegistry({ user });
  demo = mkdtempSync(join(tmpdir(), 'strata-demo-'));
  await ensureDemoImages(demo);
  const dest = (tag: string) => `docker://${registry.host}/${tag}`;
  const common = ['--dest-tls-verify=false', '--dest-creds', creds];
  await skopeo('copy', ...common, `oci:${demo}/layers:latest`, dest('demo/layers:oci'));
  await skopeo('copy', ...common, '--format', 'v2s2', `oci:${demo}/layers:latest`, dest('demo/layers:v2s2'));
  await skopeo('copy', ...common, '--all', `oci:${demo}/multiarch:latest`, dest('demo/multiarch:latest'));
  await skopeo('copy', ...common, `oci:${demo}/zstd:latest`, dest('demo/zstd:latest'));
});

after(async () => {
  await registry?.stop();
});

for (const [name, tag] of [['OCI', 'oci'], ['Docker v2s2', 'v2s2']] as const) {
  test(`strata tree docker://… equals strata tree oci:… for an image pushed in ${name} form`, async () => {
    const local = await strata('tree', '--quiet', `oci:${demo}/layers:latest`);
    const remote = await strata('tree', '--quiet', '--creds', creds, `docker://${registry.host}/demo/layers:${tag}`);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(local.code, 0, local.stderr);
    assert.ok(local.stdout.split('\n').length > 5);
    assert.equal(remote.stdout, local.stdout);
  });
}

test('a multi-platform index: each platform from the registry equals the same platform from the layout', async () => {
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    const local = await strata('tree', '--quiet', '--platform', platform, `oci:${demo}/multiarch:latest`);
    const remote = await strata('tree', '--quiet', '--platform', platform, '--creds', creds, `${registry.host}/demo/multiarch:latest`);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(remote.stdout, local.stdout, platform);
  }
  const a = await strata('tree', '--quiet', '--platform', 'linux/amd64', '--creds', creds, `${registry.host}/demo/multiarch:latest`);
  const b = await strata('tree', '--quiet', '--platform', 'linux/arm64', '--creds', creds, `${registry.host}/demo/multiarch:latest`);
  assert.notEqual(a.stdout, b.stdout);
});

test('a zstd layer from the registry is verified and stacked', async () => {
  const local = await strata('tree', '--quiet', `oci:${demo}/zstd:latest`);
  const remote = await strata('inspect', '--quiet', '--json', '--creds', creds, `docker://${registry.host}/demo/zstd:latest`);
  assert.equal(remote.code, 0, remote.stderr);
  const j = JSON.parse(remote.stdout) as { strata: { layers: { compression: string; status: string }[] } };
  assert.deepEqual(j.strata.layers.map((l) => `${l.compression} ${l.status}`), ['gzip verified', 'zstd verified']);
  const tree = await strata('tree', '--quiet', '--creds', creds, `docker://${registry.host}/demo/zstd:latest`);
  assert.equal(tree.stdout, local.stdout);
});

test('without credentials a private registry answers with a clear authentication error', async () => {
  const r = await strata('tree', '--quiet', `docker://${registry.host}/demo/layers:oci`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^strata: error \[(UNAUTHORIZED|DENIED)\]: .*(credential|authenticat|--creds)/im);
});
