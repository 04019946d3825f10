// Open-proxy abuse probes (hardening §2.3 S12–S15, S17): path/host allowlist, origin allowlist and preflight, rate
// limit, read-only methods (writes only to --allow-push-host registries), and no credentialed CORS. A local fake registry is allowed explicitly (local mode).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { closeAll, errorOf, reply, startFake, startProxy, type FakeServer } from './proxy-test-kit.ts';

after(closeAll);

let registry: FakeServer;

before(async () => {
  registry = await startFake((req, res) => {
    if (req.url === '/v2/') return reply(401, { 'www-authenticate': 'Bearer realm="https://auth.invalid/token"', 'access-control-allow-credentials': 'true' }, '{}')(req, res);
    reply(200, { 'content-type': 'application/json', 'access-control-allow-credentials': 'true', 'access-control-allow-origin': '*' }, '{"ok":true}')(req, res);
  });
});

after(() => registry.close());

const local = (): string => `127.0.0.1:${registry.port}`;

test('S12 open proxy: full URLs, non-/v2/ paths, unknown hosts and dot segments are refused with what to do', async () => {
  const proxy = await startProxy({ allowHosts: [local()] });
  const before = registry.requests.length;
  const cases: [string, RegExp][] = [
    ['/proxy/https://example.com/index.html', /not a full URL/],
    [`/proxy/${local()}/index.html`, /only the registry API/],
    [`/proxy/${local()}/`, /only the registry API/],
    [`/proxy/${local()}`, /only the registry API/],
    ['/proxy/example.com/v2/', /--allow-host example\.com/],
    [`/proxy/${local()}/v2/../admin`, /dot segments/],
    [`/proxy/${local()}/v2/%2e%2E/admin`, /dot segments/],
    [`/proxy/${local()}/v2/a%2fb/manifests/x`, /encoded slashes/],
    ['/elsewhere', /not a proxy URL/],
  ];
  for (const [path, message] of cases) {
    const r = await proxy.request(path);
    assert.equal(r.status, 403, path);
    assert.equal(errorOf(r).code, 'DENIED', path);
    assert.match(errorOf(r).message, message, path);
    assert.match(String(r.headers['content-type']), /application\/json/);
  }
  assert.equal(registry.requests.length, before, 'nothing reached upstream');
  assert.equal((await proxy.request(`/proxy/${local()}/v2/team/app/manifests/latest`)).status, 200, 'control');
  await proxy.close();
});

