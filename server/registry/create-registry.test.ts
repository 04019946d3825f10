// Embedded registry over OCI layouts built in a temp dir: every endpoint, pagination, Range, HEAD, errors, 405.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { dir, file, makeNoise } from '../demo/demo-entries.ts';
import { LayoutWriter, type Descriptor } from '../demo/layout-writer.ts';
import { startServer, type RunningServer } from '../serve.ts';

let server: RunningServer;
let work: string;
let image: Descriptor;
let index: Descriptor;
let blob: Descriptor;
let otherBlob: Descriptor;
const BLOB_BYTES = makeNoise(10_000, 5);

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-registry-'));
  const w = new LayoutWriter();
  blob = w.addBlob(BLOB_BYTES, 'application/octet-stream');
  const layer = w.addLayer([dir('etc'), file('etc/motd', 'hi\n')], 'gzip');
  image = w.addImage({ layers: [layer], history: [{ createdBy: 'ADD motd' }], config: {}, architecture: 'amd64', os: 'linux', created: '2023-11-14T22:13:20.000Z' });
  const arm = w.addImage({ layers: [layer], history: [{ createdBy: 'ADD motd' }], config: {}, architecture: 'arm64', os: 'linux', created: '2023-11-14T22:13:20.000Z' });
  index = w.addIndex([image, arm]);
  for (const tag of ['v1', 'v2', 'v3', 'latest']) w.tag(image, 'team/app', tag);
  w.tag(index, 'team/multi', 'latest');
  for (const name of ['alpha', 'beta', 'gamma']) w.tag(image, name, 'latest');
  await w.writeTo(join(work, 'images', 'one'));
  const other = new LayoutWriter();
  otherBlob = other.addBlob(makeNoise(64, 9), 'application/octet-stream');
  other.tag(other.addImage({ layers: [], history: [], config: {}, architecture: 'amd64', os: 'linux', created: '2023-11-14T22:13:20.000Z' }), 'x', 'latest');
  await other.writeTo(join(work, 'images', 'plainname'));
  server = await startServer({ port: 0, demoDir: false, imageDirs: [join(work, 'images')], distDir: join(work, 'no-dist'), log: () => undefined });
});

