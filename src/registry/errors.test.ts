import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MEDIA } from '../core/oci/media-types.ts';
import { buildImage } from '../testing/image-fixture.ts';
import { createTestClient, rejection, useFakeRegistry } from '../testing/registry-test-kit.ts';
import { errorFromStatus } from './error-response.ts';
import { parseWarningHeader } from './warnings.ts';

const image = buildImage({ layers: [[{ name: 'x', body: 'x' }]] });
const path = '/v2/r/app/manifests/latest';
const fake = await useFakeRegistry({}, (f) => f.addManifest('r/app', 'latest', image.manifest.bytes, MEDIA.ociManifest));

describe('registry warnings', () => {
  test('P19 Warning: 299 texts are collected once each, and 5 KB of warnings is cut to 4096 bytes', async () => {
    assert.deepEqual(parseWarningHeader('299 - "token expires in 30s", 199 - "ignored", 299 - "say \\"hi\\""'), ['token expires in 30s', 'say "hi"']);
    const seen: string[] = [];
    const client = createTestClient(fake.host, { onWarning: (w) => seen.push(w) });
    fake.script({ path, times: 2, fault: { kind: 'headers', headers: { warning: '299 - "token expires in 30s"' } } });
    await client.getManifest('r/app', 'latest');
    await client.getManifest('r/app', 'latest');
    assert.deepEqual(client.warnings(), ['token expires in 30s']);
    assert.deepEqual(seen, ['token expires in 30s']);
    fake.script({ path, fault: { kind: 'headers', headers: { warning: `299 - "${'w'.repeat(5000)}"` } } });
    await client.getManifest('r/app', 'latest');
    const total = client.warnings().reduce((n, w) => n + Buffer.byteLength(w), 0);
    assert.ok(total <= 4096, `${total} bytes kept`);
    assert.equal(client.warnings().length, 2);
  });
});

describe('error bodies', () => {
  test('P20 a JSON MANIFEST_UNKNOWN is shown with its code and message, and not retried', async () => {
    const e = await rejection(createTestClient(fake.host).getManifest('r/app', 'nope'));
    assert.equal(e.code, 'MANIFEST_UNKNOWN');
    assert.equal(e.status, 404);
    assert.match(e.message, /manifest nope on 127\.0\.0\.1:\d+\/r\/app: HTTP 404: MANIFEST_UNKNOWN/);
    assert.match(e.message, /Check the tag or digest/);
    assert.equal(fake.requestsTo('/manifests/nope').length, 1);
  });

  test('P20 a 403 DENIED names the repository and is not retried', async () => {
    fake.script({ path, fault: { kind: 'status', status: 403, body: '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}' } });
    const before = fake.requestsTo(path).length;
    const e = await rejection(createTestClient(fake.host).getManifest('r/app', 'latest'));
    assert.equal(e.code, 'DENIED');
    assert.match(e.message, /access denied.*requested access to the resource is denied/);
    assert.equal(fake.requestsTo(path).length - before, 1);
  });

  test('P20 a 404 with a large HTML body is read at most 64 KiB and shown short and plain', async () => {
    const html = `<html><head><style>body{}</style></head><body><h1>Not Found</h1>${'<p>filler</p>'.repeat(20_000)}</body></html>`;
    fake.script({ path, fault: { kind: 'status', status: 404, body: html, headers: { 'content-type': 'text/html' } } });
    const e = await rejection(createTestClient(fake.host).getManifest('r/app', 'latest'));
    assert.equal(e.code, 'MANIFEST_UNKNOWN');
    assert.match(e.message, /HTTP 404: "Not Found filler/);
    assert.match(e.message, /body truncated/);
    assert.ok(e.message.length < 800);
  });

  test('messages say what failed, why and what to try', () => {
    const headers = new Headers({ 'retry-after': '12' });
    const e = errorFromStatus(429, headers, { bytes: new Uint8Array(0), truncated: false }, { registry: 'ghcr.io', repository: 'o/r', what: 'blob sha256:abc' }, 0);
    assert.equal(e.retryAfterMs, 12_000);
    assert.equal(e.message, 'blob sha256:abc on ghcr.io/o/r: too many requests (HTTP 429). The registry is throttling requests: retry after 12 s.');
    assert.equal(e.name, 'RegistryError');
    assert.ok(e instanceof Error);
  });
});
