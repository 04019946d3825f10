// The worker's simulate / layout / commit requests driven directly on dive's docker archive: two driver lanes side
// by side (EXDEV vs redirect_dir=on), the /var/lib/docker layout, commit to an OCI archive that reopens with the
// change, and a push to the embedded registry that skopeo copies and `strata tree` shows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Response } from '../../protocol/messages.ts';
import { startServer, type RunningServer } from '../../../server/serve.ts';
import { webCodecs } from '../codecs/web-codecs.ts';
import { createAnalysisHandler } from './handler.ts';

const run = promisify(execFile);
const fixture = resolve(import.meta.dirname, '../../../../shared/fixtures/dive/test-docker-image.tar');
const work = mkdtempSync(join(tmpdir(), 'strata-container-'));
let server: RunningServer | undefined;
after(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

function harness(origin?: string) {
  const sent: Response[] = [];
  const handler = createAnalysisHandler({ post: (m) => void sent.push(m), codecs: webCodecs, ...(origin ? { origin } : {}) });
  let id = 0;
  const request = async (r: Record<string, unknown>): Promise<Response[]> => {
    const rid = ++id;
    await handler.handle({ ...r, id: rid });
    return sent.filter((m) => m.id === rid);
  };
  const open = async (file: File): Promise<string> => {
    const out = await request({ type: 'open', source: { kind: 'file', file }, proxyBase: '/proxy' });
    const image = out.find((m) => m.type === 'image');
    assert.ok(image?.type === 'image', JSON.stringify(out.find((m) => m.type === 'error')));
    return image.info.imageId;
  };
  return { request, open };
}
const dive = () => new File([readFileSync(fixture)], 'test-docker-image.tar');
const pick = <T extends Response['type']>(out: Response[], type: T): Extract<Response, { type: T }> => {
  const r = out.find((m) => m.type === type);
  assert.ok(r, `no ${type}: ${JSON.stringify(out.find((m) => m.type === 'error'))}`);
  return r as Extract<Response, { type: T }>;
};

test('simulate runs the commands under each lane: EXDEV on overlay2, a redirect with redirect_dir=on, whiteouts in the driver form', async () => {
  const h = harness();
  const imageId = await h.open(dive());
  const lanes = [{ driver: 'overlay2', options: [] }, { driver: 'overlay2', options: ['redirect_dir=on'] }, { driver: 'aufs', options: [] }];
  const out = pick(await h.request({ type: 'simulate', imageId, lanes, commands: ['mv /root/.data /root/moved', 'rm /somefile.txt'] }), 'simulation');
  const [plain, redirect, aufs] = out.results;
  assert.equal(plain!.report.steps[0]!.recoveredErrno, 'EXDEV');
  assert.equal(redirect!.report.steps[0]!.recoveredErrno, null);
  assert.ok(redirect!.layer.some((r) => r.path === '/root/moved' && r.redirect !== null));
  assert.deepEqual(plain!.report.steps[1]!.whiteouts, ['/somefile.txt']);
  assert.deepEqual(aufs!.report.steps[1]!.whiteouts, ['/.wh.somefile.txt']);
  assert.ok(plain!.report.diff.some((d) => d.kind === 'D' && d.path === '/somefile.txt'));
});

test('simulate refuses more than three lanes, unknown drivers and images that are not open', async () => {
  const h = harness();
  const imageId = await h.open(dive());
  const lane = { driver: 'vfs', options: [] };
  assert.equal(pick(await h.request({ type: 'simulate', imageId, lanes: [lane, lane, lane, lane], commands: [] }), 'error').code, 'BAD_REQUEST');
  assert.equal(pick(await h.request({ type: 'simulate', imageId, lanes: [{ driver: 'nope', options: [] }], commands: [] }), 'error').code, 'DRIVER_UNKNOWN');
  assert.equal(pick(await h.request({ type: 'simulate', imageId: 'image-99', lanes: [lane], commands: [] }), 'error').code, 'IMAGE_UNKNOWN');
  assert.equal(pick(await h.request({ type: 'simulate', imageId, lanes: [lane], commands: ['frobnicate /x'] }), 'error').message.includes('command 1'), true);
});

test('layout renders /var/lib/docker with layerdb for the driver, and its disk usage', async () => {
  const h = harness();
  const imageId = await h.open(dive());
  const out = pick(await h.request({ type: 'layout', imageId, lane: { driver: 'overlay2', options: [] }, commands: ['touch /new'] }), 'layout');
  const text = out.layout.lines.join('\n');
  assert.match(text, /layerdb/);
  assert.match(text, /overlay2\//);
  assert.equal(out.layout.diskUsage.driver, 'overlay2');
  assert.equal(out.layout.diskUsage.layerBytes.length, 14);
});

test('commit returns an OCI archive of the whole image whose new layer holds the container change', async () => {
  const h = harness();
  const imageId = await h.open(dive());
  const out = pick(await h.request({ type: 'commit', imageId, lane: { driver: 'overlay2', options: [] }, commands: ['rm /somefile.txt', 'echo hello > /hello.txt'], output: { kind: 'archive', tag: 'x' } }), 'commit');
  assert.match(out.commit.diffId, /^sha256:[0-9a-f]{64}$/);
  assert.notEqual(out.commit.digest, out.commit.diffId);
  assert.deepEqual([...out.commit.entries].sort(), ['.wh.somefile.txt', 'hello.txt']);
  assert.ok(out.archive && out.archive.byteLength > out.commit.layerBytes);
  const again = await h.open(new File([out.archive], 'committed.tar'));
  const rows = pick(await h.request({ type: 'rows', imageId: again, view: { mode: 'merged', layer: 14, expanded: [], kinds: [], search: '', sort: 'name' }, start: 0, count: 100 }), 'rows');
  const paths = rows.rows.map((r) => r.path);
  assert.ok(paths.includes('/hello.txt'));
  assert.equal(rows.rows.find((r) => r.path === '/somefile.txt')?.diff, 'removed', 'the new layer whites it out');
  const file = pick(await h.request({ type: 'file', imageId: again, path: '/hello.txt', layer: 14, maxBytes: 100 }), 'file');
  assert.equal(new TextDecoder().decode(file.bytes), 'hello\n');
});

test('commit pushes to the embedded registry; skopeo copies it back and strata tree shows the change', async () => {
  server = await startServer({ port: 0, demoDir: false, distDir: join(work, 'no-dist'), allowPush: true, pushDir: join(work, 'pushed'), log: () => undefined });
  const h = harness(server.url.replace(/\/$/, ''));
  const imageId = await h.open(dive());
  const refused = pick(await h.request({ type: 'commit', imageId, lane: { driver: 'overlay2', options: [] }, commands: ['touch /x'], output: { kind: 'push', target: 'docker.io/library/busybox:evil' } }), 'error');
  assert.equal(refused.code, 'PUSH_REFUSED');
  const out = pick(await h.request({ type: 'commit', imageId, lane: { driver: 'overlay2', options: [] }, commands: ['echo committed > /root/marker.txt'], output: { kind: 'push', target: 'strata/committed:v1' } }), 'commit');
  assert.equal(out.commit.pushedTo, `127.0.0.1:${server.port}/strata/committed:v1`);
  const dest = join(work, 'copied');
  await run('/usr/bin/skopeo', ['copy', '--insecure-policy', '--src-tls-verify=false', `docker://127.0.0.1:${server.port}/strata/committed:v1`, `oci:${dest}:x`]);
  const bin = resolve(import.meta.dirname, '../../../cli/strata.mjs');
  const tree = await run(process.execPath, [bin, 'tree', '--quiet', `oci:${dest}:x`], { maxBuffer: 64 * 1024 * 1024 });
  assert.match(tree.stdout, /marker\.txt/);
});