after(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const get = (path: string, init: RequestInit = {}): Promise<Response> => fetch(new URL(path, server.url), init);
const errorCode = async (r: Response): Promise<string | undefined> => ((await r.json()) as { errors: { code: string }[] }).errors[0]?.code;

/** Sends a raw request path (fetch would normalise `..` away). */
function rawGet(path: string): Promise<number> {
  return new Promise((ok, fail) => {
    http.get({ host: '127.0.0.1', port: server.port, path }, (res) => { res.resume(); ok(res.statusCode ?? 0); }).on('error', fail);
  });
}

test('answers GET /v2/ with 200 and the registry/2.0 API version header', async () => {
  const r = await get('/v2/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
  assert.deepEqual(await r.json(), {});
});

test('lists every repository in the catalog, names from annotations or the layout folder', async () => {
  const r = await get('/v2/_catalog');
  assert.deepEqual(await r.json(), { repositories: ['alpha', 'beta', 'gamma', 'team/app', 'team/multi', 'x'] });
});

test('pages the catalog with n and last and a Link to the next page', async () => {
  const first = await get('/v2/_catalog?n=2');
  assert.deepEqual(await first.json(), { repositories: ['alpha', 'beta'] });
  assert.equal(first.headers.get('link'), '</v2/_catalog?n=2&last=beta>; rel="next"');
  const second = await get('/v2/_catalog?n=2&last=beta');
  assert.deepEqual(await second.json(), { repositories: ['gamma', 'team/app'] });
  const last = await get('/v2/_catalog?n=2&last=team%2Fmulti');
  assert.deepEqual(await last.json(), { repositories: ['x'] });
  assert.equal(last.headers.get('link'), null);
  const bad = await get('/v2/_catalog?n=-1');
  assert.equal(bad.status, 400);
  assert.equal(await errorCode(bad), 'PAGINATION_NUMBER_INVALID');
});

test('lists and pages tags of a repository', async () => {
  assert.deepEqual(await (await get('/v2/team/app/tags/list')).json(), { name: 'team/app', tags: ['latest', 'v1', 'v2', 'v3'] });
  const page = await get('/v2/team/app/tags/list?n=2&last=latest');
  assert.deepEqual(await page.json(), { name: 'team/app', tags: ['v1', 'v2'] });
  assert.equal(page.headers.get('link'), '</v2/team/app/tags/list?n=2&last=v2>; rel="next"');
});

test('answers unknown and invalid repository names with NAME_UNKNOWN and NAME_INVALID', async () => {
  const unknown = await get('/v2/nope/tags/list');
  assert.equal(unknown.status, 404);
  assert.equal(await errorCode(unknown), 'NAME_UNKNOWN');
  const invalid = await get('/v2/Bad__-Name/tags/list');
  assert.equal(invalid.status, 400);
  assert.equal(await errorCode(invalid), 'NAME_INVALID');
});

test('serves a manifest by tag and by digest with its media type, digest and length', async () => {
  for (const ref of ['latest', image.digest]) {
    const r = await get(`/v2/team/app/manifests/${ref}`);
    assert.equal(r.status, 200);
    const body = Buffer.from(await r.arrayBuffer());
    assert.equal(r.headers.get('content-type'), 'application/vnd.oci.image.manifest.v1+json');
    assert.equal(r.headers.get('docker-content-digest'), image.digest);
    assert.equal(r.headers.get('content-length'), String(body.length));
    assert.equal(`sha256:${createHash('sha256').update(body).digest('hex')}`, image.digest);
  }
});

test('answers HEAD on a manifest with the same headers and no body', async () => {
  const r = await get('/v2/team/multi/manifests/latest', { method: 'HEAD' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/vnd.oci.image.index.v1+json');
  assert.equal(r.headers.get('docker-content-digest'), index.digest);
  assert.equal(r.headers.get('content-length'), String(index.size));
  assert.equal((await r.arrayBuffer()).byteLength, 0);
});

test('serves the platform manifests of an index by digest', async () => {
  const r = await get(`/v2/team/multi/manifests/${image.digest}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('docker-content-digest'), image.digest);
});

test('answers an unknown manifest with 404 MANIFEST_UNKNOWN in the distribution-spec shape', async () => {
  const r = await get('/v2/team/app/manifests/nope');
  assert.equal(r.status, 404);
  const body = (await r.json()) as { errors: { code: string; message: string; detail: unknown }[] };
  assert.equal(body.errors[0]?.code, 'MANIFEST_UNKNOWN');
  assert.equal(typeof body.errors[0]?.message, 'string');
  const bad = await get('/v2/team/app/manifests/sha256:1234');
  assert.equal(bad.status, 400);
  assert.equal(await errorCode(bad), 'DIGEST_INVALID');
});

test('streams a whole blob with Accept-Ranges and its digest', async () => {
  const r = await get(`/v2/team/app/blobs/${blob.digest}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('accept-ranges'), 'bytes');
  assert.equal(r.headers.get('docker-content-digest'), blob.digest);
  assert.equal(r.headers.get('content-type'), 'application/octet-stream');
  assert.deepEqual(new Uint8Array(await r.arrayBuffer()), BLOB_BYTES);
  const head = await get(`/v2/team/app/blobs/${blob.digest}`, { method: 'HEAD' });
  assert.equal(head.headers.get('content-length'), '10000');
  assert.equal((await head.arrayBuffer()).byteLength, 0);
});

test('answers byte ranges a-b, a- and -n with 206 and Content-Range', async () => {
  const cases: [string, number, number][] = [['bytes=0-99', 0, 99], ['bytes=9990-', 9990, 9999], ['bytes=-10', 9990, 9999], ['bytes=100-99999', 100, 9999]];
  for (const [range, start, end] of cases) {
    const r = await get(`/v2/team/app/blobs/${blob.digest}`, { headers: { range } });
    assert.equal(r.status, 206, range);
    assert.equal(r.headers.get('content-range'), `bytes ${start}-${end}/10000`);
    assert.deepEqual(new Uint8Array(await r.arrayBuffer()), BLOB_BYTES.subarray(start, end + 1));
  }
});

test('answers an unsatisfiable range with 416 and bytes */size', async () => {
  for (const range of ['bytes=10000-', 'bytes=-0']) {
    const r = await get(`/v2/team/app/blobs/${blob.digest}`, { headers: { range } });
    assert.equal(r.status, 416, range);
    assert.equal(r.headers.get('content-range'), 'bytes */10000');
    await r.arrayBuffer();
  }
});

test('keeps blobs within the layouts of their repository and refuses bad digests', async () => {
  const foreign = await get(`/v2/team/app/blobs/${otherBlob.digest}`);
  assert.equal(foreign.status, 404);
  assert.equal(await errorCode(foreign), 'BLOB_UNKNOWN');
  assert.equal((await get(`/v2/x/blobs/${otherBlob.digest}`)).status, 200);
  const bad = await get('/v2/team/app/blobs/sha256:..%2F..%2Findex.json');
  assert.equal(bad.status, 400);
  assert.equal(await errorCode(bad), 'DIGEST_INVALID');
  assert.equal(await rawGet('/v2/team/../../etc/passwd/blobs/sha256:abc'), 400);
  assert.equal(await rawGet('/v2/team/app/blobs/..%2f..%2findex.json'), 400);
});

test('answers PUT, POST, PATCH and DELETE with 405 UNSUPPORTED', async () => {
  for (const method of ['PUT', 'POST', 'PATCH', 'DELETE']) {
    const r = await get('/v2/team/app/blobs/uploads/', { method });
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.get('allow'), 'GET, HEAD');
    assert.equal(await errorCode(r), 'UNSUPPORTED');
  }
});
