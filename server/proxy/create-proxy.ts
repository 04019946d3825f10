// Strata's registry CORS proxy (node side): GET/HEAD /proxy/<registry-host[:port]>/<path> → that registry, guarded as
// hardening.md §2.3 demands (allowlists, SSRF checks on every hop, header filters, caps, timeouts, rate limit), plus the
// registry push flow (POST/PATCH/PUT) to the hosts named with --allow-push-host only, bodies streamed with caps.
// Headers are not rewritten: WWW-Authenticate and Link reach the page as the registry sent them and the page maps
// their absolute URLs to /proxy/… itself (src/registry/transport.ts); a redirect's Location never reaches it
// (redirects.ts), an upload's Location does, rewritten to /proxy/<same host>/… (push-policy.ts).
import type * as http from 'node:http';
import { systemResolver, type Resolver } from './address-guard.ts';
import { createAllowlist } from './allowlist.ts';
import { pipeBody, readCapped } from './body.ts';
import { createRealmTable } from './challenges.ts';
import { checkOrigin, preflightHeaders } from './cors.ts';
import { ProxyError, sendProxyError, toProxyError } from './errors.ts';
import { cacheControlFor, headerValues, pickRequestHeaders, pickResponseHeaders } from './headers.ts';
import { createPushPolicy, type WriteMethod, type WritePlan } from './push-policy.ts';
import { createRateLimiter, type RateLimit } from './rate-limit.ts';
import { redactText, redactUrl } from './redact.ts';
import { fetchFollowingRedirects, type FetchContext, type UpstreamResult } from './redirects.ts';
import { planRequest, type PlannedRequest } from './target.ts';
import { createTokenBindings } from './token-binding.ts';
import { createNodeTransport, type UpstreamTransport } from './upstream.ts';

export type ProxyOptions = {
  /** Extra [http://|https://]host[:port] entries, e.g. '127.0.0.1:5000', '*.pkg.dev'. An exact entry is a local registry. */
  readonly allowHosts?: readonly string[];
  /** Allow private/loopback addresses for every allowed host (never metadata or link-local). */
  readonly allowPrivate?: boolean;
  /** DNS for upstream hosts; default dns.lookup with all: true. */
  readonly resolver?: Resolver;
  /** Origins allowed to use the proxy; default: the proxy's own origin only. */
  readonly allowedOrigins?: readonly string[];
  /** Test-only: false leaves out Access-Control-Expose-Headers, so the B7 browser test can prove it is needed. */
  readonly exposeHeaders?: boolean;
  readonly rateLimit?: RateLimit;
  readonly log?: (line: string) => void;
  readonly timeouts?: { readonly headersMs: number; readonly idleBodyMs: number };
  readonly maxRedirects?: number;
  /**
   * Registries ([http://|https://]host[:port], exact) the page may push to through the proxy; each must also be
   * allowed by allowHosts or the built-in list. Writes to any other host are refused. Default: none (read-only).
   */
  readonly allowPushHosts?: readonly string[];
  /** Body cap per upload request (monolithic POST/PUT or one PATCH chunk); default 2 GiB. Manifests: 4 MiB. */
  readonly maxPushBlobBytes?: number;
};

export type RegistryProxy = {
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** The push hosts as configured (for the app's config endpoint). */
  readonly pushHosts: readonly string[];
  close(): void;
};

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH']);

export const DEFAULT_RATE_LIMIT: RateLimit = { requests: 600, perMs: 60_000 };
export const DEFAULT_TIMEOUTS = { headersMs: 30_000, idleBodyMs: 60_000 } as const;
const TOKEN_BODY_MAX = 1024 * 1024;
const ERROR_BODY_MAX = 64 * 1024;
const MANIFEST_BODY_MAX = 4 * 1024 * 1024;
const API_BODY_MAX = 16 * 1024 * 1024;

/** Kept on every proxied answer: upstream bytes are served from the app's origin, so they must never run as a page. */
const SAFETY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
  'cross-origin-resource-policy': 'same-origin',
} as const;

export function createProxy(options: ProxyOptions = {}): RegistryProxy {
  return createProxyWithTransport(options, createNodeTransport());
}

