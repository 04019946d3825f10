// Follows upstream redirects inside the proxy (node side): every hop re-validated and re-resolved like the first
// (S5), at most maxRedirects hops (F16), Authorization dropped for good on any change of host, scheme or port
// (S7, F17). The page never sees a redirect's Location, so it cannot be tricked into re-sending credentials (S8).
// Writes (push hosts only) are never redirected: their streamed body cannot be sent a second time.
import type * as http from 'node:http';
import { resolveAllowedAddress, type Resolver } from './address-guard.ts';
import { ProxyError, denied } from './errors.ts';
import { checkRedirectHop, isSameOrigin, type Hop, type HopContext } from './hop-policy.ts';
import { redactUrl } from './redact.ts';
import type { PlannedRequest } from './target.ts';
import { sendHop, type UpstreamBody, type UpstreamMethod, type UpstreamTransport } from './upstream.ts';

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export type FetchContext = {
  readonly transport: UpstreamTransport;
  readonly resolver: Resolver;
  readonly hops: HopContext;
  readonly headersMs: number;
  readonly maxRedirects: number;
  readonly log: (line: string) => void;
};

export type UpstreamResult = {
  readonly response: http.IncomingMessage;
  /** The hop that answered. */
  readonly hop: Hop;
  /** Authorization went out on the hop that answered (decides cacheability, S18). */
  readonly sentAuthorization: boolean;
};

export function firstHop(plan: PlannedRequest): Hop {
  const port = plan.url.port === '' ? (plan.scheme === 'https' ? 443 : 80) : Number(plan.url.port);
  return {
    url: plan.url, host: plan.host, scheme: plan.scheme, effectivePort: port, authority: plan.authority,
    privateOk: plan.privateOk, allowlisted: plan.kind !== 'realm',
  };
}

export async function fetchFollowingRedirects(
  plan: PlannedRequest,
  method: UpstreamMethod,
  headers: Readonly<Record<string, string>>,
  authorization: string | undefined,
  ctx: FetchContext,
  signal: AbortSignal,
  body?: UpstreamBody,
): Promise<UpstreamResult> {
  const first = firstHop(plan);
  let hop = first;
  let auth = authorization;
  for (let followed = 0; ; followed++) {
    const target = await resolveAllowedAddress(hop.host, { privateOk: hop.privateOk, authority: hop.authority }, ctx.resolver, ctx.headersMs);
    const hopHeaders = auth === undefined ? headers : { ...headers, authorization: auth };
    const response = await sendHop(ctx.transport, { url: hop.url, address: target.address, family: target.family, method, headers: hopHeaders, body }, ctx.headersMs, signal);
    const location = response.headers.location;
    const status = response.statusCode ?? 0;
    if (!REDIRECT_STATUSES.has(status) || location === undefined) return { response, hop, sentAuthorization: auth !== undefined };
    // A redirect body is never needed; cutting it also bounds what a hostile registry can make us read.
    response.destroy();
    if (method !== 'GET' && method !== 'HEAD') {
      throw denied(`${hop.authority} answered the ${method} with a redirect (${status} to ${redactUrl(location).slice(0, 300)}), which the proxy does not follow for pushes: an upload must stay on the registry it was allowed for`);
    }
    if (followed >= ctx.maxRedirects) {
      throw new ProxyError(502, 'TOO_MANY_REDIRECTS', `strata proxy: ${first.authority} redirected more than ${ctx.maxRedirects} times (last to ${redactUrl(hop.url.href)}); the registry is redirecting in a loop`);
    }
    let next: URL;
    try {
      next = new URL(location, hop.url);
    } catch {
      throw denied(`${hop.authority} sent an unparseable redirect Location`);
    }
    const nextHop = checkRedirectHop(next, plan.kind, hop, ctx.hops);
    if (auth !== undefined && !isSameOrigin(first, nextHop)) {
      auth = undefined;
      ctx.log(`  redirect to another host: Authorization dropped (${first.authority} → ${nextHop.authority})`);
    }
    ctx.log(`  ${status} → ${redactUrl(next.href)}`);
    hop = nextHop;
  }
}
