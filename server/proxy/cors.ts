// CORS for the proxy (node side): an origin allowlist (S13), Access-Control-Allow-Origin echoed for allowed origins
// only, never Access-Control-Allow-Credentials (S17), the registry headers a page must read exposed (B7), preflight.
import type * as http from 'node:http';

export const EXPOSED_HEADERS = [
  'WWW-Authenticate', 'Docker-Content-Digest', 'Content-Range', 'Accept-Ranges', 'Retry-After', 'Link', 'Content-Length',
  'Content-Type', 'Warning', 'OCI-Subject', 'OCI-Filters-Applied', 'Docker-Distribution-API-Version',
  'Location', 'Range', 'Docker-Upload-UUID',
].join(', ');

/** Request headers a page may send (S10); preflights for anything else are answered without them. */
export const ALLOWED_REQUEST_HEADERS = 'Accept, Authorization, Range, If-None-Match, If-Match, If-Modified-Since';

export type CorsDecision =
  | { readonly allowed: true; readonly headers: Readonly<Record<string, string>> }
  | { readonly allowed: false; readonly reason: string };

function normaliseOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

/**
 * With no allowedOrigins, only the proxy's own origin (the page it serves) is allowed: Origin must name the host the
 * request was sent to. Requests without Origin are same-origin GETs or non-browser clients, unless Sec-Fetch-Site
 * says a browser sent them cross-site (an <img> or no-cors fetch from another page) — those are refused too.
 */
export function checkOrigin(req: http.IncomingMessage, allowedOrigins: readonly string[] | undefined, exposeHeaders = true): CorsDecision {
  const origin = req.headers.origin;
  const vary = { vary: 'Origin' };
  if (origin === undefined) {
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site') return { allowed: false, reason: `a ${site} request without an Origin header` };
    return { allowed: true, headers: vary };
  }
  const wanted = normaliseOrigin(origin);
  const ok = allowedOrigins === undefined
    ? wanted === `http://${(req.headers.host ?? '').toLowerCase()}` || wanted === `https://${(req.headers.host ?? '').toLowerCase()}`
    : allowedOrigins.some((o) => normaliseOrigin(o) === wanted);
  if (!ok) return { allowed: false, reason: `origin ${origin.slice(0, 200)} is not allowed to use this proxy` };
  const allow = { ...vary, 'access-control-allow-origin': origin };
  return { allowed: true, headers: exposeHeaders ? { ...allow, 'access-control-expose-headers': EXPOSED_HEADERS } : allow };
}

/** Request headers a push needs on top (only offered for a URL on an --allow-push-host registry). */
export const ALLOWED_WRITE_HEADERS = 'Content-Type, Content-Range, Digest';

/**
 * Preflight answer for an allowed origin: GET and HEAD (read-only proxy, S15), plus POST, PUT and PATCH when the URL
 * is on a push host; only allowlisted headers.
 */
export function preflightHeaders(cors: Readonly<Record<string, string>>, writable = false): Record<string, string> {
  return {
    ...cors,
    vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    'access-control-allow-methods': writable ? 'GET, HEAD, POST, PUT, PATCH' : 'GET, HEAD',
    'access-control-allow-headers': writable ? `${ALLOWED_REQUEST_HEADERS}, ${ALLOWED_WRITE_HEADERS}` : ALLOWED_REQUEST_HEADERS,
    'access-control-max-age': '600',
  };
}
