// Credential and header handling of the proxy (hardening §2.3 S7–S11, S18, S22; §2.2 F17), against fake upstreams
// reached through a recording transport (fake public names → public addresses → local servers).
import assert from 'node:assert/strict';
import type * as http from 'node:http';
import { after, before, test } from 'node:test';
import { EXPOSED_HEADERS } from './cors.ts';
import {
  closeAll, PUBLIC_A, PUBLIC_B, PUBLIC_C, recordingTransport, reply, startFake, startProxy, stubResolver,
  type FakeServer, type ProxyHarness,
} from './proxy-test-kit.ts';

after(closeAll);

const DIGEST = `sha256:${'b'.repeat(64)}`;
const BLOB = `/v2/team/app/blobs/${DIGEST}`;
const SECRET = 'Bearer s3cr3t-token-value';

let registry: FakeServer;
let blobs: FakeServer;
let blobsAlt: FakeServer;
let auth: FakeServer;
let fallback: FakeServer;
let proxy: ProxyHarness;

function lastAuth(server: FakeServer): string | undefined {
  return server.requests.at(-1)?.headers.authorization;
}

before(async () => {
  registry = await startFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (to !== null) return reply(307, { location: to, 'set-cookie': 'r=1' })(req, res);
    if (url.pathname === '/v2/' && req.headers.authorization === undefined) {
      return reply(401, { 'www-authenticate': 'Bearer realm="https://auth.example.test/token",service="reg",scope="repository:team/app:pull"' })(req, res);
    }
    if (url.pathname.startsWith('/storage/')) return reply(200, {}, 'same-origin storage')(req, res);
    if (url.pathname === '/v2/team/app/tags/list') {
      return reply(200, { 'content-type': 'application/json', link: '</v2/team/app/tags/list?n=1&last=a>; rel="next"' }, '{"tags":["a"]}')(req, res);
    }
    reply(200, {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      'docker-content-digest': DIGEST,
      'set-cookie': 'session=abc; HttpOnly',
      'strict-transport-security': 'max-age=63072000',
      'alt-svc': 'h3=":443"',
      'keep-alive': 'timeout=5',
      'x-internal-debug': 'secret',
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      'cache-control': 'public, max-age=86400',
      warning: '299 - "deprecated"',
      'oci-subject': DIGEST,
    }, '{}')(req, res);
  });
  // A presigned-URL store: like S3 it refuses a second auth mechanism (400 "Only one auth mechanism allowed").
  blobs = await startFake((req, res) => {
    const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (to !== null) return reply(302, { location: to })(req, res);
    if (req.headers.authorization !== undefined && (req.url ?? '').includes('X-Amz-Signature=')) {
      return reply(400, { 'content-type': 'application/xml' }, '<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>')(req, res);
    }
    reply(200, { 'content-type': 'application/octet-stream' }, 'blob bytes')(req, res);
  });
  blobsAlt = await startFake(reply(200, {}, 'alt port'));
  auth = await startFake(reply(200, { 'content-type': 'application/json', 'set-cookie': 'a=1' }, '{"token":"issued-for-registry","expires_in":300}'));
  fallback = await startFake(reply(599, {}, 'unrouted'));
  const transport = recordingTransport({
    [PUBLIC_A]: registry.port, [`${PUBLIC_A}:8443`]: blobsAlt.port, [`${PUBLIC_A}:80`]: blobsAlt.port,
    [PUBLIC_B]: blobs.port, [PUBLIC_C]: auth.port,
  }, fallback.port);
  const resolver = stubResolver({
    'registry.example.test': [[PUBLIC_A]], 'blobs.example.test': [[PUBLIC_B]], 'auth.example.test': [[PUBLIC_C]],
    's3.amazonaws-like.test': [[PUBLIC_B]], 'other.example.test': [[PUBLIC_B]],
  });
  proxy = await startProxy({ allowHosts: ['*.example.test', '*.example.test:8443', 'http://*.example.test'], resolver }, transport);
});

after(async () => {
  await proxy.close();
  await Promise.all([registry.close(), blobs.close(), blobsAlt.close(), auth.close(), fallback.close()]);
});

function viaRedirect(to: string, headers: http.OutgoingHttpHeaders = { authorization: SECRET }): ReturnType<ProxyHarness['request']> {
  return proxy.request(`/proxy/registry.example.test${BLOB}?to=${encodeURIComponent(to)}`, headers);
}

