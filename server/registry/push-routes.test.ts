// Push endpoints of the embedded registry (strata serve --allow-push): monolithic and chunked blob uploads, digest
// and size checks, manifest PUT validation, bounds, and that a pushed image is served at once and written as a layout.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '../serve.ts';

let server: RunningServer;
let readOnly: RunningServer;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-push-'));
  const common = { port: 0, demoDir: false as const, distDir: join(work, 'no-dist'), log: () => undefined };
  server = await startServer({ ...common, allowPush: true, pushDir: join(work, 'pushed'), uploadLimits: { maxBlobBytes: 1000, maxSessions: 3, idleMs: 60_000 } });
  readOnly = await startServer({ ...common, pushDir: join(work, 'unused') });
});

after(async () => {
  await server.close();
  await readOnly.close();
  await rm(work, { recursive: true, force: true });
});

const sha = (b: Uint8Array | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const req = (path: string, init: RequestInit = {}, s = server): Promise<Response> => fetch(new URL(path, s.url), init);
const code = async (r: Response): Promise<string | undefined> => ((await r.json()) as { errors: { code: string }[] }).errors[0]?.code;

async function upload(repo: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const start = await req(`/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202);
  const loc = new URL(start.headers.get('location')!, server.url);
  loc.searchParams.set('digest', sha(bytes));
  const put = await req(loc.href, { method: 'PUT', body: bytes });
  assert.equal(put.status, 201);
  return sha(bytes);
}

test('answers uploads with 405 UNSUPPORTED when pushing is off', async () => {
  const r = await req('/v2/x/blobs/uploads/', { method: 'POST' }, readOnly);
  assert.equal(r.status, 405);
  assert.match(((await r.json()) as { errors: { message: string }[] }).errors[0]!.message, /--allow-push/);
});

test('accepts a monolithic POST+PUT upload and serves the blob by HEAD and GET', async () => {
  const bytes = new TextEncoder().encode('hello blob');
  const digest = await upload('team/one', bytes);
  const head = await req(`/v2/team/one/blobs/${digest}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(bytes.length));
  assert.equal(await (await req(`/v2/team/one/blobs/${digest}`)).text(), 'hello blob');
});

test('accepts a single POST with ?digest= as a monolithic upload', async () => {
  const bytes = new TextEncoder().encode('one shot');
  const r = await req(`/v2/team/one/blobs/uploads/?digest=${sha(bytes)}`, { method: 'POST', body: bytes });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('docker-content-digest'), sha(bytes));
});

test('accepts a chunked upload with PATCH and Content-Range, and refuses a range that does not continue it', async () => {
  const start = await req('/v2/team/two/blobs/uploads/', { method: 'POST' });
  let loc = new URL(start.headers.get('location')!, server.url);
  const a = await req(loc.href, { method: 'PATCH', body: 'abc', headers: { 'content-range': '0-2' } });
  assert.equal(a.status, 202);
  assert.equal(a.headers.get('range'), '0-2');
  loc = new URL(a.headers.get('location')!, server.url);
  const gap = await req(loc.href, { method: 'PATCH', body: 'zzz', headers: { 'content-range': '5-7' } });
  assert.equal(gap.status, 416);
  const b = await req(loc.href, { method: 'PATCH', body: 'def', headers: { 'content-range': '3-5' } });
  assert.equal(b.status, 202);
  loc.searchParams.set('digest', sha('abcdef'));
  assert.equal((await req(loc.href, { method: 'PUT' })).status, 201);
  assert.equal(await (await req(`/v2/team/two/blobs/${sha('abcdef')}`)).text(), 'abcdef');
});

test('refuses a PUT whose digest does not match the uploaded bytes, and forgets the upload', async () => {
  const start = await req('/v2/team/one/blobs/uploads/', { method: 'POST' });
  const loc = new URL(start.headers.get('location')!, server.url);
  loc.searchParams.set('digest', sha('other'));
  const r = await req(loc.href, { method: 'PUT', body: 'mine' });
  assert.equal(r.status, 400);
  assert.equal(await code(r), 'DIGEST_INVALID');
  assert.equal(await code(await req(loc.href, { method: 'PATCH', body: 'x' })), 'BLOB_UPLOAD_UNKNOWN');
});

test('refuses blobs over the size limit with 413 SIZE_INVALID', async () => {
  const big = new Uint8Array(1500);
  const r = await req(`/v2/team/one/blobs/uploads/?digest=${sha(big)}`, { method: 'POST', body: big });
  assert.equal(r.status, 413);
  assert.equal(await code(r), 'SIZE_INVALID');
});

test('bounds concurrent upload sessions with 429 TOOMANYREQUESTS', async () => {
  const opened: string[] = [];
  let last: Response | undefined;
  for (let i = 0; i < 4; i++) {
    last = await req('/v2/team/many/blobs/uploads/', { method: 'POST' });
    if (last.status === 202) opened.push(last.headers.get('location')!);
  }
  assert.equal(last!.status, 429);
  for (const l of opened) assert.equal((await req(l, { method: 'DELETE' })).status, 204);
});

test('refuses a manifest naming blobs the repository lacks with MANIFEST_BLOB_UNKNOWN', async () => {
  const config = await upload('team/app', new TextEncoder().encode('{"rootfs":{"type":"layers","diff_ids":[]}}'));
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: 41 }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha('missing'), size: 7 }] });
  const r = await req('/v2/team/app/manifests/v1', { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(r.status, 400);
  assert.equal(await code(r), 'MANIFEST_BLOB_UNKNOWN');
  const bad = await req('/v2/team/app/manifests/v1', { method: 'PUT', body: '{"schemaVersion":3}', headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(await code(bad), 'MANIFEST_INVALID');
});

test('serves a pushed manifest by tag at once and writes it as an OCI layout under the push dir', async () => {
  const configBytes = new TextEncoder().encode('{"rootfs":{"type":"layers","diff_ids":[]}}');
  const config = await upload('team/app', configBytes);
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configBytes.length }, layers: [] });
  const r = await req('/v2/team/app/manifests/v2', { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('docker-content-digest'), sha(manifest));
  const got = await req('/v2/team/app/manifests/v2');
  assert.equal(got.status, 200);
  assert.equal(await got.text(), manifest);
  assert.deepEqual(((await (await req('/v2/team/app/tags/list')).json()) as { tags: string[] }).tags, ['v2']);
  assert.ok(((await (await req('/v2/_catalog')).json()) as { repositories: string[] }).repositories.includes('team/app'));
  const layout = join(work, 'pushed', 'team%2Fapp');
  assert.ok(existsSync(join(layout, 'oci-layout')));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
  assert.equal(index.manifests[0]!.digest, sha(manifest));
  assert.equal(index.manifests[0]!.annotations['org.opencontainers.image.ref.name'], 'v2');
});

test('mounts a blob from another repository with POST ?mount=&from=', async () => {
  const digest = await upload('team/src', new TextEncoder().encode('shared layer'));
  const r = await req(`/v2/team/dst/blobs/uploads/?mount=${digest}&from=team/src`, { method: 'POST' });
  assert.equal(r.status, 201);
  assert.equal((await req(`/v2/team/dst/blobs/${digest}`, { method: 'HEAD' })).status, 200);
});
