// A scriptable, fault-injecting OCI registry for Node tests (node:http on 127.0.0.1, port 0): manifests by tag and
// digest, blobs with Range, tag/catalog pagination, Bearer token auth with expiring tokens or Basic auth, a second
// "blob host" server for 307 redirects with single-use URLs, and per-request faults (fake-registry-faults.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerWithFault, writeContent, type Fault, type FaultRule } from './fake-registry-faults.ts';
import { sha256Of } from './image-fixture.ts';

export type { Fault, FaultRule } from './fake-registry-faults.ts';

export type FakeAuth =
  | {
    readonly kind: 'bearer';
    /** username → password accepted by the token endpoint (Basic) */
    readonly users?: Readonly<Record<string, string>>;
    /** refresh token → username, for the OAuth2 POST grant */
    readonly refreshTokens?: Readonly<Record<string, string>>;
    /** expires_in sent (undefined → omitted); tokens die server-side after max(expiresIn, 60) s on `now()` */
    readonly expiresIn?: number;
    readonly tokenField?: 'token' | 'access_token' | 'both';
    /** repositories anonymous users may not pull (their token gets an empty grant, P22) */
    readonly privateRepos?: readonly string[];
    /** answer 404 to POST /token, so clients fall back to GET (GCR-like) */
    readonly noOAuthPost?: boolean;
    /** scopes the challenge names in addition to the request's own */
    readonly extraChallengeScopes?: readonly string[];
  }
  | { readonly kind: 'basic'; readonly users: Readonly<Record<string, string>> };

export type FakeRegistryOptions = {
  readonly auth?: FakeAuth;
  readonly rangeSupport?: boolean;
  /** Serve blob GETs as 307 redirects to a second server with single-use URLs. */
  readonly blobHost?: boolean;
  readonly now?: () => number;
};

export type RecordedRequest = { readonly server: 'registry' | 'blob-host'; readonly method: string; readonly path: string; readonly headers: Readonly<Record<string, string>> };