test('S7 redirect credentials: Authorization is dropped on a change of host, port or scheme and kept on the same origin', async () => {
  assert.equal((await viaRedirect('https://blobs.example.test/b')).status, 200);
  assert.equal(lastAuth(registry), SECRET, 'the registry itself got the credential');
  assert.equal(lastAuth(blobs), undefined, 'host change');
  assert.equal((await viaRedirect('https://registry.example.test:8443/b')).status, 200);
  assert.equal(lastAuth(blobsAlt), undefined, 'port change');
  assert.equal((await viaRedirect('http://registry.example.test/b')).status, 200);
  assert.equal(lastAuth(blobsAlt), undefined, 'scheme change');
  const same = await viaRedirect('https://registry.example.test/storage/b');
  assert.equal(same.body.toString(), 'same-origin storage');
  assert.equal(lastAuth(registry), SECRET, 'same origin keeps it');
  // Once dropped it stays dropped, even when a later hop returns to the original host.
  const back = await viaRedirect(`https://blobs.example.test/x?to=${encodeURIComponent('https://registry.example.test/storage/c')}`);
  assert.equal(back.body.toString(), 'same-origin storage');
  assert.equal(registry.requests.at(-1)?.url, '/storage/c');
  assert.equal(lastAuth(registry), undefined, 'back on the original host after a foreign hop');
});

test('S8 same-origin trap: Location never reaches the page, and a token issued for one registry is not forwarded to another', async () => {
  const redirected = await viaRedirect('https://blobs.example.test/b');
  assert.equal(redirected.headers.location, undefined);
  const challenge = await proxy.request('/proxy/registry.example.test/v2/');
  assert.equal(challenge.status, 401);
  const token = await proxy.request('/proxy/auth.example.test/token?service=reg&scope=repository:team/app:pull');
  assert.equal(token.status, 200);
  const issued = `Bearer ${(JSON.parse(token.body.toString()) as { token: string }).token}`;
  await proxy.request('/proxy/other.example.test/v2/team/app/manifests/latest', { authorization: issued });
  assert.equal(blobs.requests.at(-1)?.url, '/v2/team/app/manifests/latest', 'the request reached the other registry');
  assert.equal(lastAuth(blobs), undefined, 'the token was meant for registry.example.test only');
  assert.ok(proxy.logs.some((l) => l.includes('Authorization dropped: the token was issued for registry.example.test')));
  await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest', { authorization: issued });
  assert.equal(lastAuth(registry), issued);
});

test('S9 cookies: the page\'s Cookie is not sent upstream and upstream Set-Cookie is not returned', async () => {
  const r = await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest', { cookie: 'strata=1; session=x' });
  assert.equal(registry.requests.at(-1)?.headers.cookie, undefined);
  assert.equal(r.headers['set-cookie'], undefined);
  const t = await proxy.request('/proxy/auth.example.test/token?service=reg', { cookie: 'x=1' });
  assert.equal(t.headers['set-cookie'], undefined);
  assert.equal(auth.requests.at(-1)?.headers.cookie, undefined);
});

test('S10 request headers: only Accept, Authorization, Range, If-* and User-Agent go upstream', async () => {
  await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest', {
    accept: 'application/vnd.oci.image.index.v1+json', authorization: SECRET, range: 'bytes=0-9', 'if-none-match': '"e"',
    'if-match': '"e"', 'if-modified-since': 'Thu, 01 Jan 2026 00:00:00 GMT', 'user-agent': 'strata-test',
    'x-api-key': 'k', 'proxy-authorization': 'Basic cDpw', 'x-forwarded-for': '10.0.0.1', forwarded: 'for=10.0.0.1',
    'x-registry-auth': 'e30=', connection: 'Upgrade', upgrade: 'websocket', 'accept-encoding': 'gzip', host: 'evil.test',
  });
  const seen = registry.requests.at(-1)?.headers ?? {};
  assert.deepEqual(Object.keys(seen).sort(), ['accept', 'authorization', 'connection', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'range', 'user-agent']);
  assert.equal(seen.host, 'registry.example.test');
  assert.equal(seen.connection, 'close', 'the transport\'s own connection header, not the page\'s Upgrade');
  assert.equal(seen['user-agent'], 'strata-test');
});

