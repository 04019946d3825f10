// The registry host allowlist (node side): the built-in public registries plus the operator's --allow-host entries
// ("127.0.0.1:5000", "http://registry.lan:5000", "*.pkg.dev"). Decides which hosts the proxy talks to, over which
// scheme and port (S12, S19, S21). Private addresses are a separate decision made by the address guard.
import { defaultPort, isLocalHostName, parseHost, type ParsedHost, type Scheme } from './authority.ts';

/**
 * Public registries and the hosts they hand blobs or tokens out from. Blob redirects from an allowed registry may
 * go to any public https host anyway (see hop-policy.ts); listing the CDNs here also admits them for manifests.
 */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = [
  'docker.io', 'index.docker.io', 'registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com',
  'docker-images-prod.6aa30f8b08e16409b46e0173d6de2f56.r2.cloudflarestorage.com',
  'ghcr.io', 'pkg-containers.githubusercontent.com',
  'quay.io', '*.quay.io', 'quayio-production-s3.s3.amazonaws.com',
  'gcr.io', '*.gcr.io', '*.pkg.dev',
  'registry.k8s.io', 'prod-registry-k8s-io-*.s3.dualstack.*.amazonaws.com',
  'public.ecr.aws',
  'mcr.microsoft.com', '*.data.mcr.microsoft.com',
];

export type HostEntry = {
  readonly source: string;
  readonly scheme: Scheme;
  /** Required port; undefined = the scheme's default port only. */
  readonly port: number | undefined;
  readonly exact: ParsedHost | undefined;
  readonly pattern: RegExp | undefined;
  /** From the operator's allowHosts (true) or the built-in list (false). */
  readonly explicit: boolean;
};

export type HostMatch = {
  readonly scheme: Scheme;
  readonly explicit: boolean;
  /**
   * The operator named this exact host[:port] (no wildcard): it is a local registry, so its private/loopback
   * addresses may be connected to (S21). Wildcards never unlock private space.
   */
  readonly localRegistry: boolean;
  readonly entry: string;
};

export type Allowlist = {
  /** `scheme` given (a redirect URL): only entries for that scheme match, and ports default to that scheme's. */
  match(host: ParsedHost, port: number | undefined, scheme?: Scheme): HostMatch | undefined;
  /** True when the operator named this exact host and port (used for realm and redirect ports). */
  isExplicitExact(host: ParsedHost, port: number | undefined, scheme?: Scheme): boolean;
};

const PATTERN_LABEL = /^[a-z0-9*]([a-z0-9*-]{0,61}[a-z0-9*])?$/;

function compilePattern(host: string, source: string): RegExp {
  const labels = host.split('.');
  const fixed = labels.slice(-2);
  if (labels.length < 3 || fixed.some((l) => l.includes('*'))) {
    throw new Error(`allow-host pattern "${source}": the last two labels must be literal, e.g. "*.pkg.dev"`);
  }
  const parts = labels.map((label, i) => {
    if (!PATTERN_LABEL.test(label)) throw new Error(`allow-host pattern "${source}": invalid label "${label}"`);
    if (i === 0 && label === '*') return '(?:[a-z0-9-]+\\.)*[a-z0-9-]+';
    return label.split('*').map((piece) => piece.replace(/[.-]/g, '\\$&')).join('[a-z0-9-]*');
  });
  return new RegExp(`^${parts.join('\\.')}$`);
}

/** Parses one entry: [http://|https://]host[:port], host possibly with "*" label wildcards. Throws on nonsense. */
export function parseHostEntry(text: string, explicit: boolean): HostEntry {
  const source = text.trim();
  const schemeMatch = /^(https?):\/\//i.exec(source);
  const rest = (schemeMatch ? source.slice(schemeMatch[0].length) : source).replace(/\/+$/, '').toLowerCase();
  if (rest === '' || /[@/?#\s]/.test(rest)) throw new Error(`allow-host "${source}" must be host[:port], optionally with http:// or https://`);
  const close = rest.lastIndexOf(']');
  const colon = rest.lastIndexOf(':');
  const hostText = colon > close ? rest.slice(0, colon) : rest;
  const portText = colon > close ? rest.slice(colon + 1) : undefined;
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^[0-9]{1,5}$/.test(portText) || port < 1 || port > 65535) throw new Error(`allow-host "${source}": bad port`);
  }
  const explicitScheme = schemeMatch ? (schemeMatch[1]!.toLowerCase() as Scheme) : undefined;
  if (hostText.includes('*')) {
    return { source, scheme: explicitScheme ?? 'https', port, exact: undefined, pattern: compilePattern(hostText, source), explicit };
  }
  const exact = parseHost(hostText);
  if (exact === undefined) throw new Error(`allow-host "${source}": "${hostText}" is not a host name or IP address`);
  const scheme = explicitScheme ?? (isLocalHostName(exact) ? 'http' : 'https');
  return { source, scheme, port: port === defaultPort(scheme) ? undefined : port, exact, pattern: undefined, explicit };
}

function portMatches(entry: HostEntry, port: number | undefined, scheme: Scheme | undefined): boolean {
  if (scheme !== undefined && scheme !== entry.scheme) return false;
  const requested = port === undefined || port === defaultPort(entry.scheme) ? undefined : port;
  return requested === entry.port;
}

function hostMatches(entry: HostEntry, host: ParsedHost): boolean {
  if (entry.exact !== undefined) return entry.exact.text === host.text;
  return host.kind === 'name' && entry.pattern !== undefined && entry.pattern.test(host.text);
}

export function createAllowlist(extra: readonly string[]): Allowlist {
  const parsed = [...extra.map((e) => parseHostEntry(e, true)), ...DEFAULT_ALLOWED_HOSTS.map((e) => parseHostEntry(e, false))];
  // Exact entries before patterns, operator entries before built-ins.
  const entries = [...parsed.filter((e) => e.exact !== undefined), ...parsed.filter((e) => e.exact === undefined)];
  const find = (host: ParsedHost, port: number | undefined, scheme?: Scheme): HostEntry | undefined =>
    entries.find((e) => hostMatches(e, host) && portMatches(e, port, scheme));
  return {
    match(host, port, scheme) {
      const entry = find(host, port, scheme);
      if (entry === undefined) return undefined;
      return { scheme: entry.scheme, explicit: entry.explicit, localRegistry: entry.explicit && entry.exact !== undefined, entry: entry.source };
    },
    isExplicitExact(host, port, scheme) {
      const entry = find(host, port, scheme);
      return entry !== undefined && entry.explicit && entry.exact !== undefined;
    },
  };
}
