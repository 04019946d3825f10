import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { MEDIA } from '../core/oci/media-types.ts';
import { FakeRegistry } from '../testing/fake-registry.ts';
import { buildImage } from '../testing/image-fixture.ts';
import { createFakeClock, createTestClient, drain, rejection, type FetchLog } from '../testing/registry-test-kit.ts';
import { parseChallenges } from './challenge.ts';
import { checkRealm } from './realm.ts';
import { parseTokenResponse } from './token-cache.ts';

const image = buildImage({ layers: [[{ name: 'etc/hello', body: 'hi' }]] });
const fakes: FakeRegistry[] = [];
after(() => Promise.all(fakes.map((f) => f.close())));

async function start(options: Parameters<typeof FakeRegistry.start>[0]): Promise<FakeRegistry> {
  const fake = await FakeRegistry.start(options);
  fakes.push(fake);
  for (const repo of ['a/b', 'c/d', 'secret/repo']) {
    for (const l of image.layers) fake.addBlob(repo, l.bytes);
    fake.addBlob(repo, image.config.bytes);
    fake.addManifest(repo, 'latest', image.manifest.bytes, MEDIA.ociManifest);
  }
  return fake;
}

const tokenGets = (fake: FakeRegistry) => fake.requests.filter((r) => r.path.startsWith('/token'));

