// SSRF probes against the proxy (hardening §2.3 S1–S6, S19, S21). Fake "public" names resolve (stub resolver) to
// public addresses that a recording transport routes to local fake servers; private addresses are routed to an
// "internal" fake too, so a missing guard would show up as a request reaching it, not as a connection error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  closeAll, errorOf, PUBLIC_A, PUBLIC_B, PUBLIC_C, recordingTransport, reply, startFake, startProxy, stubResolver,
  type FakeServer, type ProxyHarness, type RecordingTransport,
} from './proxy-test-kit.ts';

after(closeAll);

const DIGEST = `sha256:${'a'.repeat(64)}`;
const BLOB = `/v2/team/app/blobs/${DIGEST}`;

let registry: FakeServer;
let auth: FakeServer;
let internal: FakeServer;
let fallback: FakeServer;

before(async () => {
  registry = await startFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const to = url.searchParams.get('to');
    if (to !== null) return reply(307, { location: to })(req, res);
    const realm = url.searchParams.get('realm');
    if (realm !== null) return reply(401, { 'www-authenticate': `Bearer realm="${realm}",service="reg"` }, '{"errors":[]}')(req, res);
    reply(200, { 'content-type': 'text/plain' }, 'registry')(req, res);
  });
  auth = await startFake((req, res) => {
    if ((req.url ?? '').startsWith('/bounce')) return reply(302, { location: 'https://127.0.0.1/steal' })(req, res);
    reply(200, { 'content-type': 'application/json' }, '{"token":"t1"}')(req, res);
  });
  internal = await startFake(reply(200, {}, 'internal secret'));
  fallback = await startFake(reply(599, {}, 'unrouted'));
});

after(async () => {
  await Promise.all([registry.close(), auth.close(), internal.close(), fallback.close()]);
});

const NAMES = {
  'registry.example.test': [[PUBLIC_A]],
  'auth.example.test': [[PUBLIC_C]],
  'intranet.example.test': [['10.0.0.5']],
  'mixed.example.test': [[PUBLIC_A, '10.0.0.5']],
  'mapped.example.test': [[PUBLIC_A, '::ffff:10.0.0.5']],
  'ula.example.test': [['fd12::1']],
  '127.0.0.1.nip.io': [['127.0.0.1']],
  'meta.example.test': [['169.254.169.254']],
};

/** A proxy in hosted mode whose transport routes public A/C to the fakes and every private address to `internal`. */
async function hosted(extra: { allowPrivate?: boolean } = {}): Promise<{ proxy: ProxyHarness; transport: RecordingTransport; resolver: ReturnType<typeof stubResolver> }> {
  const routes: Record<string, number> = { [PUBLIC_A]: registry.port, [PUBLIC_C]: auth.port };
  for (const a of ['10.0.0.5', '10.0.0.1', '127.0.0.1', '::1', 'fd12::1', '169.254.169.254', '::ffff:a00:5']) routes[a] = internal.port;
  const transport = recordingTransport(routes, fallback.port);
  const resolver = stubResolver(NAMES);
  const proxy = await startProxy({ allowHosts: ['*.example.test', '*.nip.io'], resolver, ...extra }, transport);
  return { proxy, transport, resolver };
}

test('positive control: an allowed public registry is reached through its pinned address with its own Host header', async () => {
  const { proxy, transport } = await hosted();
  const r = await proxy.request('/proxy/registry.example.test/v2/');
  assert.equal(r.status, 200);
  assert.equal(r.body.toString(), 'registry');
  assert.equal(transport.hops[0]?.address, PUBLIC_A);
  assert.equal(registry.requests.at(-1)?.headers.host, 'registry.example.test');
  await proxy.close();
});

test('S1 metadata: 169.254.169.254, metadata.google.internal, [fd00:ec2::254] and names resolving there are refused before any connection, even when allowed explicitly with allowPrivate', async () => {
  const resolver = stubResolver(NAMES);
  const transport = recordingTransport({ '169.254.169.254': internal.port, 'fd00:ec2::254': internal.port }, fallback.port);
  const proxy = await startProxy({
    allowHosts: ['169.254.169.254', 'metadata.google.internal', 'metadata.amazonaws.com', '[fd00:ec2::254]', '*.example.test'],
    allowPrivate: true, resolver,
  }, transport);
  for (const path of ['/proxy/169.254.169.254/latest/meta-data/', '/proxy/169.254.169.254/v2/', '/proxy/metadata.google.internal/v2/',
    '/proxy/metadata.amazonaws.com/v2/', '/proxy/[fd00:ec2::254]/v2/', '/proxy/meta.example.test/v2/']) {
    const r = await proxy.request(path);
    assert.equal(r.status, 403, path);
    assert.equal(errorOf(r).code, 'DENIED');
    assert.match(errorOf(r).message, /metadata/);
  }
  assert.equal(transport.hops.length, 0);
  assert.equal(resolver.calls.get('metadata.google.internal'), undefined, 'metadata names are refused without a lookup');
  await proxy.close();
});

