// Faults and resource bounds at the proxy (hardening §2.2 F12, F13, F16, F19, F21; §2.3 S16, S20): slow-loris
// upstreams, stalls, never-ending bodies, huge blobs, slow and vanishing readers, redirect loops.
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, errorOf, reply, startFake, startProxy, stubResolver, type FakeServer, type ProxyHarness } from './proxy-test-kit.ts';

after(closeAll);

const MiB = 1024 * 1024;
const DIGEST = `sha256:${'c'.repeat(64)}`;
const CHUNK = Buffer.alloc(MiB, 0x61);

/** Upstream state the tests look at: bytes handed to the socket, and whether the response was cut before its end. */
const stats = { written: 0, closedEarly: 0, closedEarlyAt: [] as number[] };

/** Resolves on 'drain' or 'close', removing both listeners. */
function writable(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function writeBlob(res: http.ServerResponse, size: number, chunked = false, status = 200): Promise<void> {
  res.writeHead(status, chunked ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/octet-stream', 'content-length': size });
  let closed = false;
  res.on('close', () => {
    closed = true;
    if (!res.writableFinished) {
      stats.closedEarly++;
      stats.closedEarlyAt.push(Date.now());
    }
  });
  for (let sent = 0; sent < size && !closed; ) {
    const piece = CHUNK.subarray(0, Math.min(CHUNK.length, size - sent));
    sent += piece.length;
    stats.written += piece.length;
    if (!res.write(piece)) await writable(res);
  }
  if (!closed) res.end();
}

let upstream: FakeServer;
let loris: net.Server;
let lorisPort = 0;
let lorisClosed = 0;
const lorisSockets = new Set<net.Socket>();
let proxy: ProxyHarness;

before(async () => {
  upstream = await startFake((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const n = url.searchParams.get('n');
    if (n !== null) {
      if (n === 'loop') return reply(307, { location: req.url ?? '/' })(req, res);
      if (Number(n) > 0) return reply(307, { location: `${path}?n=${Number(n) - 1}` })(req, res);
      return reply(200, {}, 'arrived')(req, res);
    }
    if (path === '/v2/') return reply(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${upstream.port}/token",service="s"` })(req, res);
    if (path === '/token') return void writeBlob(res, 64 * MiB, true);
    if (path === '/v2/big/blobs/' + DIGEST) return void writeBlob(res, Number(url.searchParams.get('size') ?? 1024 * MiB));
    if (path === '/v2/endless/manifests/latest') return void writeBlob(res, 64 * MiB, true);
    if (path === '/v2/liar/manifests/latest') return reply(200, { 'content-length': String(100 * MiB) })(req, res);
    if (path === '/v2/broken/manifests/latest') return void writeBlob(res, 64 * MiB, true, 500);
    if (path === '/v2/stall/blobs/' + DIGEST) {
      res.writeHead(200, { 'content-length': String(10 * MiB) });
      res.write(CHUNK);
      res.on('close', () => { if (!res.writableFinished) stats.closedEarly++; });
      return;
    }
    reply(404, {}, 'no')(req, res);
  });
  loris = net.createServer((socket) => {
    lorisSockets.add(socket);
    socket.on('close', () => lorisClosed++);
    socket.on('error', () => undefined);
    const text = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: ';
    let i = 0;
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      socket.write(text[i % text.length] ?? 'x');
      i++;
    }, 20);
    socket.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => loris.listen(0, '127.0.0.1', resolve));
  lorisPort = (loris.address() as AddressInfo).port;
  proxy = await startProxy({
    allowHosts: [`127.0.0.1:${upstream.port}`, `127.0.0.1:${lorisPort}`],
    timeouts: { headersMs: 400, idleBodyMs: 400 },
    rateLimit: { requests: 10_000, perMs: 60_000 },
  });
});

after(async () => {
  await proxy.close();
  await upstream.close();
  for (const socket of lorisSockets) socket.destroy();
  await new Promise<void>((resolve) => loris.close(() => resolve()));
});

const at = (path: string): string => `/proxy/127.0.0.1:${upstream.port}${path}`;

/** Streams a proxied GET, letting the test decide when to read; resolves with what arrived and how it ended. */
function openStream(path: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: proxy.port, path, agent: false }, resolve);
    req.on('error', reject);
  });
}

function drain(res: http.IncomingMessage): Promise<{ bytes: number; complete: boolean }> {
  return new Promise((resolve) => {
    let bytes = 0;
    res.on('data', (c: Buffer) => { bytes += c.length; });
    res.on('error', () => undefined);
    res.on('close', () => resolve({ bytes, complete: res.complete }));
  });
}

test('S16 capped reads: a never-ending token answer is cut at 1 MiB and refused; the upstream is hung up on', { timeout: 20_000 }, async () => {
  await proxy.request(at('/v2/'));
  const closedBefore = stats.closedEarly;
  const r = await proxy.request(at('/token?service=s'));
  assert.equal(r.status, 502);
  assert.equal(errorOf(r).code, 'TOO_LARGE');
  await sleep(100);
  assert.equal(stats.closedEarly, closedBefore + 1);
});

test('S16 capped reads: an endless error body is cut at 64 KiB, an endless manifest at 4 MiB, an oversized Content-Length refused up front', { timeout: 20_000 }, async () => {
  const error = await proxy.request(at('/v2/broken/manifests/latest'));
  assert.equal(error.status, 500);
  assert.equal(error.body.length, 64 * 1024);
  const manifest = await drain(await openStream(at('/v2/endless/manifests/latest')));
  assert.equal(manifest.complete, false);
  assert.ok(manifest.bytes <= 4 * MiB, `${manifest.bytes} bytes passed`);
  const liar = await proxy.request(at('/v2/liar/manifests/latest'));
  assert.equal(liar.status, 502);
  assert.match(errorOf(liar).message, /104857600 bytes/);
});