describe('bearer token flow', () => {
  test('P1 anonymous token: one exchange per scope, retried with Bearer, no credentials sent', async () => {
    const fake = await start({ auth: { kind: 'bearer' } });
    const client = createTestClient(fake.host);
    await client.getManifest('a/b', 'latest');
    await client.getManifest('a/b', 'latest');
    await client.readBlob('a/b', image.config.descriptor);
    const tokens = tokenGets(fake);
    assert.equal(tokens.length, 1, 'one exchange for repository:a/b:pull');
    assert.match(tokens[0]!.path, /scope=repository%3Aa%2Fb%3Apull/);
    assert.equal(tokens[0]!.headers.authorization, undefined);
    assert.equal(tokens[0]!.headers['user-agent'], 'strata/0.1');
    const authed = fake.requestsTo('/v2/a/b/').filter((r) => r.headers.authorization?.startsWith('Bearer tok-'));
    assert.ok(authed.length >= 3);
    await client.getManifest('c/d', 'latest');
    assert.equal(tokenGets(fake).length, 2, 'a second scope gets its own token, without a new 401 round trip');
    assert.equal(fake.requestsTo('/v2/c/d/manifests').length, 1);
  });

  test('P2 access_token only, no expires_in, and expires_in: 5 are all accepted and live at least 60 s', async () => {
    assert.deepEqual(parseTokenResponse({ access_token: 'x' }), { token: 'x', lifetimeSeconds: 60 });
    assert.deepEqual(parseTokenResponse({ token: 'y', expires_in: 5 }), { token: 'y', lifetimeSeconds: 60 });
    assert.deepEqual(parseTokenResponse({ token: 'z', expires_in: 3600 }), { token: 'z', lifetimeSeconds: 3600 });
    assert.equal(parseTokenResponse({ expires_in: 60 }), undefined);
    for (const auth of [{ tokenField: 'access_token' as const }, {}, { expiresIn: 5 }]) {
      const fake = await start({ auth: { kind: 'bearer', ...auth } });
      const clock = createFakeClock();
      const client = createTestClient(fake.host, { clock });
      await client.getManifest('a/b', 'latest');
      clock.advance(50_000);
      await client.getManifest('a/b', 'latest');
      assert.equal(tokenGets(fake).length, 1, 'still valid after 50 s');
      clock.advance(11_000);
      await client.getManifest('a/b', 'latest');
      assert.equal(tokenGets(fake).length, 2, 'renewed after 61 s');
    }
  });

  test('P3 a challenge with two scopes makes the token request carry scope= twice', async () => {
    const ch = parseChallenges('Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull repository:c/d:pull"');
    assert.deepEqual(ch[0]?.scopes, ['repository:a/b:pull', 'repository:c/d:pull']);
    const fake = await start({ auth: { kind: 'bearer', extraChallengeScopes: ['repository:c/d:pull'] } });
    await createTestClient(fake.host).getManifest('a/b', 'latest');
    const url = new URL(tokenGets(fake)[0]!.path, 'http://x');
    assert.deepEqual(url.searchParams.getAll('scope'), ['repository:a/b:pull', 'repository:c/d:pull']);
  });

  test('P4 insufficient_scope after a token was used: exactly one re-exchange adding the scope, then UNAUTHORIZED, no loop', async () => {
    const extra = 'repository:extra/scope:pull';
    const fake = await start({ auth: { kind: 'bearer', privateRepos: ['secret/repo'], extraChallengeScopes: [extra] } });
    const client = createTestClient(fake.host);
    await client.getManifest('a/b', 'latest');
    const before = tokenGets(fake).length;
    const e = await rejection(client.getManifest('secret/repo', 'latest'));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.equal(e.status, 401);
    // The client knows the realm by now: one exchange for repository:secret/repo:pull, whose (empty-grant) token is
    // used and answered 401 error="insufficient_scope" naming an added scope; then exactly one re-exchange carrying
    // both scopes, one retry, and the error. No third exchange, no third try.
    const scopes = tokenGets(fake).slice(before).map((x) => new URL(x.path, 'http://x').searchParams.getAll('scope').flatMap((v) => v.split(' ')));
    assert.equal(scopes.length, 2, `one exchange, then exactly one re-exchange: ${JSON.stringify(scopes)}`);
    assert.deepEqual(scopes[0], ['repository:secret/repo:pull']);
    assert.deepEqual([...scopes[1]!].sort(), [extra, 'repository:secret/repo:pull'].sort(), 'the re-exchange adds the challenged scope');
    const tries = fake.requestsTo('/v2/secret/repo/manifests');
    assert.equal(tries.length, 2, 'one try with the first token, one retry after the re-exchange');
    assert.match(tries[0]!.headers.authorization ?? '', /^Bearer tok-/);
    assert.notEqual(tries[1]!.headers.authorization, tries[0]!.headers.authorization, 'the retry uses the new token');
  });

  test('P22 a private repository requested anonymously reports "authentication required" with a hint, once', async () => {
    const fake = await start({ auth: { kind: 'bearer', privateRepos: ['secret/repo'] } });
    const e = await rejection(createTestClient(fake.host).getManifest('secret/repo', 'latest'));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.equal(e.status, 401);
    assert.match(e.message, /authentication required/);
    assert.match(e.message, /secret\/repo/);
    assert.match(e.message, /--creds/);
    assert.equal(fake.requestsTo('/v2/secret/repo/manifests').length, 2, 'anonymous try, one retry with the empty-grant token');
  });

  test('F14 a token that expired server-side gets a 401, a new token and one retry', async () => {
    const fake = await start({ auth: { kind: 'bearer', expiresIn: 60 } });
    const client = createTestClient(fake.host);
    await client.getManifest('a/b', 'latest');
    fake.expireTokens();
    const blobPath = `/v2/a/b/blobs/${image.layers[0]!.descriptor.digest}`;
    const chunks = await drain(client.openBlob('a/b', image.layers[0]!.descriptor));
    assert.equal(chunks.byteLength, image.layers[0]!.bytes.byteLength);
    assert.equal(tokenGets(fake).length, 2);
    const tries = fake.requestsTo(blobPath).filter((r) => r.method === 'GET');
    assert.equal(tries.length, 2, 'the stale token is refused once, then exactly one retry with the new token');
    assert.notEqual(tries[0]!.headers.authorization, tries[1]!.headers.authorization);
  });
});

