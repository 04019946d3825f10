// How registry requests leave the process: directly (Node: https, or http for insecure/local registries) or through
// Strata's CORS proxy (browser: /proxy/<host>/<path>). Injected into the client. Page, worker and Node.

export type RegistryTransport = {
  readonly fetch: typeof fetch;
  /** The URL to request for `path` (path + query, starting with "/") on `host` (host[:port]); `insecure` = plain http. */
  urlFor(host: string, path: string, insecure: boolean): string;
  /**
   * Who follows HTTP redirects. 'manual': the client does (Node direct mode), so it can drop Authorization on any
   * change of scheme, host or port, re-check each hop and stop after 10 (hardening F16, F17, S7). 'fetch': the
   * platform's fetch does (browser through the proxy, which guards each hop itself). Default 'fetch'.
   */
  readonly redirects?: 'manual' | 'fetch';
  /** Sent as User-Agent where the platform allows it (not in browsers). */
  readonly userAgent?: string;
  /**
   * The registry URL a transport-relative Location stands for (the proxy rewrites an upload's Location to
   * /proxy/<host>/…); undefined when `location` is not one of the transport's own URLs.
   */
  readonly registryUrlOf?: (location: string, answeredBy: URL) => URL | undefined;
};

export const STRATA_USER_AGENT = 'strata/0.1';

/** Calls the platform fetch unbound-safely (browsers throw "Illegal invocation" on a detached fetch). */
const platformFetch: typeof fetch = (input, init) => globalThis.fetch(input, init);

/**
 * Browser fetch that never sends or prompts for ambient credentials: a registry's 401 with `WWW-Authenticate: Basic`
 * would otherwise make the browser show its own login dialog and hold the request open. Credentials go only in the
 * Authorization header the client sets for that registry.
 */
export const fetchWithoutCredentials: typeof fetch = (input, init) => globalThis.fetch(input, { ...init, credentials: 'omit' });

/** Node (and tests): talk to registries directly; follow redirects ourselves. */
export function createDirectTransport(options: { fetch?: typeof fetch; userAgent?: string } = {}): RegistryTransport {
  return {
    fetch: options.fetch ?? platformFetch,
    urlFor: (host, path, insecure) => `${insecure ? 'http' : 'https'}://${host}${path}`,
    redirects: 'manual',
    userAgent: options.userAgent ?? STRATA_USER_AGENT,
  };
}

/**
 * Browser: every request goes to `<base>/<host><path>` on our own origin (default base "/proxy"); the proxy chooses
 * the upstream scheme and guards redirects, realms and headers (hardening §2.3).
 */
export function createProxyTransport(options: { base?: string; fetch?: typeof fetch } = {}): RegistryTransport {
  const base = (options.base ?? '/proxy').replace(/\/+$/, '');
  return {
    fetch: options.fetch ?? fetchWithoutCredentials,
    urlFor: (host, path) => `${base}/${host}${path}`,
    redirects: 'fetch',
    registryUrlOf: (location, answeredBy) => {
      const prefix = `${new URL(base, 'http://x').pathname.replace(/\/+$/, '')}/`;
      const path = /^[a-z][a-z0-9+.-]*:/i.test(location) ? new URL(location).pathname + new URL(location).search : location;
      if (!path.startsWith(prefix)) return undefined;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash <= 0) return undefined;
      return new URL(`${answeredBy.protocol}//${rest.slice(0, slash)}${rest.slice(slash)}`);
    },
  };
}

/** A Location header from a registry answer as the registry URL it names (see RegistryTransport.registryUrlOf). */
export function resolveLocation(transport: RegistryTransport, location: string, answeredBy: URL): URL {
  return transport.registryUrlOf?.(location, answeredBy) ?? new URL(location, answeredBy);
}

/** Routes an absolute URL (a token realm, a Link or Location header) through the transport. */
export function transportUrl(transport: RegistryTransport, url: URL): string {
  return transport.urlFor(url.host, `${url.pathname}${url.search}`, url.protocol === 'http:');
}

/** Same origin = same scheme, host and port (curl's "another host" rule, hardening §1.4). */
export function sameOrigin(a: URL, b: URL): boolean {
  return a.protocol === b.protocol && a.host === b.host;
}
