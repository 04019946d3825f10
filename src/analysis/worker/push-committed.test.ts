import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createProxyTransport, resolveLocation } from '../../registry/transport.ts';
import { parsePushTarget } from './push-committed.ts';

const ORIGIN = 'http://127.0.0.1:8080';

test('a target without a host, or naming this server, goes to the embedded registry', () => {
  assert.deepEqual(parsePushTarget('strata/app:v1', ORIGIN), { host: '127.0.0.1:8080', repository: 'strata/app', tag: 'v1', via: 'embedded' });
  assert.deepEqual(parsePushTarget('127.0.0.1:8080/strata/app', ORIGIN), { host: '127.0.0.1:8080', repository: 'strata/app', tag: 'latest', via: 'embedded' });
});

test('another registry is pushed to through the proxy only when the server allows pushes there', () => {
  assert.deepEqual(parsePushTarget('127.0.0.1:5000/team/app:patched', ORIGIN, ['127.0.0.1:5000']), { host: '127.0.0.1:5000', repository: 'team/app', tag: 'patched', via: 'proxy' });
  assert.deepEqual(parsePushTarget('registry.example.com/team/app:1', ORIGIN, ['https://registry.example.com']).via, 'proxy');
  assert.throws(() => parsePushTarget('127.0.0.1:5001/team/app:patched', ORIGIN, ['127.0.0.1:5000']), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'PUSH_REFUSED');
    assert.match(e.message, /--allow-push-host 127\.0\.0\.1:5001/);
    return true;
  });
  assert.throws(() => parsePushTarget('docker.io/library/busybox:evil', ORIGIN), /pushes only to its embedded registry/);
});

test('an upload Location the proxy rewrote to /proxy/<host>/… maps back to the registry URL it stands for', () => {
  const transport = createProxyTransport({ base: '/proxy' });
  const answeredBy = new URL('http://127.0.0.1:5000/v2/team/app/blobs/uploads/');
  assert.equal(resolveLocation(transport, '/proxy/127.0.0.1:5000/v2/team/app/blobs/uploads/u1?_state=a%3D', answeredBy).href, 'http://127.0.0.1:5000/v2/team/app/blobs/uploads/u1?_state=a%3D');
  assert.equal(resolveLocation(transport, '/v2/team/app/blobs/uploads/u2', answeredBy).href, 'http://127.0.0.1:5000/v2/team/app/blobs/uploads/u2');
});
