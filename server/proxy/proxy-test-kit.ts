// Test kit for the proxy tests (node side, tests only): fake upstream registries on 127.0.0.1, a recording transport
// that maps the (fake public) addresses the proxy pins to those servers, a stub resolver, and a proxy harness.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedAddress, Resolver } from './address-guard.ts';
import { createProxy, createProxyWithTransport, type ProxyOptions, type RegistryProxy } from './create-proxy.ts';
import type { UpstreamHop, UpstreamTransport } from './upstream.ts';

const openResources = new Set<() => Promise<void>>();

/** Closes every fake and proxy still open (register with after(closeAll), so a failed assertion cannot hang the run). */
export async function closeAll(): Promise<void> {
  const closers = [...openResources];
  openResources.clear();
  await Promise.all(closers.map((close) => close()));
}

/** Wraps a close function so it runs once and is forgotten by closeAll. */
function track(close: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const once = (): Promise<void> => {
    openResources.delete(once);
    done ??= close();
    return done;
  };
  openResources.add(once);
  return once;
}

export type RecordedRequest = { readonly method: string; readonly url: string; readonly headers: http.IncomingHttpHeaders };

export type FakeServer = {
  readonly port: number;
  readonly requests: RecordedRequest[];
  readonly server: http.Server;
  close(): Promise<void>;
};

/** An http server on 127.0.0.1:0 that records every request before handing it to `handler`. */
export async function startFake(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    requests,
    server,
    close: track(() => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })),
  };
}

/** Answers every request with `status`, `headers` and `body`. */
export function reply(status: number, headers: http.OutgoingHttpHeaders = {}, body = ''): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (_req, res) => {
    res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
}

/**
 * Resolver stub: `answers[name]` is a list of answer sets, one per call (the last repeats), so a test can script
 * DNS rebinding. Counts calls per name.
 */
export function stubResolver(answers: Record<string, readonly (readonly string[])[]>): Resolver & { calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const resolver = async (host: string): Promise<ResolvedAddress[]> => {
    const n = calls.get(host) ?? 0;
    calls.set(host, n + 1);
    const sets = answers[host];
    if (sets === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    const set = sets[Math.min(n, sets.length - 1)] ?? [];
    return set.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

export type RecordingTransport = UpstreamTransport & { readonly hops: UpstreamHop[] };

/**
 * Records every hop the proxy opens and connects it over plain http to the fake server routed for its address
 * ("address" or "address:port"); unrouted addresses go to `fallback` (a server that answers 599).
 */
export function recordingTransport(routes: Readonly<Record<string, number>>, fallbackPort: number): RecordingTransport {
  const hops: UpstreamHop[] = [];
  return {
    hops,
    request(hop) {
      hops.push(hop);
      const port = hop.url.port === '' ? (hop.url.protocol === 'https:' ? 443 : 80) : Number(hop.url.port);
      const target = routes[`${hop.address}:${port}`] ?? routes[hop.address] ?? fallbackPort;
      return http.request({
        host: '127.0.0.1', port: target, method: hop.method, path: `${hop.url.pathname}${hop.url.search}`,
        headers: { ...hop.headers, host: hop.url.host }, agent: false,
      });
    },
    close() {},
  };
}

export type ProxyReply = { readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: Buffer };

export type ProxyHarness = {
  readonly port: number;
  readonly proxy: RegistryProxy;
  readonly logs: string[];
  request(path: string, headers?: http.OutgoingHttpHeaders, method?: string): Promise<ProxyReply>;
  close(): Promise<void>;
};

/** Runs createProxy (or createProxyWithTransport) behind an http server on 127.0.0.1:0. */
export async function startProxy(options: ProxyOptions, transport?: UpstreamTransport): Promise<ProxyHarness> {
  const logs: string[] = [];
  const all: ProxyOptions = { log: (l) => logs.push(l), ...options };
  const proxy = transport === undefined ? createProxy(all) : createProxyWithTransport(all, transport);
  const server = http.createServer((req, res) => proxy.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    proxy,
    logs,
    request: (path, headers = {}, method = 'GET') => requestOnce(port, path, headers, method),
    close: track(() => new Promise<void>((resolve) => {
      proxy.close();
      server.closeAllConnections();
      server.close(() => resolve());
    })),
  };
}

/** One request to 127.0.0.1:port, body read whole (tests only read small bodies this way). */
export function requestOnce(port: number, path: string, headers: http.OutgoingHttpHeaders = {}, method = 'GET'): Promise<ProxyReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The proxy's JSON error: code and message. */
export function errorOf(reply: ProxyReply): { code: string; message: string } {
  const parsed = JSON.parse(reply.body.toString('utf8')) as { errors: { code: string; message: string }[] };
  return parsed.errors[0] ?? { code: '', message: '' };
}

export const PUBLIC_A = '93.184.216.34';
export const PUBLIC_B = '151.101.1.1';
export const PUBLIC_C = '104.16.0.1';
export const PUBLIC_V6 = '2606:4700::6810:1';
