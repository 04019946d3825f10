// A scriptable, fault-injecting OCI registry for Node tests (node:http on 127.0.0.1, port 0): manifests by tag and
// digest, blobs with Range, tag/catalog pagination, Bearer token auth with expiring tokens or Basic auth, a second
// "blob host" server for 307 redirects with single-use URLs, and per-request faults (fake-registry-faults.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerWithFault, writeContent, type Fault, type FaultRule } from './fake-registry-faults.ts';
import { sha256Of } from './image-fixture.ts';
import { FakeAuthService, sendError, type FakeAuth } from './fake-registry-auth.ts';

export type { Fault, FaultRule } from './fake-registry-faults.ts';
export type { FakeAuth } from './fake-registry-auth.ts';

export type FakeRegistryOptions = {
  readonly auth?: FakeAuth;
  readonly rangeSupport?: boolean;
  /** Serve blob GETs as 307 redirects to a second server with single-use URLs. */
  readonly blobHost?: boolean;
  readonly now?: () => number;
};

export type RecordedRequest = { readonly server: 'registry' | 'blob-host'; readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string>> };

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export class FakeRegistry {
  host = '';
  blobHostAddress = '';
  readonly requests: RecordedRequest[] = [];
  readonly manifests = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  readonly blobs = new Map<string, Uint8Array>();
  readonly tags = new Map<string, string[]>();
  private readonly rules: { rule: FaultRule; left: number }[] = [];
  private readonly auth: FakeAuthService;
  private readonly signed = new Map<string, string>();
  private readonly server = createServer((q, s) => this.route(q, s, 'registry'));
  private readonly blobServer = createServer((q, s) => this.route(q, s, 'blob-host'));
  private signedCount = 0;

  private constructor(private readonly options: FakeRegistryOptions) {
    this.auth = new FakeAuthService(options.auth, () => this.host, () => this.now(), (req) => this.takeFaults(req, 'registry'));
  }

  static async start(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
    const r = new FakeRegistry(options);
    r.host = await listen(r.server);
    if (options.blobHost) r.blobHostAddress = await listen(r.blobServer);
    return r;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  addBlob(repository: string, bytes: Uint8Array): string {
    const digest = sha256Of(bytes);
    this.blobs.set(`${repository}@${digest}`, bytes);
    return digest;
  }

  /** Stores a manifest under its digest and, if given, a tag; returns the digest. */
  addManifest(repository: string, tag: string | undefined, bytes: Uint8Array, mediaType: string): string {
    const digest = sha256Of(bytes);
    this.manifests.set(`${repository}@${digest}`, { bytes, mediaType });
    if (tag !== undefined) {
      this.manifests.set(`${repository}:${tag}`, { bytes, mediaType });
      const list = this.tags.get(repository) ?? [];
      if (!list.includes(tag)) list.push(tag);
      this.tags.set(repository, list.sort());
    }
    return digest;
  }

  /** Queues a fault for the next matching request(s). */
  script(rule: FaultRule): void {
    this.rules.push({ rule, left: rule.times ?? 1 });
  }

  /** Closes every open connection at once, as a restarting proxy or registry would (F22). */
  dropConnections(): void {
    this.server.closeAllConnections();
    this.blobServer.closeAllConnections();
  }

  /** Drops every queued fault. */
  clearFaults(): void {
    this.rules.length = 0;
  }

  /** Makes every issued token invalid (as if they expired). */
  expireTokens(): void {
    this.auth.expireTokens();
  }

  requestsTo(pathPart: string | RegExp): RecordedRequest[] {
    return this.requests.filter((r) => (typeof pathPart === 'string' ? r.path.includes(pathPart) : pathPart.test(r.path)));
  }

  async close(): Promise<void> {
    for (const s of [this.server, this.blobServer]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()));
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private takeFaults(req: IncomingMessage, server: 'registry' | 'blob-host'): readonly Fault[] {
    const url = req.url ?? '/';
    const pathname = url.split('?', 1)[0]!;
    for (const r of this.rules) {
      if (r.left <= 0 || (r.rule.server ?? 'registry') !== server) continue;
      if (r.rule.method !== undefined && r.rule.method !== req.method) continue;
      if (r.rule.ranged !== undefined && r.rule.ranged !== (req.headers.range !== undefined)) continue;
      const p = r.rule.path;
      if (p !== undefined && (typeof p === 'string' ? p !== pathname : !p.test(url))) continue;
      r.left--;
      return Array.isArray(r.rule.fault) ? r.rule.fault : [r.rule.fault as Fault];
    }
    return [];
  }

  private route(req: IncomingMessage, res: ServerResponse, server: 'registry' | 'blob-host'): void {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? this.host}`);
    this.requests.push({ server, method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: flatHeaders(req) });
    if (server === 'registry' && url.pathname === '/token') return this.auth.token(req, res, url);
    const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    const repository = server === 'registry' ? m?.[1] : undefined;
    if (server === 'registry' && !this.auth.authorized(req, res, repository)) return;
    const faults = this.takeFaults(req, server);
    for (const f of faults) if (answerWithFault(req, res, f, () => this.signBlobUrl(url.pathname))) return;
    const send = (content: Uint8Array, type: string, extra: Record<string, string> = {}): void => writeContent(req, res, content, type, faults, this.options.rangeSupport ?? true, extra);
    if (server === 'blob-host') return this.serveSigned(req, res, url, send);
    if (url.pathname === '/v2/' || url.pathname === '/v2') return send(json({}), 'application/json');
    if (url.pathname === '/v2/_catalog') return this.page(res, url, [...new Set([...this.tags.keys()])].sort(), 'repositories', send);
    if (!m) return sendError(res, 404, 'NAME_UNKNOWN');
    const [, repo, kind, rest] = m as unknown as [string, string, string, string];
    if (kind === 'tags' && rest === 'list') {
      if (!this.tags.has(repo)) return sendError(res, 404, 'NAME_UNKNOWN');
      return this.page(res, url, this.tags.get(repo) ?? [], 'tags', send, { name: repo });
    }
    if (kind === 'manifests') {
      const key = rest.includes(':') ? `${repo}@${rest}` : `${repo}:${rest}`;
      const found = this.manifests.get(key);
      if (!found) return sendError(res, 404, 'MANIFEST_UNKNOWN');
      return send(found.bytes, found.mediaType, { 'docker-content-digest': sha256Of(found.bytes) });
    }
    const blob = this.blobs.get(`${repo}@${rest}`);
    if (!blob) return sendError(res, 404, 'BLOB_UNKNOWN');
    if (this.options.blobHost && req.method === 'GET') {
      res.writeHead(307, { location: this.signBlobUrl(`${repo}@${rest}`), 'content-length': '0' });
      return void res.end();
    }
    return send(blob, 'application/octet-stream', { 'docker-content-digest': rest });
  }

  private page(res: ServerResponse, url: URL, all: readonly string[], field: string, send: (c: Uint8Array, t: string, h?: Record<string, string>) => void, extra: Record<string, unknown> = {}): void {
    const n = Number(url.searchParams.get('n') ?? '0');
    const last = url.searchParams.get('last');
    const from = last === null ? 0 : all.findIndex((x) => x > last);
    const rest = from < 0 ? [] : all.slice(from);
    const items = n > 0 ? rest.slice(0, n) : rest;
    const headers: Record<string, string> = {};
    if (n > 0 && rest.length > n) headers.link = `<${url.pathname}?last=${encodeURIComponent(items[items.length - 1]!)}&n=${n}>; rel="next"`;
    send(json({ ...extra, [field]: items }), 'application/json', headers);
  }

  private signBlobUrl(key: string): string {
    const sig = `s${++this.signedCount}`;
    this.signed.set(sig, key.replace(/^\/v2\/(.+)\/blobs\//, '$1@'));
    return `http://${this.blobHostAddress}/store/${sig}`;
  }

  private serveSigned(req: IncomingMessage, res: ServerResponse, url: URL, send: (c: Uint8Array, t: string) => void): void {
    const sig = url.pathname.replace('/store/', '');
    const key = this.signed.get(sig);
    // Single use, like an expired presigned S3 URL on its second use (F15).
    this.signed.delete(sig);
    const blob = key === undefined ? undefined : this.blobs.get(key);
    if (blob === undefined) {
      res.writeHead(403, { 'content-type': 'application/xml' });
      return void res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    }
    if (req.headers.authorization !== undefined) {
      res.writeHead(400, { 'content-type': 'application/xml' });
      return void res.end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>');
    }
    send(blob, 'application/octet-stream');
  }
}
