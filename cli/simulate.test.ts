// `strata simulate` on dive's test image: the JSON shape of the issue, EXDEV on a lower-directory rename under
// overlay2 without redirect_dir and aufs, block-level allocation on devicemapper, option validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRATA_BIN } from './cli-test-kit.ts';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const image = `docker-archive:${resolve(import.meta.dirname, '../../shared/fixtures/dive/test-docker-image.tar')}`;

type Report = { driver: string; steps: { command: string; ok: boolean; errno: string | null; recoveredErrno: string | null; servedFromLayer: string | null; lookupDepth: number | null; copiedBytes: number; allocatedBytes: number; whiteouts: string[]; opaqueDirs: string[]; brokenHardlinks: string[] }[]; containerLayerBytes: number; diff: { kind: string; path: string }[] };

async function simulate(driver: string, options: string[], ...commands: string[]): Promise<Report> {
  const r = await run(process.execPath, [STRATA_BIN, 'simulate', '--quiet', '--json', '--driver', driver, ...options.flatMap((o) => ['--option', o]), image, '--', ...commands]);
  return JSON.parse(r.stdout) as Report;
}

test('simulate --json: copy-up of a lower file, whiteout on delete, docker diff', async () => {
  const r = await simulate('overlay2', [], 'echo hi >> /root/saved.txt', 'rm /somefile.txt');
  assert.equal(r.driver, 'overlay2');
  assert.deepEqual(Object.keys(r.steps[0]!).filter((k) => ['command', 'ok', 'errno', 'servedFromLayer', 'lookupDepth', 'copiedBytes', 'allocatedBytes', 'whiteouts', 'opaqueDirs', 'brokenHardlinks'].includes(k)).length, 10);
  assert.equal(r.steps[0]!.copiedBytes, 6405);
  assert.deepEqual(r.steps[1]!.whiteouts, ['/somefile.txt']);
  assert.deepEqual(r.diff.map((d) => `${d.kind} ${d.path}`).sort(), ['C /root', 'C /root/saved.txt', 'D /somefile.txt']);
  assert.ok(r.containerLayerBytes >= 6408);
});

test('renaming a lower directory hits EXDEV on overlay2 without redirect_dir and on aufs, not with redirect_dir=on', async () => {
  assert.equal((await simulate('overlay2', [], 'mv /root/.data /root/moved')).steps[0]!.recoveredErrno, 'EXDEV');
  assert.equal((await simulate('aufs', [], 'mv /root/.data /root/moved')).steps[0]!.recoveredErrno, 'EXDEV');
  assert.equal((await simulate('overlay2', ['redirect_dir=on'], 'mv /root/.data /root/moved')).steps[0]!.recoveredErrno, null);
});

test('block-level drivers allocate blocks instead of copying the file up', async () => {
  const r = await simulate('devicemapper', [], 'dd of=/bin/busybox bs=1 count=1 seek=0 conv=notrunc');
  assert.equal(r.steps[0]!.ok, true, JSON.stringify(r.steps[0]));
  assert.equal(r.steps[0]!.copiedBytes, 65536, 'one 64 KiB chunk, not the 1 MB file');
  assert.ok(r.steps[0]!.allocatedBytes > 0);
  const o = await simulate('overlay2', [], 'dd of=/bin/busybox bs=1 count=1 seek=0 conv=notrunc');
  assert.equal(o.steps[0]!.copiedBytes, 1075464, 'overlay2 copies the whole file up');
  assert.ok(o.steps[0]!.brokenHardlinks.length > 300, 'copy-up breaks the busybox hardlinks');
});

test('unknown drivers and options are refused with a clear message', async () => {
  await assert.rejects(simulate('nosuchfs', [], 'cat /etc/passwd'), (e: { stderr: string }) => /driver/i.test(e.stderr));
  await assert.rejects(simulate('overlay2', ['bogus=1'], 'cat /etc/passwd'), (e: { stderr: string }) => /bogus/.test(e.stderr));
});
