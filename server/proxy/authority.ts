// Parses the host[:port] part of a proxy URL or an upstream URL into one canonical form (node side), so that the
// allowlist, the realm table and the address guard all compare the same text: IP literals canonical (S2), names
// lowercase without a trailing dot, default ports dropped.
import { classifyAddress } from './address-class.ts';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6, type IpAddress } from './ip-parse.ts';

export type ParsedHost =
  | { readonly kind: 'ip'; readonly ip: IpAddress; /** 127.0.0.1 or [::1] */ readonly text: string }
  | { readonly kind: 'name'; /** lowercase, no trailing dot */ readonly text: string };

export type Authority = { readonly host: ParsedHost; /** as written; undefined when absent */ readonly port: number | undefined };

export type Scheme = 'http' | 'https';

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A host as written in a URL: "[v6]", any inet_aton IPv4 form, or a DNS name. As the WHATWG host parser does, a
 * name whose last label is numeric must be a valid IPv4 address (so "1.2.3.256" or "0x7f.1x" are refused, not looked up).
 */
export function parseHost(raw: string): ParsedHost | undefined {
  if (raw.startsWith('[')) {
    if (!raw.endsWith(']')) return undefined;
    const groups = parseIPv6(raw.slice(1, -1));
    return groups === undefined ? undefined : { kind: 'ip', ip: { family: 6, groups }, text: `[${formatIPv6(groups)}]` };
  }
  const lower = raw.toLowerCase();
  const labels = lower.split('.');
  if (labels.length > 1 && labels[labels.length - 1] === '') labels.pop();
  const last = labels[labels.length - 1] ?? '';
  if (/^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/.test(last)) {
    const value = parseIPv4(lower);
    return value === undefined ? undefined : { kind: 'ip', ip: { family: 4, value }, text: formatIPv4(value) };
  }
  const name = labels.join('.');
  if (name.length === 0 || name.length > 253 || !labels.every((l) => LABEL.test(l))) return undefined;
  return { kind: 'name', text: name };
}

/** host[:port] without userinfo (refused: S19); port 1–65535, digits only. */
export function parseAuthority(raw: string): Authority | undefined {
  if (raw === '' || /[@\\/?#%\s]/.test(raw)) return undefined;
  let hostText = raw;
  let portText: string | undefined;
  const close = raw.lastIndexOf(']');
  const colon = raw.lastIndexOf(':');
  if (colon > close) {
    hostText = raw.slice(0, colon);
    portText = raw.slice(colon + 1);
  }
  const host = parseHost(hostText);
  if (host === undefined) return undefined;
  if (portText === undefined) return { host, port: undefined };
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= 65535 ? { host, port } : undefined;
}

export function defaultPort(scheme: Scheme): number {
  return scheme === 'https' ? 443 : 80;
}

/** Canonical "host[:port]" for a scheme: the port is dropped when it is the scheme's default (as URL.host). */
export function formatAuthority(host: ParsedHost, port: number | undefined, scheme: Scheme): string {
  return port === undefined || port === defaultPort(scheme) ? host.text : `${host.text}:${port}`;
}

/** The parsed host and effective port of an absolute http(s) URL, or undefined for any other scheme. */
export function authorityOfUrl(url: URL): (Authority & { readonly scheme: Scheme; readonly effectivePort: number }) | undefined {
  const scheme = url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : undefined;
  if (scheme === undefined) return undefined;
  const host = parseHost(url.hostname);
  if (host === undefined) return undefined;
  const port = url.port === '' ? undefined : Number(url.port);
  return { host, port, scheme, effectivePort: port ?? defaultPort(scheme) };
}

/** localhost, *.localhost, *.local, or a non-public IP literal: where a local registry lives (plain http by default). */
export function isLocalHostName(host: ParsedHost): boolean {
  if (host.kind === 'ip') return classifyAddress(host.ip).kind !== 'public';
  return host.text === 'localhost' || host.text.endsWith('.localhost') || host.text.endsWith('.local');
}