describe('credentials', () => {
  test('username/password go as Basic to the token endpoint named by the registry, and nowhere else', async () => {
    const fake = await start({ auth: { kind: 'bearer', users: { alice: 's3cret' }, privateRepos: ['secret/repo'] }, blobHost: true });
    const log: FetchLog = [];
    const client = createTestClient(fake.host, { credentials: { kind: 'basic', username: 'alice', password: 's3cret' }, log });
    await client.getManifest('secret/repo', 'latest');
    await drain(client.openBlob('secret/repo', image.layers[0]!.descriptor));
    const token = tokenGets(fake)[0]!;
    assert.equal(token.headers.authorization, `Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    assert.match(token.path, /account=alice/);
    const registryBasic = fake.requests.filter((r) => !r.path.startsWith('/token') && r.headers.authorization?.startsWith('Basic'));
    assert.equal(registryBasic.length, 0, 'the registry itself sees only Bearer tokens');
    assert.ok(fake.requests.filter((r) => r.server === 'blob-host').every((r) => r.headers.authorization === undefined));
  });

  test('a Basic-auth registry gets the credentials after its challenge; without them the error asks for --creds', async () => {
    const fake = await start({ auth: { kind: 'basic', users: { bob: 'pw' } } });
    const ok = await createTestClient(fake.host, { credentials: { kind: 'basic', username: 'bob', password: 'pw' } }).getManifest('a/b', 'latest');
    assert.equal(ok.document.kind, 'manifest');
    const e = await rejection(createTestClient(fake.host).getManifest('a/b', 'latest'));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.match(e.message, /--creds/);
    const wrong = await rejection(createTestClient(fake.host, { credentials: { kind: 'basic', username: 'bob', password: 'nope' } }).getManifest('a/b', 'latest'));
    assert.equal(wrong.code, 'UNAUTHORIZED');
    assert.match(wrong.message, /rejected the credentials.*Check the username and password/);
  });

  test('wrong credentials refused by the token service say so and point at --creds', async () => {
    const fake = await start({ auth: { kind: 'bearer', users: { alice: 's3cret' } } });
    const e = await rejection(createTestClient(fake.host, { credentials: { kind: 'basic', username: 'alice', password: 'wrong' } }).getManifest('a/b', 'latest'));
    assert.equal(e.code, 'UNAUTHORIZED');
    assert.match(e.message, /refused a token for your credentials.*Check the username and password/);
  });

  test('an identity token uses the OAuth2 refresh_token POST grant', async () => {
    const fake = await start({ auth: { kind: 'bearer', refreshTokens: { 'rt-1': 'carol' }, privateRepos: ['secret/repo'] } });
    await createTestClient(fake.host, { credentials: { kind: 'identity-token', token: 'rt-1' } }).getManifest('secret/repo', 'latest');
    const post = tokenGets(fake).find((r) => r.method === 'POST');
    assert.ok(post, 'POST /token was used');
    assert.equal(post.headers['content-type'], 'application/x-www-form-urlencoded');
  });

  test('an identity token falls back to GET with Basic when POST /token answers 404 (containerd)', async () => {
    const fake = await start({ auth: { kind: 'bearer', refreshTokens: { 'rt-2': 'dave' }, noOAuthPost: true, privateRepos: ['secret/repo'] } });
    await createTestClient(fake.host, { credentials: { kind: 'identity-token', token: 'rt-2', username: 'dave' } }).getManifest('secret/repo', 'latest');
    const methods = tokenGets(fake).map((r) => r.method);
    assert.deepEqual(methods, ['POST', 'GET']);
  });
});

describe('token realm validation (ggcr rules)', () => {
  test('rejects non-https, file: and private or link-local literal realms; allows the registry host itself', () => {
    assert.equal(checkRealm('https://auth.docker.io/token', 'registry-1.docker.io', false).ok, true);
    assert.equal(checkRealm('http://auth.example/token', 'reg.example', false).ok, false);
    assert.equal(checkRealm('file:///etc/passwd', 'reg.example', true).ok, false);
    assert.equal(checkRealm('https://169.254.169.254/latest', 'reg.example', false).ok, false);
    assert.equal(checkRealm('https://[fd00:ec2::254]/', 'reg.example', false).ok, false);
    assert.equal(checkRealm('https://0x7f.1/token', 'reg.example', false).ok, false);
    assert.equal(checkRealm('https://[::ffff:127.0.0.1]/token', 'reg.example', false).ok, false);
    assert.equal(checkRealm('https://10.1.2.3/token', 'reg.example', false).ok, false);
    assert.equal(checkRealm('http://127.0.0.1:5000/token', '127.0.0.1:5000', true).ok, true);
    assert.equal(checkRealm('https://user:pw@auth.example/token', 'reg.example', false).ok, false);
  });

  test('a registry whose challenge names a loopback realm on another host is refused before any token request', async () => {
    const fake = await start({});
    fake.script({ path: '/v2/a/b/manifests/latest', fault: { kind: 'status', status: 401, headers: { 'www-authenticate': 'Bearer realm="https://10.0.0.1/token",service="x"' } } });
    const e = await rejection(createTestClient(fake.host).getManifest('a/b', 'latest'));
    assert.equal(e.code, 'REALM_REJECTED');
  });
});