type Grant = { readonly scopes: ReadonlySet<string>; readonly expiresAt: number };

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
  private readonly grants = new Map<string, Grant>();
  private readonly signed = new Map<string, string>();
  private readonly server = createServer((q, s) => this.route(q, s, 'registry'));
  private readonly blobServer = createServer((q, s) => this.route(q, s, 'blob-host'));
  private issued = 0;

  private constructor(private readonly options: FakeRegistryOptions) {}

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

  /** Drops every queued fault. */
  clearFaults(): void {
    this.rules.length = 0;
  }

  /** Makes every issued token invalid (as if they expired). */
  expireTokens(): void {
    this.grants.clear();
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
    if (server === 'registry' && url.pathname === '/token') return this.token(req, res, url);
    const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\/(.+)$/.exec(url.pathname);
    const repository = server === 'registry' ? m?.[1] : undefined;
    if (server === 'registry' && !this.authorized(req, res, repository)) return;
    const faults = this.takeFaults(req, server);
    for (const f of faults) if (answerWithFault(req, res, f, () => this.signBlobUrl(url.pathname))) return;
    const send = (content: Uint8Array, type: string, extra: Record<string, string> = {}): void => writeContent(req, res, content, type, faults, this.options.rangeSupport ?? true, extra);
    if (server === 'blob-host') return this.serveSigned(req, res, url, send);
    if (url.pathname === '/v2/' || url.pathname === '/v2') return send(json({}), 'application/json');
    if (url.pathname === '/v2/_catalog') return this.page(res, url, [...new Set([...this.tags.keys()])].sort(), 'repositories', send);
    if (!m) return this.status(res, 404, 'NAME_UNKNOWN');
    const [, repo, kind, rest] = m as unknown as [string, string, string, string];
    if (kind === 'tags' && rest === 'list') {
      if (!this.tags.has(repo)) return this.status(res, 404, 'NAME_UNKNOWN');
      return this.page(res, url, this.tags.get(repo) ?? [], 'tags', send, { name: repo });
    }
    if (kind === 'manifests') {
      const key = rest.includes(':') ? `${repo}@${rest}` : `${repo}:${rest}`;
      const found = this.manifests.get(key);
      if (!found) return this.status(res, 404, 'MANIFEST_UNKNOWN');
      return send(found.bytes, found.mediaType, { 'docker-content-digest': sha256Of(found.bytes) });
    }
    const blob = this.blobs.get(`${repo}@${rest}`);
    if (!blob) return this.status(res, 404, 'BLOB_UNKNOWN');
    if (this.options.blobHost && req.method === 'GET') {
      res.writeHead(307, { location: this.signBlobUrl(`${repo}@${rest}`), 'content-length': '0' });
      return void res.end();
    }
    return send(blob, 'application/octet-stream', { 'docker-content-digest': rest });
  }

  private status(res: ServerResponse, status: number, code: string): void {
    const body = json({ errors: [{ code, message: `${code} (fake registry)` }] });
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.byteLength) });
    res.end(body);
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
    const sig = `s${++this.issued}`;
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

  private authorized(req: IncomingMessage, res: ServerResponse, repository: string | undefined): boolean {
    const auth = this.options.auth;
    if (auth === undefined) return true;
    const header = req.headers.authorization ?? '';
    if (auth.kind === 'basic') {
      const [user, pass] = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString().split(':');
      if (header.startsWith('Basic ') && user !== undefined && auth.users[user] === pass) return true;
      res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"', 'content-type': 'application/json' });
      res.end(json({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return false;
    }
    const need = repository === undefined ? undefined : `repository:${repository}:${req.method === 'GET' || req.method === 'HEAD' ? 'pull' : 'push'}`;
    const grant = this.grants.get(header.replace(/^Bearer /, ''));
    const valid = header.startsWith('Bearer ') && grant !== undefined && grant.expiresAt > this.now();
    if (valid && (need === undefined || grant.scopes.has(need))) return true;
    const scopes = [...(need ? [need] : []), ...(auth.extraChallengeScopes ?? [])];
    const params = [`realm="http://${this.host}/token"`, 'service="fake-registry"', ...(scopes.length ? [`scope="${scopes.join(' ')}"`] : []), ...(valid ? ['error="insufficient_scope"'] : [])];
    res.writeHead(401, { 'www-authenticate': `Bearer ${params.join(',')}`, 'content-type': 'application/json' });
    res.end(json({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    return false;
  }

  private token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const auth = this.options.auth;
    if (auth?.kind !== 'bearer') return this.status(res, 404, 'UNSUPPORTED');
    const faults = this.takeFaults(req, 'registry');
    for (const f of faults) if (answerWithFault(req, res, f, () => '')) return;
    if (req.method === 'POST' && auth.noOAuthPost) return this.status(res, 404, 'UNSUPPORTED');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      let user: string | undefined;
      const header = req.headers.authorization ?? '';
      if (req.method === 'POST') {
        user = auth.refreshTokens?.[form.get('refresh_token') ?? ''];
        if (user === undefined) return this.status(res, 401, 'UNAUTHORIZED');
      } else if (header.startsWith('Basic ')) {
        const [u, p] = Buffer.from(header.slice(6), 'base64').toString().split(':');
        if (u === undefined || (auth.users?.[u] !== p && auth.refreshTokens?.[p ?? ''] !== u)) return this.status(res, 401, 'UNAUTHORIZED');
        user = u;
      }
      const requested = req.method === 'POST' ? (form.get('scope') ?? '').split(' ') : url.searchParams.getAll('scope').flatMap((s) => s.split(' '));
      const granted = new Set<string>();
      for (const s of requested.filter((x) => x !== '')) {
        const [, repo, actions] = /^repository:(.+):([a-z,*]+)$/.exec(s) ?? [];
        if (repo === undefined || actions === undefined) continue;
        if (user === undefined && auth.privateRepos?.includes(repo)) continue;
        for (const a of actions.split(',')) if (a === 'pull' || user !== undefined) granted.add(`repository:${repo}:${a}`);
      }
      const token = `tok-${++this.issued}`;
      this.grants.set(token, { scopes: granted, expiresAt: this.now() + Math.max(60, auth.expiresIn ?? 60) * 1000 });
      const field = auth.tokenField ?? 'token';
      const body: Record<string, unknown> = {};
      if (field !== 'access_token') body.token = token;
      if (field !== 'token') body.access_token = token;
      if (auth.expiresIn !== undefined) body.expires_in = auth.expiresIn;
      const bytes = json(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.byteLength) });
      res.end(bytes);
    });
  }
}
