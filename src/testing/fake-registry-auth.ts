// The fake registry's authentication (Node tests): Bearer challenges with a /token endpoint (anonymous, Basic or OAuth2
// refresh_token grants, expiring tokens, private repositories, insufficient_scope) or plain Basic auth.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerWithFault, type Fault } from './fake-registry-faults.ts';

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

type Grant = { readonly scopes: ReadonlySet<string>; readonly expiresAt: number };

const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

export function sendError(res: ServerResponse, status: number, code: string): void {
  const body = json({ errors: [{ code, message: `${code} (fake registry)` }] });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(body.byteLength) });
  res.end(body);
}

export class FakeAuthService {
  private readonly grants = new Map<string, Grant>();
  private issued = 0;

  constructor(
    private readonly config: FakeAuth | undefined,
    private readonly host: () => string,
    private readonly now: () => number,
    private readonly takeFaults: (req: IncomingMessage) => readonly Fault[],
  ) {}

  expireTokens(): void {
    this.grants.clear();
  }

  authorized(req: IncomingMessage, res: ServerResponse, repository: string | undefined): boolean {
    const auth = this.config;
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
    const params = [`realm="http://${this.host()}/token"`, 'service="fake-registry"', ...(scopes.length ? [`scope="${scopes.join(' ')}"`] : []), ...(valid ? ['error="insufficient_scope"'] : [])];
    res.writeHead(401, { 'www-authenticate': `Bearer ${params.join(',')}`, 'content-type': 'application/json' });
    res.end(json({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    return false;
  }

  token(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const auth = this.config;
    if (auth?.kind !== 'bearer') return sendError(res, 404, 'UNSUPPORTED');
    const faults = this.takeFaults(req);
    for (const f of faults) if (answerWithFault(req, res, f, () => '')) return;
    if (req.method === 'POST' && auth.noOAuthPost) return sendError(res, 404, 'UNSUPPORTED');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString());
      let user: string | undefined;
      const header = req.headers.authorization ?? '';
      if (req.method === 'POST') {
        user = auth.refreshTokens?.[form.get('refresh_token') ?? ''];
        if (user === undefined) return sendError(res, 401, 'UNAUTHORIZED');
      } else if (header.startsWith('Basic ')) {
        const [u, p] = Buffer.from(header.slice(6), 'base64').toString().split(':');
        if (u === undefined || (auth.users?.[u] !== p && auth.refreshTokens?.[p ?? ''] !== u)) return sendError(res, 401, 'UNAUTHORIZED');
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