test('S13 origins: foreign and "null" origins and cross-site requests without Origin are refused; allowed ones get their origin echoed', async () => {
  const proxy = await startProxy({ allowHosts: [local()], allowedOrigins: ['https://app.example'] });
  const path = `/proxy/${local()}/v2/team/app/manifests/latest`;
  const before = registry.requests.length;
  for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { origin: 'https://app.example.evil.example' }, { 'sec-fetch-site': 'cross-site' }]) {
    const r = await proxy.request(path, headers);
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.equal(r.headers['access-control-allow-origin'], undefined);
  }
  assert.equal(registry.requests.length, before);
  const ok = await proxy.request(path, { origin: 'https://app.example' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
  assert.match(String(ok.headers.vary), /Origin/);
  assert.equal((await proxy.request(path)).status, 200, 'same-origin GET or a non-browser client (no Origin, no Sec-Fetch-Site)');
  const preflight = await proxy.request(path, { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,range' }, 'OPTIONS');
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-methods'], 'GET, HEAD');
  assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization, Range/);
  const foreign = await proxy.request(path, { origin: 'https://evil.example', 'access-control-request-method': 'GET' }, 'OPTIONS');
  assert.equal(foreign.status, 403);
  assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  await proxy.close();
});

test('S13 origins: by default only the proxy\'s own origin is allowed', async () => {
  const proxy = await startProxy({ allowHosts: [local()] });
  const path = `/proxy/${local()}/v2/team/app/manifests/latest`;
  assert.equal((await proxy.request(path, { origin: `http://127.0.0.1:${proxy.port}` })).status, 200);
  assert.equal((await proxy.request(path, { origin: `http://localhost:${proxy.port}` })).status, 403);
  assert.equal((await proxy.request(path, { origin: 'https://registry.example' })).status, 403);
  await proxy.close();
});

test('S14 rate limit: requests over the per-client budget get 429 with Retry-After and never reach upstream', async () => {
  const proxy = await startProxy({ allowHosts: [local()], rateLimit: { requests: 5, perMs: 60_000 } });
  const before = registry.requests.length;
  for (let i = 0; i < 5; i++) assert.equal((await proxy.request(`/proxy/${local()}/v2/x/manifests/latest`)).status, 200);
  const limited = await proxy.request(`/proxy/${local()}/v2/x/manifests/latest`);
  assert.equal(limited.status, 429);
  assert.equal(errorOf(limited).code, 'TOOMANYREQUESTS');
  const retryAfter = Number(limited.headers['retry-after']);
  assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  assert.equal(registry.requests.length, before + 5);
  await proxy.close();
});

test('S15 methods: PUT, POST, PATCH to a host without --allow-push-host, DELETE anywhere and TRACE are refused 405 (Allow: GET, HEAD) with what to do, none forwarded', async () => {
  const proxy = await startProxy({ allowHosts: [local()] });
  const before = registry.requests.length;
  for (const method of ['PUT', 'POST', 'PATCH', 'DELETE']) {
    const r = await proxy.request(`/proxy/${local()}/v2/team/app/blobs/uploads/`, {}, method);
    assert.equal(r.status, 405, method);
    assert.equal(r.headers.allow, 'GET, HEAD', method);
    assert.match(errorOf(r).message, method === 'DELETE' ? /DELETE is never proxied/ : /start strata serve with --allow-push-host/);
  }
  const trace = await proxy.request(`/proxy/${local()}/v2/team/app/blobs/uploads/`, {}, 'TRACE');
  assert.equal(trace.status, 405);
  assert.equal(trace.headers.allow, 'GET, HEAD');
  const putPreflight = await proxy.request(`/proxy/${local()}/v2/x/blobs/uploads/`, { origin: `http://127.0.0.1:${proxy.port}`, 'access-control-request-method': 'PUT' }, 'OPTIONS');
  assert.equal(putPreflight.status, 405);
  assert.equal(registry.requests.length, before);
  const head = await proxy.request(`/proxy/${local()}/v2/team/app/manifests/latest`, {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(registry.requests.at(-1)?.method, 'HEAD');
  await proxy.close();
});

test('S17 credentials: Access-Control-Allow-Credentials is never sent, whatever the status or upstream says', async () => {
  const origin = 'https://app.example';
  const proxy = await startProxy({ allowHosts: [local()], allowedOrigins: [origin], rateLimit: { requests: 6, perMs: 60_000 } });
  const replies = [
    await proxy.request(`/proxy/${local()}/v2/team/app/manifests/latest`, { origin }),
    await proxy.request(`/proxy/${local()}/v2/`, { origin }),
    await proxy.request('/proxy/example.com/v2/', { origin }),
    await proxy.request(`/proxy/${local()}/v2/`, { origin, 'access-control-request-method': 'GET' }, 'OPTIONS'),
    await proxy.request(`/proxy/${local()}/v2/`, { origin }, 'DELETE'),
    await proxy.request(`/proxy/${local()}/v2/`, { origin }),
    await proxy.request(`/proxy/${local()}/v2/`, { origin }),
  ];
  assert.deepEqual(replies.map((r) => r.status), [200, 401, 403, 204, 405, 401, 429]);
  for (const r of replies) {
    assert.equal(r.headers['access-control-allow-credentials'], undefined);
    assert.equal(r.headers['access-control-allow-origin'], origin, 'readable by the allowed page, errors included');
  }
  await proxy.close();
});
