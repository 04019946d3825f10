// Header filters for the proxy (node side): a request-header allowlist towards registries (S9, S10), a response-header
// allowlist back to the page (S9, S11), and the Cache-Control the proxy sets for shared caches (S18, RFC 9111 §3.5).
// Pushes (to --allow-push-host registries only) add the few headers the distribution-spec upload flow needs.
import type * as http from 'node:http';

/** What a page may send upstream; Authorization is decided separately (only to the host it was meant for). */
const FORWARDED_REQUEST_HEADERS = ['accept', 'range', 'if-none-match', 'if-match', 'if-modified-since', 'user-agent'] as const;

/** Added for POST/PUT/PATCH: what a blob upload or manifest PUT needs (distribution-spec "Push"), nothing else. */
const FORWARDED_WRITE_HEADERS = ['content-type', 'content-length', 'content-range', 'digest'] as const;

/** What the page may see of an upstream response. Everything else (Set-Cookie, HSTS, Alt-Svc, hop-by-hop…) is dropped. */
const FORWARDED_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'content-type', 'content-length', 'content-range', 'content-encoding', 'accept-ranges', 'etag', 'last-modified',
  'docker-content-digest', 'docker-distribution-api-version', 'www-authenticate', 'retry-after', 'link', 'warning',
  'oci-subject', 'oci-filters-applied', 'range', 'docker-upload-uuid',
]);

const USER_AGENT = 'strata-proxy/0.1';

/** Builds the upstream request headers from the allowlist only (no Cookie, X-Forwarded-For, Proxy-Authorization…). */
export function pickRequestHeaders(req: http.IncomingMessage, write = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of write ? [...FORWARDED_REQUEST_HEADERS, ...FORWARDED_WRITE_HEADERS] : FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (typeof value === 'string' && value.length <= 8192) out[name] = value;
  }
  out['user-agent'] ??= USER_AGENT;
  return out;
}

/** The allowlisted upstream response headers, keeping repeated ones (WWW-Authenticate, Warning, Link) separate. */
export function pickResponseHeaders(upstream: http.IncomingMessage, drop: ReadonlySet<string> = new Set()): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const raw = upstream.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    const value = raw[i + 1] ?? '';
    if (!FORWARDED_RESPONSE_HEADERS.has(name) || drop.has(name)) continue;
    const previous = out[name];
    if (previous === undefined) out[name] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else out[name] = name === 'content-length' ? previous : [previous, value];
  }
  return out;
}

/** All values of one upstream header, as sent (rawHeaders keeps repeats Node would join). */
export function headerValues(upstream: http.IncomingMessage, name: string): string[] {
  const out: string[] = [];
  const raw = upstream.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) if ((raw[i] ?? '').toLowerCase() === name) out.push(raw[i + 1] ?? '');
  return out;
}

/**
 * A shared cache must not reuse an answer to a request carrying Authorization (RFC 9111 §3.5), and token answers are
 * secrets: everything is no-store except a digest-addressed blob fetched without credentials, which is immutable.
 */
export function cacheControlFor(kind: string, status: number, sentAuthorization: boolean): string {
  if (kind === 'blob' && !sentAuthorization && (status === 200 || status === 206)) return 'public, max-age=31536000, immutable';
  return 'no-store';
}