test('S11 response headers: only registry headers pass; CORS expose list names what the page must read', async () => {
  const r = await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest', { origin: `http://127.0.0.1:${proxy.port}` });
  for (const gone of ['set-cookie', 'strict-transport-security', 'alt-svc', 'keep-alive', 'x-internal-debug', 'access-control-allow-credentials']) {
    assert.equal(r.headers[gone], undefined, gone);
  }
  assert.equal(r.headers['docker-content-digest'], DIGEST);
  assert.equal(r.headers['oci-subject'], DIGEST);
  assert.equal(r.headers.warning, '299 - "deprecated"');
  assert.equal(r.headers['access-control-allow-origin'], `http://127.0.0.1:${proxy.port}`);
  assert.equal(r.headers['access-control-expose-headers'], EXPOSED_HEADERS);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.match(String(r.headers['content-security-policy']), /sandbox/);
});

test('Link headers and challenges are passed unchanged; the page maps their URLs to /proxy/… itself', async () => {
  const r = await proxy.request('/proxy/registry.example.test/v2/team/app/tags/list?n=1');
  assert.equal(r.headers.link, '</v2/team/app/tags/list?n=1&last=a>; rel="next"');
  const c = await proxy.request('/proxy/registry.example.test/v2/');
  assert.equal(c.headers['www-authenticate'], 'Bearer realm="https://auth.example.test/token",service="reg",scope="repository:team/app:pull"');
});

test('a token realm is reachable only after an allowed registry named it', async () => {
  const fresh = await startProxy({ allowHosts: ['*.example.test'], resolver: stubResolver({ 'auth.example.test': [[PUBLIC_C]], 'registry.example.test': [[PUBLIC_A]] }) },
    recordingTransport({ [PUBLIC_A]: registry.port, [PUBLIC_C]: auth.port }, fallback.port));
  const early = await fresh.request('/proxy/auth.example.test/token?service=reg');
  assert.equal(early.status, 403);
  await fresh.request('/proxy/registry.example.test/v2/');
  assert.equal((await fresh.request('/proxy/auth.example.test/token?service=reg')).status, 200);
  assert.equal((await fresh.request('/proxy/auth.example.test/other-path')).status, 403);
  await fresh.close();
});

test('S18 caching: token and authenticated answers are no-store, anonymous digest blobs immutable, tag manifests no-store', async () => {
  await proxy.request('/proxy/registry.example.test/v2/');
  const token = await proxy.request('/proxy/auth.example.test/token?service=reg');
  assert.equal(token.headers['cache-control'], 'no-store');
  const authed = await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest', { authorization: SECRET });
  assert.equal(authed.headers['cache-control'], 'no-store', 'upstream said public, max-age: overridden');
  const tag = await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest');
  assert.equal(tag.headers['cache-control'], 'no-store');
  const blob = await proxy.request(`/proxy/registry.example.test${BLOB}`);
  assert.equal(blob.headers['cache-control'], 'public, max-age=31536000, immutable');
  const authedBlob = await proxy.request(`/proxy/registry.example.test${BLOB}`, { authorization: SECRET });
  assert.equal(authedBlob.headers['cache-control'], 'no-store');
  const denied = await proxy.request('/proxy/nowhere.invalid/v2/');
  assert.equal(denied.headers['cache-control'], 'no-store');
});

test('S22 logs: no Authorization values, tokens, query values or presigned signatures are logged', async () => {
  await proxy.request('/proxy/registry.example.test/v2/');
  await proxy.request('/proxy/auth.example.test/token?service=reg&scope=repository:team/app:pull&account=alice', { authorization: 'Basic YWxpY2U6aHVudGVyMg==' });
  await viaRedirect('https://blobs.example.test/b?X-Amz-Signature=deadbeefsig&X-Amz-Credential=AKIAEXAMPLE');
  await proxy.request('/proxy/registry.example.test/v2/team/app/manifests/latest', { authorization: SECRET });
  const text = proxy.logs.join('\n');
  assert.ok(proxy.logs.length > 4);
  for (const secret of ['s3cr3t', 'YWxpY2U6aHVudGVyMg', 'alice', 'deadbeefsig', 'AKIAEXAMPLE', 'issued-for-registry', 'repository:team']) {
    assert.ok(!text.includes(secret), `log leaks ${secret}`);
  }
  assert.match(text, /X-Amz-Signature=<redacted>/);
});

test('F17 presigned redirect: Authorization is not forwarded to object storage, so the download succeeds', async () => {
  const r = await viaRedirect('https://s3.amazonaws-like.test/bucket/blob?X-Amz-Signature=abc&X-Amz-Expires=1200');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'blob bytes');
  assert.equal(lastAuth(blobs), undefined);
});
