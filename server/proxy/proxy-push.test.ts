// The proxy's push flow (--allow-push-host): a real registry with htpasswd auth (docker-registry 2.8) receives an image
// pushed by Strata's own client through the proxy — chunked and monolithic uploads, blobs first, manifest last — and
// skopeo reads it back; fake registries show what is refused: other hosts, foreign upload Locations, DELETE, big bodies.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { MEDIA } from '../../src/core/oci/media-types.ts';
import { pushBlob, pushImage } from '../../src/registry/push.ts';
import { createProxyTransport } from '../../src/registry/transport.ts';
import { buildImage, noiseBytes } from '../../src/testing/image-fixture.ts';
import { isRealRegistryInstalled, startRealRegistry, type RealRegistry } from '../../src/testing/real-registry.ts';
import { createTestClient, rejection } from '../../src/testing/registry-test-kit.ts';
import { startServer } from '../serve.ts';
import { createAllowlist } from './allowlist.ts';
import { createPushPolicy } from './push-policy.ts';
import {
  closeAll, errorOf, PUBLIC_A, recordingTransport, reply, startFake, startProxy, stubResolver, type FakeServer, type ProxyReply,
} from './proxy-test-kit.ts';

after(closeAll);

const run = promisify(execFile);
const SKOPEO = '/usr/bin/skopeo';
const skipReal = !isRealRegistryInstalled() ? 'docker-registry is not installed (apt-get install docker-registry)' : false;
const user = { username: 'pusher', password: 'push s3cret' };
const DIGEST = `sha256:${'b'.repeat(64)}`;

