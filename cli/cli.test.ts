// The strata command end to end on the real fixtures: output shapes, exit codes, one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES, strata } from './cli-test-kit.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const fx = FIXTURES;


test('tree prints one JSON object per line, sorted by path, in the documented shape', async () => {
  const r = await strata('tree', '--quiet', `docker-archive:${fx}/test-docker-image.tar`);
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const paths = rows.map((x) => x.path as string);
  assert.deepEqual(paths, [...paths].sort());
  assert.deepEqual(rows.find((x) => x.path === '/root/saved.txt'), { path: '/root/saved.txt', type: 'file', size: 6405, mode: '0755', uid: 0, gid: 0, layer: 13 });
  assert.deepEqual(rows.find((x) => x.path === '/bin/sh'), { path: '/bin/sh', type: 'file', size: 1075464, mode: '0755', uid: 0, gid: 0, link: '/bin/[', layer: 0 });
  assert.equal(rows.some((x) => String(x.path).startsWith('/root/example')), false);
});

test('tree --layer N shows the tree as of that layer', async () => {
  const r = await strata('tree', '--quiet', '--layer', '3', `docker-archive:${fx}/test-docker-image.tar`);
  const paths = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path);
  assert.ok(paths.includes('/root/example/somefile1.txt'));
  assert.ok(!paths.includes('/root/saved.txt'));
});

test('inspect --json follows dive\'s export shape and adds Strata\'s figures', async () => {
  const r = await strata('inspect', '--quiet', '--json', `docker-archive:${fx}/test-docker-image.tar`);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as { layer: { index: number; digestId: string; sizeBytes: number; command: string; fileList: unknown[] }[]; image: { sizeBytes: number; inefficientBytes: number; efficiencyScore: number; fileReference: { count: number; sizeBytes: number; file: string }[] }; strata: { metrics: { reclaimableBytes: number }; history: unknown[] } };
  assert.equal(j.layer.length, 14);
  assert.equal(j.image.sizeBytes, 1220598);
  assert.equal(j.image.inefficientBytes, 32025);
  assert.equal(j.image.efficiencyScore, 0.9844212134184309);
  assert.equal(j.image.fileReference.length, 3);
  assert.equal(j.strata.metrics.reclaimableBytes, 32025);
  assert.equal(j.strata.history.length, 15);
});

test('ci reads dive\'s .dive-ci file as it is and fails with exit 1 when a rule fails', async () => {
  const r = await strata('ci', '--quiet', '--ci-config', `${fx}/dive-ci.example.yaml`, `docker-archive:${fx}/test-docker-image.tar`);
  assert.equal(r.code, 0, r.stdout + r.stderr); // efficiency 0.98 ≥ 0.95, 32 kB ≤ 20 MB, 0.48 ≤ 0.5
  assert.match(r.stdout, /PASS: lowestEfficiency/);
  const f = await strata('ci', '--quiet', '--ci-config', `${fx}/dive-ci.example.yaml`, '--highest-user-wasted-percent', '0.1', `docker-archive:${fx}/test-docker-image.tar`);
  assert.equal(f.code, 1);
  assert.match(f.stdout, /FAIL: highestUserWastedPercent/);
  assert.match(f.stdout, /Result: FAIL/);
});

test('bad local input gets one clear line and a non-zero exit, never a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cli-'));
  writeFileSync(join(dir, 'garbage.tar'), new Uint8Array(4096).fill(7));
  for (const args of [['inspect', `docker-archive:${dir}/missing.tar`], ['inspect', `docker-archive:${dir}/garbage.tar`], ['tree', '--platform', 'nonsense', `oci:${dir}`], ['frobnicate']]) {
    const r = await strata(...args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.stderr, /^strata: /m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});
