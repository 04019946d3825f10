// `strata compare` against images whose differences are known: the two platforms of the demo index share the
// base layer and differ in /etc/arch and /usr/bin/hello.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { STRATA_BIN } from './cli-test-kit.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDemoImages } from '../server/demo/build-demo-images.ts';

const run = promisify(execFile);

let demo: string;

before(async () => {
  demo = mkdtempSync(join(tmpdir(), 'strata-compare-'));
  await ensureDemoImages(demo);
});

test('compare --json lists the shared base layer and the files that differ between two platforms', async () => {
  const a = `oci:${demo}/multiarch:latest`;
  const amd = await run(process.execPath, [STRATA_BIN, 'inspect', '--quiet', '--json', '--platform', 'linux/amd64', a]);
  const arm = await run(process.execPath, [STRATA_BIN, 'inspect', '--quiet', '--json', '--platform', 'linux/arm64', a]);
  const la = (JSON.parse(amd.stdout) as { strata: { layers: { digest: string }[] } }).strata.layers.map((l) => l.digest);
  const lb = (JSON.parse(arm.stdout) as { strata: { layers: { digest: string }[] } }).strata.layers.map((l) => l.digest);
  const r = await run(process.execPath, [STRATA_BIN, 'compare', '--quiet', '--json', '--platform', 'linux/amd64', a, `oci:${demo}/layers:latest`]);
  const j = JSON.parse(r.stdout) as { shared: string[]; onlyA: string[]; onlyB: string[]; files: { path: string; change: string; sizeA: number | null; sizeB: number | null }[] };
  assert.deepEqual(j.shared, [la[0]]);
  assert.deepEqual(j.onlyA, [la[1]]);
  assert.equal(j.onlyB.length, 3);
  assert.ok(j.files.some((f) => f.path === '/etc/arch' && f.change === 'removed'));
  assert.ok(j.files.some((f) => f.path === '/opt/app/data.bin' && f.change === 'added' && f.sizeB === 2097152));
  assert.equal(j.files[0]!.path, '/opt/app/data.bin', 'sorted by size impact');
  assert.notDeepEqual(la, lb);
});