test('S20 huge blob: 512 MiB streams through with a bounded memory footprint', { timeout: 20_000 }, async () => {
  const size = 512 * MiB;
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const res = await openStream(at(`/v2/big/blobs/${DIGEST}?size=${size}`));
  assert.equal(res.headers['content-length'], String(size));
  const result = await drain(res);
  clearInterval(sampler);
  assert.equal(result.bytes, size);
  assert.ok(result.complete);
  assert.ok(peak - baseline < 128 * MiB, `rss grew by ${Math.round((peak - baseline) / MiB)} MiB for a 512 MiB blob`);
});

test('F13 slow reader: a paused browser pauses the upstream (backpressure), nothing piles up in the proxy', { timeout: 20_000 }, async () => {
  const size = 1024 * MiB;
  const startWritten = stats.written;
  const res = await openStream(at(`/v2/big/blobs/${DIGEST}?size=${size}`));
  res.pause();
  // Wait until the upstream stops (every buffer on the way is full), then check it stays stopped.
  let previous = -1;
  for (let i = 0; i < 50 && stats.written !== previous; i++) {
    previous = stats.written;
    await sleep(150);
  }
  const whilePaused = stats.written - startWritten;
  await sleep(400);
  assert.equal(stats.written - startWritten, whilePaused, 'upstream made no progress while the reader was paused');
  assert.ok(whilePaused < 64 * MiB, `upstream pushed ${Math.round(whilePaused / MiB)} MiB into a paused pipe`);
  // Slow progress keeps the transfer alive past the idle timeout: read in small sips.
  let got = 0;
  res.on('data', (c: Buffer) => { got += c.length; });
  for (let i = 0; i < 6; i++) {
    res.resume();
    await sleep(20);
    res.pause();
    await sleep(100);
  }
  assert.ok(got > 0);
  res.destroy();
});

test('F12 slow-loris headers: a registry trickling its headers gets a 504 after the header timeout and is disconnected', { timeout: 20_000 }, async () => {
  const t0 = Date.now();
  const r = await proxy.request(`/proxy/127.0.0.1:${lorisPort}/v2/`);
  assert.equal(r.status, 504);
  assert.equal(errorOf(r).code, 'TIMEOUT');
  assert.ok(Date.now() - t0 < 3000);
  await sleep(100);
  assert.ok(lorisClosed >= 1, 'upstream socket closed');
});

test('F12 stalled body: after 1 MiB the registry stops; both connections are aborted after the idle timeout', { timeout: 20_000 }, async () => {
  const closedBefore = stats.closedEarly;
  const t0 = Date.now();
  const res = await openStream(at(`/v2/stall/blobs/${DIGEST}`));
  assert.equal(res.statusCode, 200);
  const result = await drain(res);
  assert.equal(result.complete, false, 'the page sees an aborted body, not a silently short one');
  assert.equal(result.bytes, MiB);
  assert.ok(Date.now() - t0 < 3000);
  await sleep(100);
  assert.equal(stats.closedEarly, closedBefore + 1, 'upstream aborted too');
});

test('F16 redirect loop: 10 redirects are followed, the 11th is refused with a clear error, a self-loop stops', { timeout: 20_000 }, async () => {
  assert.equal((await proxy.request(at(`/v2/r/blobs/${DIGEST}?n=10`))).body.toString(), 'arrived');
  const before = upstream.requests.length;
  const eleven = await proxy.request(at(`/v2/r/blobs/${DIGEST}?n=11`));
  assert.equal(eleven.status, 502);
  assert.equal(errorOf(eleven).code, 'TOO_MANY_REDIRECTS');
  assert.match(errorOf(eleven).message, /more than 10/);
  assert.equal(upstream.requests.length - before, 11, 'first request plus 10 followed hops');
  const loop = await proxy.request(at(`/v2/r/blobs/${DIGEST}?n=loop`));
  assert.equal(errorOf(loop).code, 'TOO_MANY_REDIRECTS');
});

test('F21 page goes away: closing the download mid-blob closes the upstream request at once', { timeout: 20_000 }, async () => {
  const closedBefore = stats.closedEarly;
  const res = await openStream(at(`/v2/big/blobs/${DIGEST}?size=${1024 * MiB}`));
  await new Promise<void>((resolve) => res.once('data', () => resolve()));
  const t0 = Date.now();
  res.destroy();
  for (let i = 0; i < 50 && stats.closedEarly === closedBefore; i++) await sleep(10);
  assert.equal(stats.closedEarly, closedBefore + 1);
  assert.ok((stats.closedEarlyAt.at(-1) ?? Infinity) - t0 < 300, 'well before any idle timeout');
});

test('F19 DNS failure: an unresolvable registry fails at once with a clear 502', { timeout: 20_000 }, async () => {
  const p = await startProxy({ allowHosts: ['*.example.test'], resolver: stubResolver({}) });
  const r = await p.request('/proxy/gone.example.test/v2/');
  assert.equal(r.status, 502);
  assert.match(errorOf(r).message, /DNS lookup for gone\.example\.test failed \(ENOTFOUND\)/);
  await p.close();
  const hanging = await startProxy({ allowHosts: ['*.example.test'], resolver: () => new Promise(() => undefined), timeouts: { headersMs: 300, idleBodyMs: 300 } });
  const t0 = Date.now();
  const slow = await hanging.request('/proxy/slow.example.test/v2/');
  assert.equal(slow.status, 502);
  assert.match(errorOf(slow).message, /ETIMEOUT/);
  assert.ok(Date.now() - t0 < 3000);
  await hanging.close();
});