/** createProxy with the socket-opening step injected (tests watch which address is really connected to). */
export function createProxyWithTransport(options: ProxyOptions, transport: UpstreamTransport): RegistryProxy {
  const allowPrivate = options.allowPrivate ?? false;
  const allowlist = createAllowlist(options.allowHosts ?? []);
  const realms = createRealmTable(allowlist, allowPrivate);
  const push = createPushPolicy(options.allowPushHosts ?? [], allowlist, options.maxPushBlobBytes);
  const tokens = createTokenBindings();
  const limiter = createRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const log = options.log ?? ((): void => undefined);
  const active = new Set<AbortController>();
  const fetchContext: FetchContext = {
    transport,
    resolver: options.resolver ?? systemResolver,
    hops: { allowlist, allowPrivate },
    headersMs: timeouts.headersMs,
    maxRedirects: options.maxRedirects ?? 10,
    log: (line) => log(redactText(line)),
  };

  function chooseAuthorization(value: string | undefined, plan: PlannedRequest): string | undefined {
    if (value === undefined || plan.kind === 'realm') return value;
    const verdict = tokens.check(value, plan.authority);
    if (verdict.forward) return value;
    fetchContext.log(`  Authorization dropped: the token was issued for ${verdict.issuedFor.join(', ')}, not ${plan.authority}`);
    return undefined;
  }

  async function respond(req: http.IncomingMessage, res: http.ServerResponse, plan: PlannedRequest, result: UpstreamResult, cors: Record<string, string>, signal: AbortSignal, write: WritePlan | undefined): Promise<string> {
    const { response, hop } = result;
    const status = response.statusCode ?? 502;
    if (status === 401 && plan.kind !== 'realm' && hop.allowlisted) {
      const source = { authority: plan.authority, host: hop.host, scheme: hop.scheme, privateOk: hop.privateOk };
      for (const reason of realms.note(headerValues(response, 'www-authenticate'), source)) fetchContext.log(`  token realm refused: ${reason}`);
    }
    const headers: Record<string, string | string[]> = {
      ...pickResponseHeaders(response),
      ...cors,
      ...SAFETY_HEADERS,
      'cache-control': cacheControlFor(plan.kind, status, result.sentAuthorization),
    };
    const location = response.headers.location;
    if (write !== undefined && location !== undefined && status < 400) {
      try {
        headers.location = push.rewriteLocation(location, hop);
      } catch (error) {
        // An upload session pointing elsewhere is refused; after a finished write (201) the Location is only dropped.
        if (status === 202) {
          response.destroy();
          throw error;
        }
        fetchContext.log(`  Location dropped: ${redactText(error instanceof Error ? error.message : String(error))}`);
      }
    }
    if (req.method === 'HEAD' || status === 204 || status === 304) {
      response.resume();
      res.writeHead(status, headers);
      res.end();
      return 'no body';
    }
    if ((plan.kind === 'realm' && status === 200) || status >= 400) {
      const max = status >= 400 ? ERROR_BODY_MAX : TOKEN_BODY_MAX;
      const { body, truncated } = await readCapped(response, max, timeouts.idleBodyMs, signal);
      if (truncated && status < 400) throw new ProxyError(502, 'TOO_LARGE', `strata proxy: the token response from ${plan.authority} exceeds ${max} bytes`);
      if (plan.kind === 'realm' && plan.realm !== undefined && status === 200) tokens.noteTokenResponse(body, plan.realm.registries);
      res.writeHead(status, { ...headers, 'content-length': String(body.length) });
      res.end(body);
      return truncated ? `error body cut at ${max} bytes` : 'buffered';
    }
    const cap = plan.kind === 'blob' ? undefined : plan.kind === 'manifest' ? MANIFEST_BODY_MAX : API_BODY_MAX;
    const declared = Number(response.headers['content-length'] ?? NaN);
    if (cap !== undefined && declared > cap) {
      response.destroy();
      throw new ProxyError(502, 'TOO_LARGE', `strata proxy: ${plan.authority} announced ${declared} bytes for ${plan.kind === 'manifest' ? 'a manifest' : 'an API answer'} (limit ${cap})`);
    }
    res.writeHead(status, headers);
    const { outcome, path } = await pipeBody(response, res, timeouts.idleBodyMs, cap);
    return `${outcome} (${path})`;
  }

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, started: number): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const line = (status: number | string, note: string): void => log(`${method} ${redactUrl(req.url ?? '')} ${status} ${Date.now() - started}ms ${redactText(note)}`);
    const cors = checkOrigin(req, options.allowedOrigins, options.exposeHeaders ?? true);
    const corsHeaders = cors.allowed ? { ...cors.headers } : {};
    const fail = (error: ProxyError): void => {
      sendProxyError(res, error, { ...corsHeaders, ...SAFETY_HEADERS });
      line(error.status, error.message);
    };
    if (!cors.allowed) return fail(new ProxyError(403, 'DENIED', `strata proxy: ${cors.reason}; start strata serve with --allow-origin <origin> to allow a page from another origin`));
    const rate = limiter.take(req.socket.remoteAddress ?? 'unknown');
    if (!rate.ok) {
      return fail(new ProxyError(429, 'TOOMANYREQUESTS', `strata proxy: too many requests from this client; retry in ${rate.retryAfterSeconds} s`, { 'retry-after': String(rate.retryAfterSeconds) }));
    }
    if (method === 'OPTIONS') {
      const wanted = String(req.headers['access-control-request-method'] ?? '').toUpperCase();
      const writable = WRITE_METHODS.has(wanted) && isPushTarget(req.url ?? '', wanted);
      if (wanted !== 'GET' && wanted !== 'HEAD' && !writable) return fail(new ProxyError(405, 'UNSUPPORTED', 'strata proxy: only GET and HEAD can be proxied (and the push flow to --allow-push-host registries)', { allow: 'GET, HEAD' }));
      res.writeHead(204, preflightHeaders(corsHeaders, writable));
      res.end();
      return line(204, 'preflight');
    }
    // Read-only (S15) except the push flow to --allow-push-host registries; DELETE never (no image is ever deleted).
    if (method === 'DELETE') {
      return fail(new ProxyError(405, 'DENIED', 'strata proxy: DELETE is never proxied; Strata does not delete images, tags or blobs on registries', { allow: 'GET, HEAD' }));
    }
    if (method !== 'GET' && method !== 'HEAD' && !WRITE_METHODS.has(method)) {
      return fail(new ProxyError(405, 'UNSUPPORTED', `strata proxy: ${method} is not proxied (GET and HEAD, and the push flow to --allow-push-host registries)`, { allow: 'GET, HEAD' }));
    }
    const controller = new AbortController();
    active.add(controller);
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
      active.delete(controller);
    });
    try {
      const isWrite = WRITE_METHODS.has(method);
      // Target refusals (metadata, unknown host: 403) come first, then the method rule for non-push hosts (405).
      const plan = planRequest(req.url ?? '', { allowlist, realms, allowPrivate });
      if (isWrite) push.checkTarget(req.url ?? '', method);
      const write = isWrite ? push.planWrite(plan, method as WriteMethod) : undefined;
      const declared = Number(req.headers['content-length'] ?? 0);
      if (write !== undefined && declared > write.maxBytes) {
        throw new ProxyError(413, 'TOO_LARGE', `strata proxy: the ${write.what} body is ${declared} bytes, over the ${write.maxBytes}-byte limit for pushes through this proxy`);
      }
      const body = write === undefined ? undefined : { stream: req, maxBytes: write.maxBytes, idleMs: timeouts.idleBodyMs, what: write.what };
      const authorization = chooseAuthorization(req.headers.authorization, plan);
      const upstreamMethod = method as 'GET' | 'HEAD' | WriteMethod;
      const result = await fetchFollowingRedirects(plan, upstreamMethod, pickRequestHeaders(req, isWrite), authorization, fetchContext, controller.signal, body);
      if (controller.signal.aborted) {
        result.response.destroy();
        return line('-', 'client went away');
      }
      const outcome = await respond(req, res, plan, result, corsHeaders, controller.signal, write);
      line(result.response.statusCode ?? '-', outcome);
    } catch (error) {
      if (controller.signal.aborted) {
        // The page left, or close() was called: make sure nothing is left half-answered.
        if (!res.writableEnded) res.destroy();
        return line('-', 'aborted');
      }
      fail(toProxyError(error));
    }
  }

  function isPushTarget(url: string, method: string): boolean {
    try {
      push.checkTarget(url, method);
      return push.hosts.length > 0;
    } catch {
      return false;
    }
  }

  return {
    pushHosts: push.hosts,
    handle(req, res) {
      const started = Date.now();
      serve(req, res, started).catch((error: unknown) => {
        log(`strata proxy: internal error ${redactText(String(error))}`);
        if (!res.headersSent) sendProxyError(res, toProxyError(error), SAFETY_HEADERS);
        else res.destroy();
      });
    },
    close() {
      for (const c of active) c.abort();
      active.clear();
      limiter.close();
      transport.close();
      realms.clear();
      tokens.clear();
    },
  };
}