const S2_FORMS = ['2130706433', '017700000001', '0x7f.1', '127.1', '0177.0.0.1', '0', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:0:0:1]', '0.0.0.0', '[::]'];

test('S2 IP encodings: blob redirects to every loopback/unspecified spelling are refused, no hop is opened', async () => {
  const { proxy, transport } = await hosted();
  for (const form of S2_FORMS) {
    const before = transport.hops.length;
    const r = await proxy.request(`/proxy/registry.example.test${BLOB}?to=${encodeURIComponent(`https://${form}/blob`)}`);
    assert.equal(r.status, 403, form);
    assert.match(errorOf(r).message, /loopback|unspecified/, form);
    assert.equal(transport.hops.length, before + 1, `${form}: only the registry hop was opened`);
  }
  assert.equal(internal.requests.length, 0);
  await proxy.close();
});

test('S2 IP encodings: the same spellings as the proxied host itself are refused without DNS or connection', async () => {
  const { proxy, transport, resolver } = await hosted();
  for (const form of S2_FORMS) {
    const r = await proxy.request(`/proxy/${form}/v2/`);
    assert.equal(r.status, 403, form);
    // Refused as what it is (not merely as "not on the allowlist"): the canonical parse classified it.
    assert.match(errorOf(r).message, /unspecified|is a local registry/, form);
  }
  assert.equal(transport.hops.length, 0);
  assert.equal(resolver.calls.size, 0);
  await proxy.close();
});

test('S3 private DNS: names resolving to 10/8, loopback (127.0.0.1.nip.io), ULA, or with any one private answer among public ones are refused', async () => {
  const { proxy, transport } = await hosted();
  for (const name of ['intranet.example.test', '127.0.0.1.nip.io', 'mixed.example.test', 'mapped.example.test', 'ula.example.test']) {
    const r = await proxy.request(`/proxy/${name}/v2/`);
    assert.equal(r.status, 403, name);
    assert.match(errorOf(r).message, /private|loopback|unique local/, name);
    assert.match(errorOf(r).message, /--allow-host/, name);
  }
  assert.equal(transport.hops.length, 0);
  assert.equal(internal.requests.length, 0);
  await proxy.close();
});

test('S4 DNS rebinding: the proxy connects to exactly the address it checked and re-checks each new lookup', async () => {
  const pub = await startFake(reply(200, {}, 'public'));
  const resolver = stubResolver({ 'rebind.example.test': [[PUBLIC_B], ['127.0.0.1']] });
  const transport = recordingTransport({ [PUBLIC_B]: pub.port, '127.0.0.1': internal.port }, fallback.port);
  const proxy = await startProxy({ allowHosts: ['*.example.test'], resolver }, transport);
  const first = await proxy.request('/proxy/rebind.example.test/v2/');
  assert.equal(first.body.toString(), 'public');
  assert.deepEqual(transport.hops.map((h) => h.address), [PUBLIC_B]);
  assert.equal(resolver.calls.get('rebind.example.test'), 1, 'one lookup per connection: nothing to rebind between check and use');
  const second = await proxy.request('/proxy/rebind.example.test/v2/');
  assert.equal(second.status, 403);
  assert.equal(transport.hops.length, 1);
  assert.equal(internal.requests.length, 0);
  await proxy.close();
  await pub.close();
});

test('S4 DNS rebinding: with the real transport, a local-mode proxy rebound from loopback to metadata refuses the second connection', async () => {
  const local = await startFake(reply(200, {}, 'local registry'));
  const resolver = stubResolver({ 'rebind.example.test': [['127.0.0.1'], ['169.254.169.254']] });
  const proxy = await startProxy({ allowHosts: [`http://rebind.example.test:${local.port}`], allowPrivate: true, resolver });
  const first = await proxy.request(`/proxy/rebind.example.test:${local.port}/v2/`);
  assert.equal(first.body.toString(), 'local registry');
  assert.equal(local.requests[0]?.headers.host, `rebind.example.test:${local.port}`, 'pinned IP, original Host');
  const second = await proxy.request(`/proxy/rebind.example.test:${local.port}/v2/`);
  assert.equal(second.status, 403);
  assert.match(errorOf(second).message, /metadata/);
  assert.equal(local.requests.length, 1);
  await proxy.close();
  await local.close();
});

test('S5 redirect hops: a 307 to http://10.0.0.1/, https://10.0.0.1/ or a name resolving privately, and a realm 302 to loopback, are refused', async () => {
  const { proxy, transport } = await hosted();
  for (const to of ['http://10.0.0.1/', 'https://10.0.0.1/', 'https://intranet.example.test/x', 'https://127.0.0.1.nip.io/x']) {
    const r = await proxy.request(`/proxy/registry.example.test${BLOB}?to=${encodeURIComponent(to)}`);
    assert.equal(r.status, 403, to);
  }
  const challenge = await proxy.request(`/proxy/registry.example.test/v2/?realm=${encodeURIComponent('https://auth.example.test/bounce')}`);
  assert.equal(challenge.status, 401);
  const token = await proxy.request('/proxy/auth.example.test/bounce?service=reg');
  assert.equal(token.status, 403);
  assert.match(errorOf(token).message, /loopback/);
  assert.equal(auth.requests.length, 1, 'the realm itself was asked');
  assert.equal(internal.requests.length, 0);
  assert.ok(transport.hops.every((h) => h.address === PUBLIC_A || h.address === PUBLIC_C));
  await proxy.close();
});

test('S6 realm validation: http, file:, gopher:, metadata, loopback and private-resolving realms are never requested', async () => {
  const { proxy } = await hosted();
  const authBefore = auth.requests.length;
  const internalBefore = internal.requests.length;
  const bad: [realm: string, proxied: string | undefined][] = [
    ['http://127.0.0.1/token', '/proxy/127.0.0.1/token'],
    ['file:///etc/passwd', undefined],
    ['gopher://auth.example.test/x', undefined],
    ['https://169.254.169.254/token', '/proxy/169.254.169.254/token'],
    ['https://[::ffff:7f00:1]/token', '/proxy/[::ffff:7f00:1]/token'],
    ['http://auth.example.test/token', '/proxy/auth.example.test/token'],
  ];
  for (const [realm, proxied] of bad) {
    const challenge = await proxy.request(`/proxy/registry.example.test/v2/?realm=${encodeURIComponent(realm)}`);
    assert.equal(challenge.status, 401, realm);
    assert.equal(challenge.headers['www-authenticate'], `Bearer realm="${realm}",service="reg"`, 'challenge passed unchanged');
    if (proxied !== undefined) {
      const r = await proxy.request(`${proxied}?service=reg`);
      assert.equal(r.status, 403, realm);
      assert.ok(['REALM_REJECTED', 'DENIED'].includes(errorOf(r).code), realm);
    }
  }
  assert.equal(proxy.logs.filter((l) => l.includes('token realm refused')).length, bad.length);
  // Syntactically fine, but resolves to private space: refused at connect time by the address guard.
  await proxy.request(`/proxy/registry.example.test/v2/?realm=${encodeURIComponent('https://intranet.example.test/token')}`);
  const r = await proxy.request('/proxy/intranet.example.test/token?service=reg');
  assert.equal(r.status, 403);
  assert.equal(auth.requests.length, authBefore);
  assert.equal(internal.requests.length, internalBefore);
  // Control: a valid realm is reachable once named.
  await proxy.request(`/proxy/registry.example.test/v2/?realm=${encodeURIComponent('https://auth.example.test/token')}`);
  assert.equal((await proxy.request('/proxy/auth.example.test/token?service=reg')).status, 200);
  await proxy.close();
});

test('S19 URL shapes: userinfo, non-http schemes and odd ports are refused, directly and as redirect targets', async () => {
  const { proxy, transport } = await hosted();
  for (const path of ['/proxy/user:pass@registry.example.test/v2/', '/proxy/registry.example.test:22/v2/', '/proxy/ftp://registry.example.test/v2/',
    '/proxy/https://registry.example.test/v2/']) {
    assert.equal((await proxy.request(path)).status, 403, path);
  }
  assert.equal(transport.hops.length, 0);
  for (const to of ['ftp://registry.example.test/x', 'file:///etc/passwd', 'data:text/plain,hi', 'https://u:p@blobs.example.test/x',
    'https://blobs.example.test:22/x', 'http://blobs.example.test/x', 'http://blobs.example.test:443/x']) {
    const r = await proxy.request(`/proxy/registry.example.test${BLOB}?to=${encodeURIComponent(to)}`);
    assert.equal(r.status, 403, to);
  }
  assert.equal(transport.hops.length, 7, 'only the registry hop each time');
  await proxy.close();
});

test('S21 hosted mode: localhost and loopback registries are refused with a hint; explicitly allowed ones work', async () => {
  const hostedProxy = await startProxy({});
  for (const host of ['localhost:5000', '127.0.0.1:5000', '[::1]:5000', `127.0.0.1:${registry.port}`]) {
    const r = await hostedProxy.request(`/proxy/${host}/v2/`);
    assert.equal(r.status, 403, host);
    assert.match(errorOf(r).message, new RegExp(`--allow-host ${host.replace(/[[\]]/g, '\\$&')}`));
  }
  await hostedProxy.close();
  const before = registry.requests.length;
  const local = await startProxy({ allowHosts: [`127.0.0.1:${registry.port}`] });
  const ok = await local.request(`/proxy/127.0.0.1:${registry.port}/v2/`);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.toString(), 'registry');
  assert.equal((await local.request(`/proxy/127.0.0.1:${internal.port}/v2/`)).status, 403, 'only the named port');
  assert.equal(registry.requests.length, before + 1);
  await local.close();
});
