// Sends one request through the transport and, in 'manual' mode, follows redirects itself: at most 10 hops
// (hardening F16), Authorization dropped as soon as scheme, host or port changes (distribution-spec: MUST NOT forward
// Authorization across hosts; F17, S7), each hop optionally re-validated (token realms, S5). Page, worker and Node.
import { sameOrigin, transportUrl, type RegistryTransport } from './transport.ts';

export const MAX_REDIRECTS = 10;

export type HopRequest = {
  readonly method: string;
  readonly headers: Headers;
  readonly body?: Uint8Array | undefined;
};

export type FollowOptions = {
  readonly signal: AbortSignal;
  /** Returns a reason to refuse a redirect target, or undefined to allow it. */
  readonly checkHop?: (url: URL) => string | undefined;
};

export type FollowResult = {
  readonly response: Response;
  /** The URL that answered, when known (manual mode); in 'fetch' mode the first URL. */
  readonly finalUrl: URL;
  /** True when the answer came from another origin than the first URL (a blob store, a CDN). */
  readonly crossOrigin: boolean;
};

export class RedirectError extends Error {
  constructor(message: string, readonly kind: 'too-many' | 'refused' | 'bad-location') {
    super(message);
  }
}

function init(req: HopRequest, signal: AbortSignal, redirect: RequestRedirect): RequestInit {
  const out: RequestInit = { method: req.method, headers: req.headers, signal, redirect };
  // A fresh copy per hop: fetch may detach a body buffer it has sent.
  if (req.body !== undefined) out.body = req.body.slice() as Uint8Array<ArrayBuffer>;
  return out;
}

/** Fetches `url` (absolute, on its real host) through the transport, following redirects per the transport's mode. */
export async function fetchFollowing(transport: RegistryTransport, url: URL, req: HopRequest, options: FollowOptions): Promise<FollowResult> {
  if (transport.redirects !== 'manual') {
    const response = await transport.fetch(transportUrl(transport, url), init(req, options.signal, 'follow'));
    return { response, finalUrl: url, crossOrigin: false };
  }
  let current = url;
  let method = req.method;
  let body = req.body;
  const headers = new Headers(req.headers);
  for (let hop = 0; ; hop++) {
    const response = await transport.fetch(transportUrl(transport, current), init({ method, headers, body }, options.signal, 'manual'));
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || response.status === 304 || location === null) {
      return { response, finalUrl: current, crossOrigin: !sameOrigin(url, current) };
    }
    await response.body?.cancel().catch(() => undefined);
    if (hop + 1 > MAX_REDIRECTS) throw new RedirectError(`more than ${MAX_REDIRECTS} redirects (last to ${current.host})`, 'too-many');
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new RedirectError(`redirect to an invalid URL "${location.slice(0, 100)}"`, 'bad-location');
    }
    if (next.protocol !== 'https:' && next.protocol !== 'http:') throw new RedirectError(`redirect to a ${next.protocol} URL refused`, 'refused');
    const refusal = options.checkHop?.(next);
    if (refusal !== undefined) throw new RedirectError(refusal, 'refused');
    if (!sameOrigin(current, next)) {
      // Credentials belong to the origin that asked for them; a presigned store URL also rejects a second auth.
      headers.delete('authorization');
      headers.delete('cookie');
    }
    // RFC 9110 §15.4: 303 turns into GET; 301/302 after POST do too in every browser.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = undefined;
      headers.delete('content-type');
      headers.delete('content-length');
    }
    current = next;
  }
}
