// The proxy's body paths (node side): a declared-length body goes straight off the upstream socket (socket-relay.ts),
// chunked bodies through Node's parser; both keep F12 idle timeouts, F21 teardown and exact framing. Upstreams are raw
// TCP servers so a test can put body bytes in the same packet as the head, send bytes past Content-Length, or stall.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { watchIdle } from './idle-watch.ts';
import { closeAll, startProxy, type ProxyHarness } from './proxy-test-kit.ts';
import type { UpstreamTransport } from './upstream.ts';

after(closeAll);

const DIGEST = `sha256:${'e'.repeat(64)}`;
const BODY = Buffer.alloc(3 * 1024 * 1024 + 17);
for (let i = 0; i < BODY.length; i++) BODY[i] = (i * 31 + (i >> 11)) & 0xff;

let upstream: net.Server;
let upstreamPort = 0;
const sockets = new Set<net.Socket>();
/** Upstream sockets closed before the script ended them, by path. */
const closedEarly: string[] = [];
let proxy: ProxyHarness;

/** What each raw upstream path does with the socket after the request head arrived. */
const scripts: Record<string, (socket: net.Socket) => void> = {
  // Head and the first 1000 body bytes in one write, the rest in uneven pieces.
  exact(socket) {
    socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${BODY.length}\r\n\r\n`), BODY.subarray(0, 1000)]));
    let at = 1000;
    const next = (): void => {
      while (at < BODY.length) {
        const end = Math.min(BODY.length, at + 70_001);
        const more = socket.write(BODY.subarray(at, end));
        at = end;
        if (!more) return void socket.once('drain', next);
      }
    };
    next();
  },
  // BODY declared, five bytes with the head, then the rest and more in one write; the connection kept open.
  overlong(socket) {
    socket.write(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${BODY.length}\r\n\r\n`), BODY.subarray(0, 5)]));
    setTimeout(() => socket.write(Buffer.concat([BODY.subarray(5), Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nsmuggled')])), 20);
  },
  // 1 MiB declared, 100 000 bytes sent, then the upstream hangs up.
  short(socket) {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${1024 * 1024}\r\n\r\n`);
    setTimeout(() => socket.end(Buffer.alloc(100_000, 0x61)), 20);
  },
  // A Range answer: 206 with Content-Range, the slice [1000, BODY.length - 7) in two writes.
  range(socket) {
    const slice = BODY.subarray(1000, BODY.length - 7);
    socket.write(`HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 1000-${BODY.length - 8}/${BODY.length}\r\nContent-Length: ${slice.length}\r\n\r\n`);
    setTimeout(() => socket.write(slice), 20);
  },
  // A small declared-length body in two pieces (closed after: this fake answers one request per connection).
  small(socket) {
    socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234');
    setTimeout(() => socket.end('56789'), 20);
  },
  // Declared length, 64 KiB sent, then silence with the socket open.
  stall(socket) {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`);
    socket.write(Buffer.alloc(64 * 1024, 0x62));
  },
  // Chunked framing (the parser path), one chunk, then silence.
  'stall-chunked'(socket) {
    socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000\r\n');
    socket.write(Buffer.alloc(0x10000, 0x63));
    socket.write('\r\n');
  },
  // An endless declared-length body, for a page that goes away.
  endless(socket) {
    socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n`);
    const piece = Buffer.alloc(256 * 1024, 0x64);
    const next = (): void => {
      while (!socket.destroyed && socket.write(piece));
      if (!socket.destroyed) socket.once('drain', next);
    };
    next();
  },
};

before(async () => {
  upstream = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const name = /\/v2\/([a-z-]+)\/blobs\//.exec(head)?.[1] ?? '';
      socket.on('close', () => closedEarly.push(name));
      const script = scripts[name];
      if (script) script(socket);
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
  proxy = await startProxy({
    allowHosts: [`127.0.0.1:${upstreamPort}`],
    timeouts: { headersMs: 2000, idleBodyMs: 300 },
    rateLimit: { requests: 10_000, perMs: 60_000 },
  });
});

after(async () => {
  await proxy.close();
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const at = (name: string): string => `/proxy/127.0.0.1:${upstreamPort}/v2/${name}/blobs/${DIGEST}`;

/** Reads a proxied GET to its end (or abort); resolves with the bytes and whether the response was complete. */
function fetchThrough(path: string): Promise<{ status: number; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: proxy.port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete: res.complete }));
    }).on('error', reject);
  });
}

/** The proxy's log line for a path, once it is written (the line follows the body's end). */
async function logFor(name: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const line = proxy.logs.find((l) => l.includes(`/v2/${name}/blobs/`));
    if (line !== undefined) return line;
    await sleep(10);
  }
  return '';
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

test('a blob with Content-Length is relayed off the upstream socket byte for byte, including bytes that came with the head', async () => {
  const r = await fetchThrough(at('exact'));
  assert.equal(r.status, 200);
  assert.ok(r.complete);
  assert.equal(r.body.length, BODY.length);
  assert.equal(sha256(r.body), sha256(BODY));
  assert.match(await logFor('exact'), / 200 .*complete \(socket\)/);
});

test('bytes an upstream sends past its Content-Length never reach the page, and that upstream connection is not reused', async () => {
  const r = await fetchThrough(at('overlong'));
  assert.ok(r.complete);
  assert.equal(r.body.length, BODY.length);
  assert.equal(sha256(r.body), sha256(BODY));
  assert.match(await logFor('overlong'), /complete \(socket\)/);
  for (let i = 0; i < 100 && !closedEarly.includes('overlong'); i++) await sleep(10);
  assert.ok(closedEarly.includes('overlong'), 'the proxy closed the upstream socket');
});

test('a Range answer (206) goes the socket path with its Content-Range and exactly the requested bytes', async () => {
  const r = await new Promise<{ status: number; range: string | undefined; body: Buffer; complete: boolean }>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: proxy.port, path: at('range'), agent: false, headers: { range: `bytes=1000-${BODY.length - 8}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, range: res.headers['content-range'], body: Buffer.concat(chunks), complete: res.complete }));
    }).on('error', reject);
  });
  assert.equal(r.status, 206);
  assert.equal(r.range, `bytes 1000-${BODY.length - 8}/${BODY.length}`);
  assert.ok(r.complete);
  assert.equal(sha256(r.body), sha256(BODY.subarray(1000, BODY.length - 7)));
  assert.match(await logFor('range'), / 206 .*complete \(socket\)/);
});

