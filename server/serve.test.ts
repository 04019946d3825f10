// strata serve's static side: content types, client-route fallback, hashed-asset caching, no escape from dist/.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from './serve.ts';

let work: string;
let app: RunningServer;
let bare: RunningServer;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'strata-serve-'));
  await mkdir(join(work, 'dist', 'assets'), { recursive: true });
  await writeFile(join(work, 'dist', 'index.html'), '<!doctype html><title>Strata</title>');
  await writeFile(join(work, 'dist', 'assets', 'index-D3kLk-BP.js'), 'console.log(1)');
  await writeFile(join(work, 'dist', 'favicon.svg'), '<svg/>');
  await writeFile(join(work, 'secret.txt'), 'outside dist');
  const quiet = { demoDir: false, port: 0, log: () => undefined } as const;
  app = await startServer({ ...quiet, distDir: join(work, 'dist') });
  bare = await startServer({ ...quiet, distDir: join(work, 'missing') });
});

after(async () => {
  await app.close();
  await bare.close();
  await rm(work, { recursive: true, force: true });
});

function rawGet(server: RunningServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    http.get({ host: '127.0.0.1', port: server.port, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
    }).on('error', fail);
  });
}

test('serves files from dist with their content types', async () => {
  const html = await fetch(new URL('/', app.url));
  assert.equal(html.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(html.headers.get('cache-control'), 'no-cache');
  assert.match(await html.text(), /<title>Strata/);
  const svg = await fetch(new URL('/favicon.svg', app.url));
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  await svg.arrayBuffer();
});

test('caches hashed assets as immutable', async () => {
  const r = await fetch(new URL('/assets/index-D3kLk-BP.js', app.url));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal(await r.text(), 'console.log(1)');
});

test('answers client routes with index.html and missing assets with 404', async () => {
  const route = await fetch(new URL('/image/demo/layers', app.url));
  assert.equal(route.status, 200);
  assert.match(await route.text(), /<title>Strata/);
  const missing = await fetch(new URL('/assets/gone-12345678.js', app.url));
  assert.equal(missing.status, 404);
  await missing.arrayBuffer();
});

test('never serves a file outside dist', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/%00']) {
    const r = await rawGet(app, path);
    assert.notEqual(r.body, 'outside dist', path);
    assert.ok(r.status === 400 || r.status === 404 || r.body.includes('<title>Strata'), `${path}: ${r.status}`);
  }
});

test('tells the user to run npm run build when dist is missing', async () => {
  const r = await fetch(new URL('/', bare.url));
  assert.equal(r.status, 200);
  assert.match(await r.text(), /npm run build/);
});

test('routes /v2/ to the embedded registry and refuses writes to the app', async () => {
  const v2 = await fetch(new URL('/v2/', app.url));
  assert.equal(v2.headers.get('docker-distribution-api-version'), 'registry/2.0');
  await v2.arrayBuffer();
  const post = await fetch(new URL('/', app.url), { method: 'POST' });
  assert.equal(post.status, 405);
  await post.arrayBuffer();
});

test('answers only to its own host names, so a DNS-rebound name cannot reach the proxy or registry', async () => {
  const { startServer } = await import('./serve.ts');
  const s = await startServer({ port: 0, demoDir: false, log: () => undefined });
  try {
    const { request } = await import('node:http');
    const status = (host: string) => new Promise<number>((ok, fail) => {
      const r = request({ host: '127.0.0.1', port: s.port, path: '/v2/', headers: { host } }, (res) => { res.resume(); ok(res.statusCode ?? 0); });
      r.on('error', fail);
      r.end();
    });
    assert.equal(await status(`127.0.0.1:${s.port}`), 200);
    assert.equal(await status(`localhost:${s.port}`), 200);
    assert.equal(await status(`attacker.example:${s.port}`), 421);
  } finally {
    await s.close();
  }
});