/** One request with an optional body; `chunks` are written one by one without Content-Length (chunked encoding). */
function send(port: number, path: string, method: string, headers: http.OutgoingHttpHeaders = {}, body?: Buffer | readonly Buffer[]): Promise<ProxyReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    // The proxy may answer (413) and close before the whole body is written: that is the behaviour under test.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
    if (Array.isArray(body)) for (const c of body) req.write(c);
    else if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('pushing through the proxy to a real registry (docker-registry 2.8, htpasswd)', { skip: skipReal }, () => {
  let registry: RealRegistry;
  let proxyPort: number;
  let logs: string[];
  let work: string;
  const image = buildImage({ layers: [
    [{ name: 'etc/', type: 'dir' }, { name: 'etc/pushed.txt', body: 'through the proxy\n' }],
    [{ name: 'data.bin', body: noiseBytes(150_000, 7) }],
  ] });

  before(async () => {
    registry = await startRealRegistry({ user });
    const proxy = await startProxy({ allowHosts: [registry.host], allowPushHosts: [registry.host] });
    proxyPort = proxy.port;
    logs = proxy.logs;
    work = await mkdtemp(join(tmpdir(), 'strata-proxy-push-'));
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const client = (credentials = true) => createTestClient(registry.host, {
    transport: createProxyTransport({ base: `http://127.0.0.1:${proxyPort}/proxy`, fetch: (input, init) => globalThis.fetch(input, init) }),
    insecure: true,
    ...(credentials ? { credentials: { kind: 'basic' as const, ...user } } : {}),
  });

  test('without credentials the push stops at the registry 401 and nothing is written', async () => {
    const e = await rejection(pushBlob(client(false), 'team/app', image.config.bytes));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.equal(e.status, 401);
  });

  test('pushes an allowed host end to end: chunked PATCH upload, monolithic uploads, then the manifest', async () => {
    const c = client();
    const chunked = await pushBlob(c, 'team/app', image.layers[1]!.bytes, { mode: 'chunked', chunkSize: 32 * 1024 });
    assert.equal(chunked.how, 'uploaded');
    assert.equal(chunked.digest, image.layers[1]!.descriptor.digest);
    const pushed = await pushImage(c, 'team/app', 'patched', {
      config: { bytes: image.config.bytes, mediaType: MEDIA.ociConfig },
      layers: image.layers.map((l) => ({ bytes: l.bytes, mediaType: MEDIA.ociLayerGzip })),
    });
    const writes = logs.filter((l) => /^(POST|PATCH|PUT) /.test(l));
    const patches = writes.filter((l) => l.startsWith('PATCH ') && / 202 /.test(l));
    assert.ok(patches.length >= 5, `chunked upload should PATCH 150 kB in 32 KiB chunks:\n${writes.join('\n')}`);
    assert.match(writes[writes.length - 1]!, /^PUT \/proxy\/127\.0\.0\.1:\d+\/v2\/team\/app\/manifests\/patched 201 /);
    assert.equal(writes.filter((l) => l.includes('/manifests/')).length, 1, 'the manifest goes last, once');
    const before = writes.slice(0, -1);
    assert.ok(before.every((l) => l.includes('/blobs/uploads/')), before.join('\n'));
    // Every upload Location the page saw came back through the proxy, on the same registry.
    assert.ok(logs.every((l) => !l.includes('Location dropped')), logs.join('\n'));

    if (!existsSync(SKOPEO)) return;
    const creds = `${user.username}:${user.password}`;
    const { stdout } = await run(SKOPEO, ['inspect', '--tls-verify=false', '--creds', creds, `docker://${registry.host}/team/app:patched`], { timeout: 60_000 });
    const info = JSON.parse(stdout) as { Digest: string; Layers: string[] };
    assert.equal(info.Digest, pushed.digest);
    assert.deepEqual(info.Layers, image.layers.map((l) => l.descriptor.digest));
    const dest = join(work, 'copy');
    await run(SKOPEO, ['copy', '--insecure-policy', '--src-tls-verify=false', '--src-creds', creds, `docker://${registry.host}/team/app:patched`, `oci:${dest}:x`], { timeout: 60_000 });
    const index = JSON.parse(await readFile(join(dest, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    assert.equal(index.manifests[0]?.digest, pushed.digest);
  });

  test('a cross-repository mount (?mount=&from=) goes through and its 201 Location is rewritten to the proxy', async () => {
    const c = client();
    const mounted = await pushBlob(c, 'team/other', image.layers[0]!.bytes, { mountFrom: 'team/app', skipExisting: false });
    assert.equal(mounted.how, 'mounted');
    const path = `/proxy/${registry.host}/v2/team/other/blobs/uploads/?mount=${image.config.descriptor.digest}&from=team/app`;
    const auth = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    const r = await send(proxyPort, path, 'POST', { authorization: auth, 'content-length': '0' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, `/proxy/${registry.host}/v2/team/other/blobs/${image.config.descriptor.digest}`);
  });

  test('a host allowed for pulls but not for pushes: reads work, every write is refused with what to do', async () => {
    const readOnly = await startProxy({ allowHosts: [registry.host] });
    const auth = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    const read = await send(readOnly.port, `/proxy/${registry.host}/v2/team/app/manifests/patched`, 'GET', { authorization: auth, accept: MEDIA.ociManifest });
    assert.equal(read.status, 200);
    for (const [method, path] of [['POST', '/v2/team/app/blobs/uploads/'], ['PUT', '/v2/team/app/manifests/evil'], ['PATCH', '/v2/team/app/blobs/uploads/x']] as const) {
      const r = await send(readOnly.port, `/proxy/${registry.host}${path}`, method, { authorization: auth, 'content-length': '2' }, Buffer.from('{}'));
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
      const e = errorOf(r);
      assert.equal(e.code, 'DENIED');
      assert.match(e.message, new RegExp(`start strata serve with --allow-push-host ${registry.host.replace(/\./g, '\\.')}`));
    }
    const tags = await send(readOnly.port, `/proxy/${registry.host}/v2/team/app/tags/list`, 'GET', { authorization: auth });
    assert.deepEqual((JSON.parse(tags.body.toString()) as { tags: string[] }).tags, ['patched']);
  });
});

describe('what the push flow refuses (fake registries)', () => {
  let upstream: FakeServer;
  let received: { method: string; url: string; headers: http.IncomingHttpHeaders; bytes: number }[];
  let script: (req: http.IncomingMessage, res: http.ServerResponse) => void;

  before(async () => {
    received = [];
    upstream = await startFake((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => void (bytes += c.length));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes });
        script(req, res);
      });
      req.on('error', () => undefined);
    });
  });
  const host = (): string => `127.0.0.1:${upstream.port}`;
  const pushProxy = (extra: { maxPushBlobBytes?: number } = {}) => startProxy({ allowHosts: [host()], allowPushHosts: [host()], ...extra });

  test('an upload Location on another host is refused; one on the same host comes back as a proxy path', async () => {
    const proxy = await pushProxy();
    script = reply(202, { location: 'http://127.0.0.2:5000/v2/team/app/blobs/uploads/abc?_state=x' });
    const away = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/`, 'POST', { 'content-length': '0' });
    assert.equal(away.status, 403);
    assert.match(errorOf(away).message, /upload Location .* another host/);
    assert.equal(away.headers.location, undefined);

    script = reply(202, { location: `http://${host()}/v2/team/app/blobs/uploads/abc?_state=x%3D`, range: '0-0', 'docker-upload-uuid': 'abc' });
    const same = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/`, 'POST', { 'content-length': '0' });
    assert.equal(same.status, 202);
    assert.equal(same.headers.location, `/proxy/${host()}/v2/team/app/blobs/uploads/abc?_state=x%3D`);
    assert.equal(same.headers['docker-upload-uuid'], 'abc');

    script = reply(202, { location: `http://${host()}/internal/upload` });
    const offApi = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/`, 'POST', { 'content-length': '0' });
    assert.equal(offApi.status, 403);
    assert.match(errorOf(offApi).message, /not a registry API path/);
  });

  test('DELETE is refused everywhere, push host included, and never reaches the registry', async () => {
    const proxy = await pushProxy();
    const seen = received.length;
    for (const path of [`/v2/team/app/manifests/${DIGEST}`, `/v2/team/app/blobs/${DIGEST}`, '/v2/team/app/blobs/uploads/abc']) {
      const r = await send(proxy.port, `/proxy/${host()}${path}`, 'DELETE');
      assert.equal(r.status, 405);
      assert.match(errorOf(r).message, /DELETE is never proxied/);
    }
    assert.equal(received.length, seen);
  });

  test('bodies are capped: a declared manifest over 4 MiB, a declared blob over the limit, a chunked blob that grows past it', async () => {
    const proxy = await pushProxy({ maxPushBlobBytes: 64 * 1024 });
    script = reply(201, { location: `/v2/team/app/manifests/${DIGEST}` });
    const seen = received.length;
    const manifest = await send(proxy.port, `/proxy/${host()}/v2/team/app/manifests/v1`, 'PUT', { 'content-length': String(4 * 1024 * 1024 + 1), 'content-type': MEDIA.ociManifest });
    assert.equal(manifest.status, 413);
    assert.equal(errorOf(manifest).code, 'TOO_LARGE');
    const declared = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/abc?digest=${DIGEST}`, 'PUT', { 'content-length': String(64 * 1024 + 1) });
    assert.equal(declared.status, 413);
    assert.equal(received.length, seen, 'refused before connecting');
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(8 * 1024, 1));
    const streamed = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/abc`, 'PATCH', { 'content-type': 'application/octet-stream' }, chunks);
    assert.equal(streamed.status, 413);
    assert.match(errorOf(streamed).message, /exceeds 65536 bytes/);
    assert.ok(received.slice(seen).every((r) => r.bytes <= 64 * 1024), 'the registry never got more than the cap');
  });

  test('forwards the upload headers and body to the push host, nothing else (no Cookie, no X-Forwarded-For)', async () => {
    const proxy = await pushProxy();
    script = reply(202, { location: `/v2/team/app/blobs/uploads/abc`, range: '0-9' });
    const seen = received.length;
    const r = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/abc`, 'PATCH', {
      'content-type': 'application/octet-stream', 'content-range': '0-9', 'content-length': '10', authorization: 'Basic eDp5',
      cookie: 'session=1', 'x-forwarded-for': '10.0.0.1', digest: 'sha-256=abc',
    }, Buffer.alloc(10, 2));
    assert.equal(r.status, 202);
    assert.equal(r.headers.range, '0-9');
    assert.equal(r.headers.location, `/proxy/${host()}/v2/team/app/blobs/uploads/abc`);
    const got = received[seen]!;
    assert.equal(got.bytes, 10);
    assert.equal(got.headers['content-range'], '0-9');
    assert.equal(got.headers.authorization, 'Basic eDp5');
    assert.equal(got.headers.digest, 'sha-256=abc');
    assert.equal(got.headers.cookie, undefined);
    assert.equal(got.headers['x-forwarded-for'], undefined);
  });

  test('a redirect answer to a write is not followed (the body cannot be sent twice, nor elsewhere)', async () => {
    const proxy = await pushProxy();
    script = reply(307, { location: 'http://127.0.0.2:9/v2/team/app/manifests/v1' });
    const r = await send(proxy.port, `/proxy/${host()}/v2/team/app/manifests/v1`, 'PUT', { 'content-type': MEDIA.ociManifest, 'content-length': '2' }, Buffer.from('{}'));
    assert.equal(r.status, 403);
    assert.match(errorOf(r).message, /does not follow for pushes/);
  });

  test('writes outside the push flow are refused even on a push host, and cross-site writes are refused', async () => {
    const proxy = await pushProxy();
    const seen = received.length;
    const tags = await send(proxy.port, `/proxy/${host()}/v2/team/app/tags/list`, 'PUT', { 'content-length': '0' });
    assert.equal(tags.status, 405);
    assert.match(errorOf(tags).message, /not part of the registry push flow/);
    const crossSite = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/`, 'POST', { origin: 'https://evil.example', 'content-length': '0' });
    assert.equal(crossSite.status, 403);
    const noOrigin = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/`, 'POST', { 'sec-fetch-site': 'cross-site', 'content-length': '0' });
    assert.equal(noOrigin.status, 403);
    const put = await send(proxy.port, `/proxy/${host()}/v2/team/app/blobs/uploads/`, 'OPTIONS', { origin: `http://127.0.0.1:${proxy.port}`, 'access-control-request-method': 'PUT' });
    assert.equal(put.status, 204);
    assert.match(String(put.headers['access-control-allow-methods']), /PUT/);
    assert.equal(received.length, seen);
  });

  test('writes to metadata or private addresses stay refused: push hosts are checked at start and on every request', async () => {
    const allowlist = createAllowlist(['169.254.169.254', '127.0.0.1:5000', '*.example.test']);
    assert.throws(() => createPushPolicy(['169.254.169.254'], allowlist), /never connects/);
    assert.throws(() => createPushPolicy(['*.example.test'], allowlist), /exact host/);
    assert.throws(() => createPushPolicy(['127.0.0.1:6000'], allowlist), /add --allow-host 127\.0\.0\.1:6000/);
    assert.doesNotThrow(() => createPushPolicy(['127.0.0.1:5000'], allowlist));

    const internal = await startFake(reply(202, { location: '/v2/x/blobs/uploads/1' }));
    const transport = recordingTransport({ [PUBLIC_A]: internal.port, '10.0.0.5': internal.port }, internal.port);
    const resolver = stubResolver({ 'push.example.test': [['10.0.0.5']], 'ok.example.test': [[PUBLIC_A]] });
    // Pull-allowed by a pattern (never unlocks private space, S21), push-allowed by name: the address guard still runs.
    const proxy = await startProxy({ allowHosts: ['*.example.test'], allowPushHosts: ['push.example.test', 'ok.example.test'], resolver }, transport);
    const priv = await send(proxy.port, '/proxy/push.example.test/v2/x/blobs/uploads/', 'POST', { 'content-length': '0' });
    assert.equal(priv.status, 403);
    assert.match(errorOf(priv).message, /10\.0\.0\.5/);
    const meta = await send(proxy.port, '/proxy/169.254.169.254/v2/x/blobs/uploads/', 'POST', { 'content-length': '0' });
    assert.equal(meta.status, 403);
    assert.equal(transport.hops.length, 0, 'nothing was connected to');
    const ok = await send(proxy.port, '/proxy/ok.example.test/v2/x/blobs/uploads/', 'POST', { 'content-length': '0' });
    assert.equal(ok.status, 202);
    assert.equal(ok.headers.location, '/proxy/ok.example.test/v2/x/blobs/uploads/1');
    assert.equal(transport.hops[0]?.address, PUBLIC_A);
  });
});

test('strata serve tells the page where it may push (GET /api/config)', async () => {
  const work = await mkdtemp(join(tmpdir(), 'strata-config-'));
  const server = await startServer({ port: 0, demoDir: false, distDir: join(work, 'no-dist'), allowHosts: ['127.0.0.1:5999'], allowPushHosts: ['127.0.0.1:5999'], log: () => undefined });
  try {
    const r = await fetch(new URL('/api/config', server.url));
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await r.json(), { embeddedPush: false, pushHosts: ['127.0.0.1:5999'] });
    await assert.rejects(startServer({ port: 0, demoDir: false, distDir: join(work, 'no-dist'), allowPushHosts: ['127.0.0.1:5998'], log: () => undefined }), /add --allow-host/);
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
});