test('a body under 256 KiB keeps the parser path, whose connection can be reused', async () => {
  const r = await fetchThrough(at('small'));
  assert.ok(r.complete);
  assert.equal(r.body.toString(), '0123456789');
  assert.match(await logFor('small'), /complete \(parser\)/);
});

test('F21 upstream hangs up before its Content-Length: the page sees an aborted body, not a short complete one', async () => {
  const r = await fetchThrough(at('short'));
  assert.equal(r.status, 200);
  assert.equal(r.complete, false);
  assert.equal(r.body.length, 100_000);
  assert.match(await logFor('short'), /upstream-failed \(socket\)/);
});

test('F12 stalled body on the socket path: both connections are aborted after the idle timeout', async () => {
  const r = await fetchThrough(at('stall'));
  assert.equal(r.complete, false);
  assert.equal(r.body.length, 64 * 1024);
  assert.match(await logFor('stall'), /idle-timeout \(socket\)/);
  for (let i = 0; i < 100 && !closedEarly.includes('stall'); i++) await sleep(10);
  assert.ok(closedEarly.includes('stall'), 'upstream socket closed');
});

test('F12 stalled body on the parser path (chunked): both connections are aborted after the idle timeout', async () => {
  const r = await fetchThrough(at('stall-chunked'));
  assert.equal(r.complete, false);
  assert.equal(r.body.length, 0x10000);
  assert.match(await logFor('stall-chunked'), /idle-timeout \(parser\)/);
  for (let i = 0; i < 100 && !closedEarly.includes('stall-chunked'); i++) await sleep(10);
  assert.ok(closedEarly.includes('stall-chunked'), 'upstream socket closed');
});

test('F21 page goes away on the socket path: the upstream socket is closed without waiting for the idle timeout', async () => {
  await new Promise<void>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: proxy.port, path: at('endless'), agent: false }, (res) => {
      res.once('data', () => {
        res.destroy();
        resolve();
      });
    }).on('error', reject);
  });
  for (let i = 0; i < 200 && !closedEarly.includes('endless'); i++) await sleep(10);
  assert.ok(closedEarly.includes('endless'), 'upstream socket closed after the page left');
  assert.match(await logFor('endless'), /client-gone \(socket\)/, 'closed because the page left, not by the idle timeout');
});

test('the idle watch fires only after a full quiet period and never while progress is reported', async () => {
  let fired = 0;
  const busy = watchIdle(300, () => fired++);
  for (let i = 0; i < 50; i++) {
    busy.touch();
    await sleep(10);
  }
  busy.stop();
  assert.equal(fired, 0, 'touched every 10 ms: never idle');
  const quiet = watchIdle(40, () => fired++);
  for (let i = 0; i < 100 && fired === 0; i++) await sleep(10);
  quiet.stop();
  assert.equal(fired, 1);
});

/** A throwaway self-signed certificate made with the openssl CLI (the TLS test is skipped without it). */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'strata-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a blob from an https registry is relayed off the TLS socket byte for byte', { skip: !existsSync('/usr/bin/openssl') && 'needs openssl' }, async () => {
  const server = https.createServer(selfSignedCertificate(), (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const agent = new https.Agent({ keepAlive: true });
  // The real transport verifies the certificate; this one trusts the throwaway one (tests only).
  const transport: UpstreamTransport = {
    request: (hop) => https.request({
      host: '127.0.0.1', port, method: hop.method, path: `${hop.url.pathname}${hop.url.search}`,
      headers: { ...hop.headers, host: hop.url.host }, agent, rejectUnauthorized: false,
    }),
    close: () => agent.destroy(),
  };
  const tlsProxy = await startProxy({ allowHosts: [`https://127.0.0.1:${port}`], rateLimit: { requests: 10_000, perMs: 60_000 } }, transport);
  try {
    for (let round = 0; round < 2; round++) {
      const r = await new Promise<{ body: Buffer; complete: boolean }>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: tlsProxy.port, path: `/proxy/127.0.0.1:${port}/v2/tls/blobs/${DIGEST}`, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('close', () => resolve({ body: Buffer.concat(chunks), complete: res.complete }));
        }).on('error', reject);
      });
      assert.ok(r.complete);
      assert.equal(sha256(r.body), sha256(BODY));
    }
    for (let i = 0; i < 200 && tlsProxy.logs.filter((l) => l.includes('complete (socket)')).length < 2; i++) await sleep(10);
    assert.equal(tlsProxy.logs.filter((l) => l.includes('complete (socket)')).length, 2, tlsProxy.logs.join('\n'));
  } finally {
    await tlsProxy.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
